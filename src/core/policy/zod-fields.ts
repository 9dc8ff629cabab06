/** zod fields shared by case and policy parsing: yuan, rates and dates, with messages that say what is wrong. */
import { z } from 'zod';
import { isIsoDate } from '../calendar/dates';
import { parseRate, parseYuan } from '../money/money';

export const yuan = (opts: { allowNegative?: boolean } = {}) =>
  z.string({ error: 'must be a decimal string of yuan, e.g. "1000000.00"' }).transform((text, ctx) => {
    try {
      return parseYuan(text, opts);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message });
      return z.NEVER;
    }
  });

export const rate = () =>
  z.string({ error: 'must be a decimal string such as "0.2"' }).transform((text, ctx) => {
    try {
      return parseRate(text);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message });
      return z.NEVER;
    }
  });

export const isoDate = () =>
  z
    .string({ error: 'must be a date written YYYY-MM-DD' })
    .refine(isIsoDate, { message: 'must be a real date written YYYY-MM-DD' });

export const i18n = () => z.strictObject({ zh: z.string().min(1), en: z.string().min(1) });

/** The first problem of a failed parse as one line naming the field: `loan.principal: has more than two decimals`. */
export function firstIssue(error: z.ZodError): { field: string; message: string } {
  const issue = error.issues[0]!;
  return { field: issuePath(issue.path), message: issue.message };
}

export function allIssues(error: z.ZodError): { field: string; message: string }[] {
  return error.issues.map((i) => ({ field: issuePath(i.path), message: i.message }));
}

function issuePath(path: PropertyKey[]): string {
  return (
    path.reduce<string>(
      (acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)),
      '',
    ) || '(body)'
  );
}
