/**
 * Errors as RFC 9457 problem details. A use case throws a Problem for a user's mistake; the HTTP
 * adapter renders it as `application/problem+json` with the field errors, never a stack trace.
 */
import { z } from '@hono/zod-openapi';

export interface FieldError {
  field: string;
  /** A stable code for programs (`claim.preparer_cannot_decide`), where the writer has one; see docs/API.md. */
  code?: string;
  /** In English. */
  message: string;
  /** In Chinese, when the writer has it; otherwise the HTTP adapter looks it up (shared/messages-zh.ts). */
  messageZh?: string;
}

export class Problem extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldError[],
    /** Response headers that go with it, such as `retry-after` on a 429 or 503. */
    readonly headers?: Record<string, string>,
    /** The detail in Chinese, where the writer has it; otherwise the HTTP adapter looks it up. */
    readonly detailZh?: string,
  ) {
    super(detail ?? title);
    this.name = 'Problem';
  }

  static invalid(errors: FieldError[], detail = 'The request has invalid fields.'): Problem {
    return new Problem(400, 'Invalid request', detail, errors);
  }

  static notFound(what: string): Problem {
    return new Problem(404, 'Not found', `${what} was not found.`);
  }
}

export const problemSchema = z
  .object({
    type: z.string().openapi({ example: 'about:blank' }),
    title: z.string().openapi({ example: 'Invalid request' }),
    status: z.number().int().openapi({ example: 400 }),
    detail: z.string().optional(),
    detailZh: z.string().optional().openapi({ description: 'The detail in Chinese, where the server has it' }),
    errors: z
      .array(
        z.object({
          field: z.string(),
          code: z
            .string()
            .optional()
            .openapi({ description: 'A stable code for programs, e.g. claim.preparer_cannot_decide' }),
          message: z.string().openapi({ description: 'In English' }),
          messageZh: z.string().optional().openapi({ description: 'In Chinese, where the server has it' }),
        }),
      )
      .optional()
      .openapi({
        example: [
          {
            field: 'loan.principal',
            message: 'has more than two decimals (the smallest unit is 0.01 yuan)',
            messageZh: '金额最多两位小数（最小单位 0.01 元）',
          },
        ],
      }),
  })
  .openapi('Problem');

export const problemContent = { 'application/problem+json': { schema: problemSchema } };
export const badRequest = {
  400: { description: 'Invalid input: the fields and what is wrong with each', content: problemContent },
};
export const notFound = { 404: { description: 'Not found', content: problemContent } };
