/**
 * The refusals of a request as such, before any feature judges it (`request.*`, docs/API.md "Error
 * codes"): a field the schema refuses (zod), a path no route answers, a body too large, not JSON or
 * compressed, a cursor or an idempotency key that is not one, text the database cannot keep, and
 * the server's own failures (`server.*`).
 *
 * A schema's field errors take their code from the zod issue: `request.required` (no value),
 * `request.invalid_type`, `request.too_small`, `request.too_big`, `request.invalid_format`,
 * `request.invalid_value` (not one of the allowed values), `request.unrecognized_keys`,
 * `request.not_multiple_of`, and `request.invalid` for any other check — unless the check names
 * its own code (`params: { code: 'registry.…' }` on a custom issue). Their Chinese is looked up
 * from the English zod writes (shared/messages-zh.ts); one without a translation shows the English.
 */
import type { z } from 'zod';
import type { Bilingual } from '../../core/text';
import { zhOf } from './messages-zh';
import { INVALID_FIELDS, Problem, type FieldError } from './problem';

/** The code of each zod issue kind (a custom issue may name its own). */
const ISSUE_CODES: Record<string, string> = {
  invalid_type: 'request.invalid_type',
  too_small: 'request.too_small',
  too_big: 'request.too_big',
  invalid_format: 'request.invalid_format',
  invalid_value: 'request.invalid_value',
  unrecognized_keys: 'request.unrecognized_keys',
  not_multiple_of: 'request.not_multiple_of',
};
const REQUIRED = 'request.required';
const INVALID = 'request.invalid';

/** The value at a zod issue's path in the input, or undefined when the path leads nowhere. */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

/** An issue's stable code; `input` (what was parsed), when known, tells a missing value from a wrong one. */
export function issueCode(issue: z.core.$ZodIssue, input?: unknown): string {
  if (issue.code === 'custom') {
    const own = (issue.params as { code?: unknown } | undefined)?.code;
    return typeof own === 'string' ? own : INVALID;
  }
  if (issue.code === 'invalid_type') {
    const missing =
      input === undefined ? /received undefined$/.test(issue.message) : valueAt(input, issue.path) === undefined;
    if (missing) return REQUIRED;
  }
  return ISSUE_CODES[issue.code] ?? INVALID;
}

/** A field name as the API writes it: `loan.principal`, `enterprises[2].creditCode`; the body itself is `(body)`. */
export function issueField(path: readonly PropertyKey[]): string {
  return (
    path.reduce<string>(
      (acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)),
      '',
    ) || '(body)'
  );
}

/** Text in English with its Chinese looked up (the English again where there is none). */
export const withZh = (en: string): Bilingual => ({ zh: zhOf(en) ?? en, en });

/** A failed parse as field errors, each with its code and both languages. */
export function fieldErrorsOf(error: z.ZodError, input?: unknown): FieldError[] {
  return error.issues.map((issue) => ({
    field: issueField(issue.path),
    code: issueCode(issue, input),
    ...withZh(issue.message),
  }));
}

