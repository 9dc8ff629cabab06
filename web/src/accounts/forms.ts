import { ApiError } from '../api/client';

/** Any failure as an ApiError (a dropped connection is `network`). */
export const asApiError = (x: unknown): ApiError =>
  x instanceof ApiError ? x : new ApiError(0, 'network', undefined, []);

/**
 * A form's server refusal split in two: the message for each field the form shows an input for
 * (beside it, in the page's language), and the rest — field errors the form has no input for, or
 * a refusal naming no field — for a ProblemMessage below the form (null when nothing is left).
 */
export function splitErrors(error: ApiError | null, placed: readonly string[]) {
  const unplaced = error?.sent.filter((e) => !placed.includes(e.field)) ?? [];
  const other =
    error && (!error.sent.length || unplaced.length)
      ? unplaced.length < error.sent.length
        ? new ApiError(error.status, error.title, error.detail, unplaced, error.detailZh)
        : error
      : null;
  return { forField: (field: string) => (placed.includes(field) ? error?.forField(field) : undefined), other };
}

/** What was just done, as a translation key and its values: translated when shown, so switching the language translates it too. */
export interface Notice {
  key: string;
  values: Record<string, string>;
}
