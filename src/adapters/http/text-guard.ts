/**
 * Text the database cannot keep (`textProblem`: NUL and other control characters, lone surrogates),
 * refused at the door naming the field, before any route reads it: in the query string and in every
 * string of a JSON body. Path ids are checked by their schema (`idParam`).
 */
import type { MiddlewareHandler } from 'hono';
import type { FieldError } from '../../modules/shared/problem';
import { Problem } from '../../modules/shared/problem';
import { textProblem } from '../../modules/shared/text';

/** Every string (keys too) of a parsed JSON value with a problem, named as the validators name fields: `items[2].bankRef`. */
export function jsonTextProblems(value: unknown, path = ''): FieldError[] {
  if (typeof value === 'string') {
    const message = textProblem(value);
    return message ? [{ field: path || '(body)', message }] : [];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => jsonTextProblems(v, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => {
      const field = path ? `${path}.${k}` : k;
      const message = textProblem(k);
      return message ? [{ field, message: `(the name) ${message}` }] : jsonTextProblems(v, field);
    });
  }
  return [];
}

// A JSON text can only carry such characters escaped (\u0000, \ud800) or as a raw DEL: look closer only then.
const SUSPECT = /\\u00[01][0-9a-f]|\\u007f|\\ud[89a-f][0-9a-f]{2}|\u007f/i;
const JSON_TYPE = /^application\/([\w.-]+\+)?json$/i;

export function textGuard(): MiddlewareHandler {
  return async (c, next) => {
    const errors: FieldError[] = [];
    for (const [key, value] of new URL(c.req.url).searchParams) {
      const message = textProblem(key) ?? textProblem(value);
      if (message) errors.push({ field: key || '(query)', message });
    }
    const mediaType = (c.req.header('content-type') ?? '').split(';')[0]!.trim();
    if (errors.length === 0 && c.req.method !== 'GET' && c.req.method !== 'HEAD' && JSON_TYPE.test(mediaType)) {
      const text = await c.req.text();
      if (SUSPECT.test(text)) {
        let parsed: unknown;
        try { parsed = JSON.parse(text); } catch { parsed = undefined; } // malformed JSON: the route's validator says so
        errors.push(...jsonTextProblems(parsed));
      }
    }
    if (errors.length) throw Problem.invalid(errors);
    return next();
  };
}
