/**
 * Receives a `multipart/form-data` upload as a stream: the `file` part goes straight to a temporary
 * file (hashed on the way, never held in memory) and small text fields are kept. The size limit is
 * enforced while streaming, so a too-large upload stops at the limit, not after it.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { Problem } from '../shared/problem';
import { requestErrors } from '../shared/request.errors';
import { importErrors } from './imports.errors';
import { cleanText, textProblem } from '../shared/text';

export interface Upload {
  path: string;
  fileName: string;
  hash: string;
  bytes: number;
  fields: Record<string, string>;
  /** Removes the temporary file. */
  discard: () => Promise<void>;
}

/** Each upload's own directory in the system's temporary directory ($TMPDIR) is named so. */
export const UPLOAD_PREFIX = 'backstop-upload-';
/** How often this process touches the upload directories it holds (imports.recovery.ts: older ones are orphans). */
export const UPLOAD_BEAT_MS = 10_000;

/**
 * The upload directories this process holds (receiving, inspecting, importing), touched every
 * UPLOAD_BEAT_MS so that another process starting on the same machine leaves them alone.
 */
const held = new Set<string>();
let beating: NodeJS.Timeout | undefined;
export const holdsUpload = (dir: string) => held.has(dir);
function hold(dir: string) {
  held.add(dir);
  beating ??= setInterval(() => {
    const now = new Date();
    for (const d of held) void utimes(d, now, now).catch(() => {});
  }, UPLOAD_BEAT_MS).unref();
}
function release(dir: string) {
  held.delete(dir);
  if (held.size === 0 && beating) {
    clearInterval(beating);
    beating = undefined;
  }
}

/**
 * A file of its own in a new upload directory, held like a received upload (a job taken over
 * writes its kept file there, imports.jobs.ts); `discard` removes it.
 */
export async function uploadFile(): Promise<{ path: string; discard: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), UPLOAD_PREFIX));
  hold(dir);
  return {
    path: join(dir, randomUUID()),
    discard: async () => {
      release(dir);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const CRLF2 = Buffer.from('\r\n\r\n');
const MAX_FIELD = 1024;

export function boundaryOf(contentType: string | undefined): string {
  const m = /^multipart\/form-data\s*;.*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  if (!m) throw importErrors.notMultipart();
  return (m[1] ?? m[2])!;
}

export async function receiveUpload(
  body: ReadableStream<Uint8Array> | null,
  contentType: string | undefined,
  maxBytes: number,
): Promise<Upload> {
  const boundary = boundaryOf(contentType);
  if (!body) throw importErrors.fileRequired('is required');
  const { path, discard } = await uploadFile();
  try {
    const got = await parse(body, boundary, path, maxBytes);
    if (!got.file) throw importErrors.fileRequired();
    const bad = Object.entries(got.fields).flatMap(([name, value]) => {
      const message = textProblem(value);
      return message ? [requestErrors.badText(name, message)] : [];
    });
    if (bad.length) throw Problem.invalid(bad);
    return { path, fileName: got.file.name, hash: got.file.hash, bytes: got.file.bytes, fields: got.fields, discard };
  } catch (e) {
    await discard();
    throw e;
  }
}

async function parse(body: ReadableStream<Uint8Array>, boundary: string, path: string, maxBytes: number) {
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  const fields: Record<string, string> = {};
  let file: { name: string; hash: string; bytes: number } | undefined;
  // The body starts with `--boundary`; a leading CRLF lets one delimiter match every boundary.
  let buf: Buffer = Buffer.from('\r\n');
  let state: 'preamble' | 'headers' | 'part' | 'end' = 'preamble';
  let part: {
    name: string;
    fileName: string | null;
    out: WriteStream | null;
    hash: ReturnType<typeof createHash> | null;
    bytes: number;
    text: Buffer[];
  } | null = null;
  let total = 0;

  const write = async (chunk: Buffer) => {
    if (!part || chunk.length === 0) return;
    part.bytes += chunk.length;
    if (part.out) {
      if (part.bytes > maxBytes) throw importErrors.fileTooLarge(maxBytes, 'file');
      part.hash!.update(chunk);
      if (!part.out.write(chunk)) await once(part.out, 'drain');
    } else {
      if (part.bytes > MAX_FIELD) throw importErrors.fieldTooLong(part.name, MAX_FIELD);
      part.text.push(chunk);
    }
  };
  const finishPart = async () => {
    if (!part) return;
    if (part.out) {
      part.out.end();
      await once(part.out, 'finish');
      file = { name: part.fileName || 'upload', hash: part.hash!.digest('hex'), bytes: part.bytes };
    } else {
      fields[part.name] = Buffer.concat(part.text).toString('utf8');
    }
    part = null;
  };

  const reader = body.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > maxBytes + 64 * 1024) throw importErrors.fileTooLarge(maxBytes, 'upload');
      buf = buf.length ? Buffer.concat([buf, value]) : Buffer.from(value);
      for (let progressed = true; progressed && state !== 'end';) {
        progressed = false;
        if (state === 'preamble' || state === 'part') {
          const at = buf.indexOf(delimiter);
          if (at < 0) {
            // Keep a tail that could be the start of a delimiter.
            const keep = Math.min(buf.length, delimiter.length - 1);
            if (state === 'part') await write(buf.subarray(0, buf.length - keep));
            buf = buf.subarray(buf.length - keep);
            break;
          }
          if (buf.length < at + delimiter.length + 2) break;
          if (state === 'part') {
            await write(buf.subarray(0, at));
            await finishPart();
          }
          const after = buf.subarray(at + delimiter.length, at + delimiter.length + 2).toString('latin1');
          buf = buf.subarray(at + delimiter.length + 2);
          state = after === '--' ? 'end' : 'headers';
          progressed = true;
        } else if (state === 'headers') {
          const at = buf.indexOf(CRLF2);
          if (at < 0) {
            if (buf.length > 16 * 1024) throw importErrors.malformedMultipart();
            break;
          }
          const headers = buf.subarray(0, at).toString('utf8');
          buf = buf.subarray(at + 4);
          const disposition = /content-disposition:[^\r\n]*/i.exec(headers)?.[0] ?? '';
          const name = /\bname="([^"]*)"/i.exec(disposition)?.[1] ?? '';
          const fileName =
            /\bfilename\*=UTF-8''([^;\r\n]+)/i.exec(disposition)?.[1] ??
            /\bfilename="([^"]*)"/i.exec(disposition)?.[1] ??
            null;
          const isFile = name === 'file';
          if (isFile && file) throw importErrors.oneFileOnly();
          part = {
            name,
            fileName: fileName ? safeName(fileName) : null,
            out: isFile ? createWriteStream(path) : null,
            hash: isFile ? createHash('sha256') : null,
            bytes: 0,
            text: [],
          };
          state = 'part';
          progressed = true;
        }
      }
    }
  } finally {
    if (part?.out) part.out.destroy();
    reader.releaseLock();
  }
  if (state !== 'end') throw importErrors.uploadCutOff();
  return { file, fields };
}

function safeName(name: string): string {
  let n = name;
  try {
    n = decodeURIComponent(name);
  } catch {
    /* keep as sent */
  }
  return cleanText(n.split(/[\\/]/).at(-1)!).slice(0, 200) || 'upload';
}
