/**
 * The API client: same-origin fetch with the session cookie, the CSRF header on every non-GET,
 * and RFC 9457 problem details turned into an ApiError whose field errors the forms show beside
 * each field. Nothing here ever shows a stack trace: unknown failures become a short message.
 */
import i18n from '../i18n';

/** A text in both languages, as the server sends every reason and field error: `zh` and `en`. */
export interface Bilingual {
  zh: string;
  en: string;
}

/** A field error: the field, a stable code for programs (docs/API.md "Error codes"), the text in both languages. */
export interface FieldError extends Bilingual {
  field: string;
  code: string;
}

/** A text in the page's language (read at render: switching the language shows the other one). */
export function inLanguage(text: Bilingual, lang: string = i18n.language): string {
  return lang.startsWith('zh') ? text.zh : text.en;
}

/** An error the page finds itself before sending (a form check), already in the page's language. */
export function localError(field: string, text: string): FieldError {
  return { field, code: 'form.invalid', zh: text, en: text };
}

export class ApiError extends Error {
  /** The field errors as the server sent them, both languages. */
  readonly sent: readonly FieldError[];
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string | undefined,
    errors: readonly FieldError[],
    /** The detail in Chinese, where the server has it. */
    readonly detailZh?: string,
  ) {
    super(detail ?? title);
    this.sent = errors;
  }
  /** The detail in the page's language now (the English where the server sent no Chinese). */
  get shownDetail(): string | undefined {
    return i18n.language.startsWith('zh') && this.detailZh ? this.detailZh : this.detail;
  }
  /** The field errors as sent; each is shown with `inLanguage`, at render. */
  get errors(): readonly FieldError[] {
    return this.sent;
  }
  /** The text for one field in the page's language (exact name, or any nested field below it). */
  forField(field: string): string | undefined {
    const hit = this.errors.find((e) => e.field === field) ?? this.errors.find((e) => e.field.startsWith(`${field}.`));
    return hit && inLanguage(hit);
  }
}

let csrfToken: string | null = null;
export function setCsrfToken(token: string | null) {
  csrfToken = token;
}
function csrf(): string | null {
  if (csrfToken) return csrfToken;
  const m = /(?:^|;\s*)backstop_csrf=([^;]+)/.exec(document.cookie);
  return m ? decodeURIComponent(m[1]!) : null;
}

let onUnauthorised: (() => void) | null = null;
export function whenUnauthorised(fn: () => void) {
  onUnauthorised = fn;
}

let onChange: (() => void) | null = null;
/**
 * Every request that may have changed something (any method but GET) is followed by `fn`: the app
 * reads every list, count and page again (issue 18: a list never shows what was true before an action).
 */
export function whenChanged(fn: () => void) {
  onChange = fn;
}
/** For what changes data outside `api()`: a bulk import's job reaching its end. */
export function changed() {
  onChange?.();
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** A POST that changes nothing a page shows (a live evaluation; signing in or out): no re-reading after it. */
  changesNothing?: boolean;
}

export async function api<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const method = opts.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  let body: BodyInit | undefined;
  if (opts.body instanceof FormData) body = opts.body;
  else if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  if (method !== 'GET') {
    const token = csrf();
    if (token) headers['x-csrf-token'] = token;
  }
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body, credentials: 'same-origin', signal: opts.signal });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'network', undefined, []);
  }
  // Refused or not, the server may have moved on meanwhile (a 409 says so): the pages are read again.
  if (method !== 'GET' && !opts.changesNothing) changed();
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  const data: unknown = type.includes('json') ? await res.json().catch(() => null) : await res.text();
  if (!res.ok) {
    const p = (data && typeof data === 'object' ? data : {}) as {
      title?: string;
      detail?: string;
      detailZh?: string;
      errors?: FieldError[];
    };
    if (res.status === 401 && path !== '/api/auth/login' && onUnauthorised) onUnauthorised();
    throw new ApiError(
      res.status,
      p.title ?? res.statusText,
      p.detail,
      Array.isArray(p.errors) ? p.errors : [],
      p.detailZh,
    );
  }
  return data as T;
}

export const qs = (params: Record<string, string | number | boolean | null | undefined>) => {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
};

/** A fresh Idempotency-Key per submission attempt. */
export const newKey = () =>
  crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(16).slice(2)}`;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  /** Lists that count (filings, claims, enterprises): how many rows the filters find, up to 10,000. */
  total?: number;
  totalCapped?: boolean;
}
