/** Small builders so every route documents the same error responses. */
import { z } from '@hono/zod-openapi';
import { problemContent } from './problem';
import { textProblem } from './text';

export const json = <T extends z.ZodTypeAny>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

export const errors = {
  400: { description: 'Invalid input: each field and what is wrong with it', content: problemContent },
  401: { description: 'Not signed in', content: problemContent },
  403: { description: 'The role may not do this', content: problemContent },
  404: { description: 'Not found (or not yours)', content: problemContent },
  409: {
    description:
      'Conflicts with what exists (or, for a request with an Idempotency-Key: idempotency.in_flight, idempotency.outcome_unknown)',
    content: problemContent,
  },
  422: {
    description:
      'Refused by a rule: the reasons are listed (or idempotency.key_reused: the Idempotency-Key was used for another request)',
    content: problemContent,
  },
};

/** A path id: text the database can look up (no NUL or other control characters, no lone surrogates). */
export const pathId = (max = 100) =>
  z
    .string()
    .min(1)
    .max(max)
    .superRefine((id, ctx) => {
      const problem = textProblem(id);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });

export const idParam = (example = 'bank-icbc') =>
  z.object({ id: pathId().openapi({ param: { name: 'id', in: 'path' }, example }) });

export const body = <T extends z.ZodTypeAny>(schema: T, example: unknown) => ({
  body: { required: true, content: { 'application/json': { schema, example } } },
});

/** A text in both languages (core/text.ts Bilingual), as the fields of an object: `{ ...bilingualFields }`. */
export const bilingualFields = {
  zh: z.string().openapi({ description: 'In Chinese' }),
  en: z.string().openapi({ description: 'In English' }),
};
