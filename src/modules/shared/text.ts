/**
 * Text the database cannot keep, or should not: a NUL (PostgreSQL's text and json cannot hold
 * U+0000), any other control character but tab, line feed and carriage return, and a lone UTF-16
 * surrogate (not Unicode text; json columns refuse its escape).
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex
const ANY_CONTROL = /[\u0000-\u001f\u007f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The text with each control character (tab and line breaks too) and lone surrogate replaced by `replacement`: for names we keep but did not choose, such as an upload's file name. */
export function cleanText(s: string, replacement = '_'): string {
  return s.replace(new RegExp(`${ANY_CONTROL.source}|${LONE_SURROGATE.source}`, 'g'), replacement);
}

/** What is wrong with a text, or undefined when it may be stored. */
export function textProblem(s: string): string | undefined {
  if (CONTROL.test(s))
    return 'must not contain control characters (U+0000–U+001F other than tab and line breaks, or U+007F)';
  if (LONE_SURROGATE.test(s)) return 'is not valid Unicode text (a lone surrogate)';
  return undefined;
}
