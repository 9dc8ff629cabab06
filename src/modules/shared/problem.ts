/**
 * Errors as RFC 9457 problem details. A use case throws a Problem for a user's mistake — built by
 * a named constructor of its feature's errors file (`<feature>.errors.ts`) — and the HTTP adapter
 * renders it as `application/problem+json`: the title, the detail in English (`detail`) and
 * Chinese (`detailZh`), and the field errors, each with a stable code; never a stack trace.
 */
import { z } from '@hono/zod-openapi';
import type { Bilingual } from '../../core/text';

/**
 * What is wrong with one field: a stable code for programs (`claim.preparer_cannot_decide`, every
 * one in docs/API.md "Error codes"), the field it is about, and what is wrong in both languages.
 */
export interface FieldError extends Bilingual {
  field: string;
  code: string;
}

export type ProblemStatus = 400 | 401 | 403 | 404 | 408 | 409 | 413 | 415 | 422 | 429 | 500 | 503;

export class Problem extends Error {
  constructor(
    readonly status: ProblemStatus,
    readonly title: string,
    /** The line above the field errors, in both languages (`detail`, `detailZh` on the wire). */
    readonly detail: Bilingual,
    /** At least one: a client reads `errors[0].code` whatever the problem. */
    readonly errors: readonly FieldError[],
    /** Response headers that go with it, such as `retry-after` on a 429 or 503. */
    readonly headers?: Record<string, string>,
  ) {
    super(detail.en);
    this.name = 'Problem';
  }

  /** A 400 naming each invalid field. */
  static invalid(errors: readonly FieldError[], detail: Bilingual = INVALID_FIELDS): Problem {
    return new Problem(400, 'Invalid request', detail, errors);
  }
}

export const INVALID_FIELDS: Bilingual = { en: 'The request has invalid fields.', zh: '请求中有字段不正确。' };

/**
 * A 404 for something the actor cannot see (it does not exist, or is not theirs), with the
 * feature's code on the field that named it: `notFound({ code: 'filing.not_found', what: … })`.
 */
export function notFound({ code, what, field = 'id' }: { code: string; what: Bilingual; field?: string }): Problem {
  return new Problem(404, 'Not found', { en: `${what.en} was not found.`, zh: `未找到${what.zh}。` }, [
    { field, code, en: 'was not found', zh: '不存在' },
  ]);
}

/** The problem as its body on the wire (RFC 9457 with `detailZh` and `errors`). */
export function problemBody(p: Pick<Problem, 'status' | 'title' | 'detail' | 'errors'>) {
  return {
    type: 'about:blank',
    title: p.title,
    status: p.status,
    detail: p.detail.en,
    detailZh: p.detail.zh,
    errors: p.errors.map(({ field, code, zh, en }) => ({ field, code, zh, en })),
  };
}

export const fieldErrorSchema = z
  .object({
    field: z.string().openapi({ description: 'The field (or header, or `rule:<id>`) the error is about' }),
    code: z.string().openapi({
      description: 'A stable code for programs, `<feature>.<what>` (docs/API.md "Error codes")',
      example: 'claim.preparer_cannot_decide',
    }),
    zh: z.string().openapi({ description: 'What is wrong, in Chinese' }),
    en: z.string().openapi({ description: 'What is wrong, in English' }),
  })
  .openapi('FieldError');

export const problemSchema = z
  .object({
    type: z.string().openapi({ example: 'about:blank' }),
    title: z.string().openapi({ example: 'Invalid request' }),
    status: z.number().int().openapi({ example: 400 }),
    detail: z.string().openapi({ description: 'In English', example: 'The request has invalid fields.' }),
    detailZh: z.string().openapi({ description: 'The detail in Chinese', example: '请求中有字段不正确。' }),
    requestId: z.string().optional().openapi({
      description:
        'The request’s id, also in the X-Request-Id header and on every log line of the request: the client’s X-Request-Id when sane, else a UUID',
      example: '0b9e6c52-3f1d-4c8e-9a57-2d4f1e8b7a10',
    }),
    errors: z.array(fieldErrorSchema).openapi({
      description: 'At least one; each with its stable code',
      example: [
        {
          field: 'loan.principal',
          code: 'request.invalid',
          zh: '金额最多两位小数（最小单位 0.01 元）',
          en: 'has more than two decimals (the smallest unit is 0.01 yuan)',
        },
      ],
    }),
  })
  .openapi('Problem');

export const problemContent = { 'application/problem+json': { schema: problemSchema } };
export const badRequest = {
  400: { description: 'Invalid input: the fields and what is wrong with each', content: problemContent },
};
export const notFoundResponse = { 404: { description: 'Not found', content: problemContent } };
