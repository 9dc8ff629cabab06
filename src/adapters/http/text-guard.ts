/**
 * Text the database cannot keep (`textProblem`: NUL and other control characters, lone surrogates),
 * refused at the door naming the field, before any route reads it: in the query string and in every
 * string of a JSON body. Path ids are checked by their schema (`idParam`).
 */
import type { MiddlewareHandler } from 'hono';
import type { FieldError } from '../../modules/shared/problem';
import { Problem } from '../../modules/shared/problem';
import { requestErrors } from '../../modules/shared/request.errors';
import { textProblem } from '../../modules/shared/text';

/**
 * Every string (keys too) of a parsed JSON value with a problem, named as the validators name
 * fields: `items[2].bankRef`. Walked with a stack of its own, so no nesting depth overflows it.
 */
export function jsonTextProblems(value: unknown): FieldError[] {
  const out: FieldError[] = [];
  const todo: [unknown, string][] = [[value, '']];
  while (todo.length) {
    const [v, path] = todo.pop()!;
    if (typeof v === 'string') {
      const message = textProblem(v);
      if (message) out.push(requestErrors.badText(path || '(body)', message));
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) todo.push([v[i], `${path}[${i}]`]);
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v).reverse()) {
        const field = path ? `${path}.${k}` : k;
        const message = textProblem(k);
        if (message) out.push(requestErrors.badText(field, message, true));
        else todo.push([x, field]);
      }
    }
  }
  return out;
}

// A JSON text can only carry such characters escaped (\u0000, \ud800) or as a raw DEL: look closer only then.
const SUSPECT = /\\u00[01][0-9a-f]|\\u007f|\\ud[89a-f][0-9a-f]{2}|\u007f/i;
const JSON_TYPE = /^application\/([\w.-]+\+)?json$/i;

export function textGuard(): MiddlewareHandler {
  return async (c, next) => {
    const errors: FieldError[] = [];
    for (const [key, value] of new URL(c.req.url).searchParams) {
      const message = textProblem(key) ?? textProblem(value);
      if (message) errors.push(requestErrors.badText(key || '(query)', message));
    }
    const mediaType = (c.req.header('content-type') ?? '').split(';')[0]!.trim();
    if (errors.length === 0 && c.req.method !== 'GET' && c.req.method !== 'HEAD' && JSON_TYPE.test(mediaType)) {
      const text = await c.req.text();
      if (SUSPECT.test(text)) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        } // malformed JSON: the route's validator says so
        errors.push(...jsonTextProblems(parsed));
      }
    }
    if (errors.length) throw Problem.invalid(errors);
    return next();
  };
}
