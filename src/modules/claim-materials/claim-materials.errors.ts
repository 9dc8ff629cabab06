/** The refusals of a claim's dossier (`material.*`, docs/API.md "Error codes"): each names its reason; nothing is stored. */
import { claimStateZh } from '../claims/claims.errors';
import { notFound, Problem } from '../shared/problem';

const mb = (bytes: number) => `${Math.floor(bytes / (1024 * 1024))} MB`;

export const materialErrors = {
  fileNotFound: (id: string) =>
    notFound({
      code: 'material.not_found',
      what: { en: `Material file ${id}`, zh: `材料文件 ${id}` },
      field: 'fileId',
    }),

  unknownItem: (itemId: string, known: string[]) =>
    Problem.invalid([
      {
        field: 'itemId',
        code: 'material.unknown_item',
        en: `"${itemId}" is not an item of this claim's checklist (${known.join(', ') || 'none'})`,
        zh: `“${itemId}”不是本项目申请材料清单中的一项（${known.join('、') || '无'}）`,
      },
    ]),

  itemRequired: () =>
    Problem.invalid([
      {
        field: 'itemId',
        code: 'material.item_required',
        en: 'name the checklist item the file is for',
        zh: '须指明文件对应的材料项',
      },
    ]),

  fileRequired: () =>
    Problem.invalid([{ field: 'file', code: 'material.file_required', en: 'a file is required', zh: '须上传文件' }]),

  notMultipart: () =>
    new Problem(
      415,
      'Unsupported media type',
      { en: 'Send the file as multipart/form-data.', zh: '请以 multipart/form-data 上传文件。' },
      [
        {
          field: '(body)',
          code: 'material.not_multipart',
          en: 'must be multipart/form-data',
          zh: '须为 multipart/form-data',
        },
      ],
    ),

  empty: () =>
    Problem.invalid(
      [{ field: 'file', code: 'material.empty', en: 'the file is empty (0 bytes)', zh: '文件为空（0 字节）' }],
      { en: 'The file is empty.', zh: '文件为空。' },
    ),

  tooLarge: (maxBytes: number) =>
    new Problem(
      413,
      'File too large',
      { en: `A material file may be at most ${mb(maxBytes)}.`, zh: `单个材料文件不得超过 ${mb(maxBytes)}。` },
      [
        {
          field: 'file',
          code: 'material.too_large',
          en: `is larger than ${mb(maxBytes)}`,
          zh: `超过 ${mb(maxBytes)}`,
        },
      ],
    ),

  /** The content is none of PDF, JPG, PNG, XLSX, DOCX, whatever the name says. */
  wrongType: (found: string | undefined) =>
    new Problem(
      415,
      'Unsupported file type',
      {
        en: `Only PDF, JPG, PNG, XLSX and DOCX files are accepted; this file's content is ${found ?? 'of no known type'}.`,
        zh: `仅接受 PDF、JPG、PNG、XLSX、DOCX 文件；该文件内容为${found ?? '无法识别的格式'}。`,
      },
      [
        {
          field: 'file',
          code: 'material.wrong_type',
          en: `content is ${found ?? 'of no known type'}, not PDF, JPG, PNG, XLSX or DOCX`,
          zh: `内容为${found ?? '无法识别的格式'}，不是 PDF、JPG、PNG、XLSX 或 DOCX`,
        },
      ],
    ),

  executable: (found: string) =>
    new Problem(
      415,
      'Executable file',
      {
        en: `The file is an executable program (${found}), whatever its name; it is refused.`,
        zh: `该文件是可执行程序（${found}），无论文件名如何，均不接受。`,
      },
      [
        {
          field: 'file',
          code: 'material.executable',
          en: `is an executable (${found})`,
          zh: `为可执行程序（${found}）`,
        },
      ],
    ),

  corruptPdf: (why: { en: string; zh: string }) =>
    new Problem(422, 'Corrupt PDF', { en: `The PDF is damaged: ${why.en}.`, zh: `PDF 文件已损坏：${why.zh}。` }, [
      { field: 'file', code: 'material.corrupt_pdf', en: why.en, zh: why.zh },
    ]),

  /** Files are uploaded and ticked only while the claim is open: submitted or under review. */
  claimClosed: (state: string) =>
    new Problem(
      409,
      'Claim decided',
      {
        en: `Materials are uploaded and reviewed only while the claim is submitted or under review; it is ${state}.`,
        zh: `仅在代偿申请已提交或审核中时可上传、审核材料；当前状态为${claimStateZh(state)}。`,
      },
      [{ field: 'state', code: 'material.claim_closed', en: `is ${state}`, zh: `当前状态为${claimStateZh(state)}` }],
    ),

  noteRequired: () =>
    Problem.invalid([
      {
        field: 'note',
        code: 'material.note_required',
        en: 'a rejected item needs a note saying why',
        zh: '退回的材料须注明原因',
      },
    ]),

  noFile: (itemId: string) =>
    new Problem(
      409,
      'Nothing to accept',
      { en: `No file was uploaded for "${itemId}".`, zh: `“${itemId}”尚未上传文件。` },
      [{ field: 'itemId', code: 'material.no_file', en: 'has no file to accept', zh: '尚无文件可审核' }],
    ),

  /** The object store did not take or give the file (down, refused, misconfigured, or not configured any more): nothing was stored. */
  storeUnavailable: (what: { en: string; zh: string }, cause?: unknown) =>
    withCause(
      new Problem(
        503,
        'Object store unavailable',
        {
          en: `The object store keeping claim materials could not be used for ${what.en}; try again later, or ask the operator.`,
          zh: `保存申请材料的对象存储暂不可用（${what.zh}），请稍后重试或联系运维人员。`,
        },
        [
          {
            field: 'file',
            code: 'material.store_unavailable',
            en: 'the object store is unavailable',
            zh: '对象存储不可用',
          },
        ],
      ),
      cause,
    ),

  /** The row names an object the store does not hold: the file is lost from the bucket (restore it from the bucket's backup). */
  objectMissing: (fileId: string, fileName: string, sha256: string) =>
    new Problem(
      500,
      'Material file missing',
      {
        en: `Material file ${fileId} (${fileName}) is not in the object store (SHA-256 ${sha256}); the operator must restore it.`,
        zh: `材料文件 ${fileId}（${fileName}）在对象存储中不存在（SHA-256 ${sha256}），须由运维人员恢复。`,
      },
      [{ field: 'fileId', code: 'material.object_missing', en: 'is not in the object store', zh: '对象存储中不存在' }],
    ),

  /** What came back is not what was uploaded: refused, never served. */
  contentMismatch: (fileId: string, fileName: string, sha256: string) =>
    new Problem(
      500,
      'Material file altered',
      {
        en: `Material file ${fileId} (${fileName}) no longer matches its recorded SHA-256 ${sha256}; it is not served. The operator must restore it.`,
        zh: `材料文件 ${fileId}（${fileName}）与登记的 SHA-256 ${sha256} 不符，不予下载，须由运维人员恢复。`,
      },
      [
        {
          field: 'fileId',
          code: 'material.content_mismatch',
          en: 'does not match its recorded SHA-256',
          zh: '与登记的 SHA-256 不符',
        },
      ],
    ),
};

/** The store's own error kept as the problem's cause, for the server's log (never sent to the client). */
function withCause(p: Problem, cause: unknown): Problem {
  if (cause !== undefined) p.cause = cause;
  return p;
}
