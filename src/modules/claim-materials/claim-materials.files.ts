/**
 * What an uploaded file is, judged by its content (magic bytes), never by its name: PDF, JPG, PNG,
 * or XLSX and DOCX, which are ZIP containers told apart by their [Content_Types].xml and main part
 * (the `file-type` library reads them). Anything else is refused naming the reason: an executable
 * whatever its name, a PDF without its header or its end-of-file marker, any other type.
 */
import { createHash } from 'node:crypto';
import { fileTypeFromBuffer } from 'file-type';
import { materialErrors } from './claim-materials.errors';
import type { MaterialKind } from './claim-materials.table';

/** The SHA-256 (hex) a material is recorded and checked by. */
export const sha256Of = (content: Uint8Array) => createHash('sha256').update(content).digest('hex');

/** 20 MB per file unless BACKSTOP_MATERIAL_MAX_MB says otherwise. */
export const DEFAULT_MATERIAL_MAX_BYTES = 20 * 1024 * 1024;

/** The largest file the dossier takes: BACKSTOP_MATERIAL_MAX_MB (whole megabytes, 1–200), else 20 MB. */
export function materialMaxBytes(setting = process.env.BACKSTOP_MATERIAL_MAX_MB): number {
  if (setting === undefined || setting === '') return DEFAULT_MATERIAL_MAX_BYTES;
  const n = Number(setting);
  if (!Number.isInteger(n) || n < 1 || n > 200)
    throw new Error(`BACKSTOP_MATERIAL_MAX_MB: must be a whole number of megabytes from 1 to 200, not "${setting}"`);
  return n * 1024 * 1024;
}

const ACCEPTED: Record<string, MaterialKind> = { pdf: 'pdf', jpg: 'jpg', png: 'png', xlsx: 'xlsx', docx: 'docx' };
const EXECUTABLES = new Set(['exe', 'elf', 'macho', 'dex', 'class', 'wasm', 'msi', 'deb', 'rpm', 'apk', 'dmg']);

export interface CheckedFile {
  kind: MaterialKind;
  mime: string;
  bytes: number;
  sha256: string;
}

/** A PDF must start with %PDF- and end with %%EOF (within its last 1024 bytes, as readers look for it). */
function pdfProblem(content: Uint8Array): { en: string; zh: string } | null {
  const head = Buffer.from(content.subarray(0, 5)).toString('latin1');
  if (head !== '%PDF-') return { en: 'no %PDF- header', zh: '缺少 %PDF- 文件头' };
  const tail = Buffer.from(content.subarray(Math.max(0, content.length - 1024))).toString('latin1');
  if (!tail.includes('%%EOF'))
    return { en: 'no %%EOF end marker (the file is truncated)', zh: '缺少 %%EOF 结束标记（文件不完整）' };
  return null;
}

/** The file's kind, size and SHA-256, or the problem refusing it. */
export async function checkMaterialFile({
  content,
  fileName,
  maxBytes,
}: {
  content: Uint8Array;
  fileName: string;
  maxBytes: number;
}): Promise<CheckedFile> {
  if (content.length === 0) throw materialErrors.empty();
  if (content.length > maxBytes) throw materialErrors.tooLarge(maxBytes);
  const found = await fileTypeFromBuffer(content);
  if (found && EXECUTABLES.has(found.ext)) throw materialErrors.executable(found.ext.toUpperCase());
  const kind = found ? ACCEPTED[found.ext] : undefined;
  if (!kind) {
    // Named .pdf but no PDF inside: say what a PDF lacks.
    if (!found && /\.pdf$/i.test(fileName))
      throw materialErrors.corruptPdf(pdfProblem(content) ?? { en: 'not a PDF inside', zh: '内容不是 PDF' });
    throw materialErrors.wrongType(found?.ext.toUpperCase());
  }
  if (kind === 'pdf') {
    const problem = pdfProblem(content);
    if (problem) throw materialErrors.corruptPdf(problem);
  }
  return {
    kind,
    mime: found!.mime,
    bytes: content.length,
    sha256: sha256Of(content),
  };
}