export const requestErrors = {
  /** The schema refused fields: a 400 naming each. */
  invalid: (error: z.ZodError, input?: unknown, detail: Bilingual = INVALID_FIELDS) =>
    Problem.invalid(fieldErrorsOf(error, input), detail),

  /** No route answers the method and path. */
  noRoute: (method: string, path: string) =>
    new Problem(404, 'Not found', { en: `No route for ${method} ${path}.`, zh: `没有 ${method} ${path} 这个接口。` }, [
      { field: '(path)', code: 'request.not_found', en: 'no route answers it', zh: '没有这个接口' },
    ]),

  bodyTooLarge: (maxBytes: number, what: 'body' | 'upload' | 'file' = 'body', field = 'body') =>
    new Problem(
      413,
      what === 'file' ? 'File too large' : 'Request body too large',
      {
        en: `The ${what} must not exceed ${maxBytes} bytes.`,
        zh: `${{ body: '请求体', upload: '上传内容', file: '文件' }[what]}不能超过 ${maxBytes} 字节。`,
      },
      [{ field, code: 'request.body_too_large', en: `is larger than ${maxBytes} bytes`, zh: `超过 ${maxBytes} 字节` }],
    ),

  notJson: () =>
    new Problem(
      415,
      'Unsupported media type',
      { en: 'Send the body as application/json.', zh: '请以 application/json 发送请求体。' },
      [
        {
          field: 'Content-Type',
          code: 'request.unsupported_media_type',
          en: 'must be application/json',
          zh: '须为 application/json',
        },
      ],
    ),

  compressed: () =>
    new Problem(
      415,
      'Unsupported content encoding',
      { en: 'Send the body uncompressed: no Content-Encoding.', zh: '请发送未压缩的请求体（不带 Content-Encoding）。' },
      [
        {
          field: 'Content-Encoding',
          code: 'request.unsupported_encoding',
          en: 'is not supported: send the body uncompressed',
          zh: '不支持：请发送未压缩的请求体',
        },
      ],
    ),

  malformedJson: () =>
    Problem.invalid(
      [{ field: '(body)', code: 'request.malformed_json', en: 'must be valid JSON', zh: '须为合法的 JSON' }],
      { en: 'The body is not valid JSON.', zh: '请求体不是合法的 JSON。' },
    ),

  /** Any other 4xx the framework raises, by its status. */
  other: (status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429, title: string) =>
    new Problem(status, title, { en: `${title}.`, zh: `${title}。` }, [
      { field: '(request)', code: 'request.refused', en: title, zh: title },
    ]),

  /** The body did not arrive whole in time (adapters/http/node-server.ts). */
  timeout: (seconds: number) =>
    new Problem(
      408,
      'Request timeout',
      { en: `The request did not arrive whole within ${seconds} seconds.`, zh: `请求未在 ${seconds} 秒内完整送达。` },
      [
        {
          field: '(body)',
          code: 'request.timeout',
          en: `did not arrive whole within ${seconds} seconds`,
          zh: `未在 ${seconds} 秒内完整送达`,
        },
      ],
    ),

  aborted: () =>
    new Problem(
      400,
      'Request aborted',
      { en: 'The request was cut off before its body arrived.', zh: '请求在请求体送达前被中断。' },
      [{ field: '(body)', code: 'request.aborted', en: 'was cut off', zh: '被中断' }],
    ),

  /** Text the database cannot keep (shared/text.ts), in a field, a query parameter, a key's name or a form field. */
  badText: (field: string, message: string, inName = false) => ({
    field,
    code: 'request.invalid_text',
    ...withZh(inName ? `(the name) ${message}` : message),
  }),

  badCursor: (en = 'is not a cursor this API gave out (for this list and sort)') =>
    Problem.invalid([{ field: 'cursor', code: 'request.invalid_cursor', en, zh: '不是本接口给出的分页游标' }]),

  /** The server's own failures: nothing the client did wrong. */
  internal: () =>
    new Problem(
      500,
      'Internal error',
      { en: 'Something went wrong on our side; it has been logged.', zh: '系统出错，已记录日志。' },
      [{ field: '(server)', code: 'server.internal_error', en: 'failed; it has been logged', zh: '出错，已记录日志' }],
    ),

  databaseUnavailable: (retryAfterS: number) =>
    new Problem(
      503,
      'Service unavailable',
      { en: 'The database could not be reached; try again shortly.', zh: '暂时无法连接数据库，请稍后再试。' },
      [
        {
          field: '(database)',
          code: 'database.unavailable',
          en: 'is unavailable; send the request again after Retry-After seconds',
          zh: '暂不可用，请在 Retry-After 秒后重新发送请求',
        },
      ],
      { 'retry-after': String(retryAfterS) },
    ),
};
