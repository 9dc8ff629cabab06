/**
 * Security headers on every answer: the Content-Security-Policy (scripts, styles, fonts and calls
 * from the server only; no framing), X-Frame-Options DENY, no Referer, nosniff, HSTS only when the
 * cookies are secure (behind TLS), and `Cache-Control: no-store` on API answers — on a page of the
 * web app, on the API docs (whose page has no inline script for the policy to block), on JSON and
 * on problem details.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HSTS } from '../../src/adapters/http/security-headers';
import { post, startTestApp, type Client } from './harness';

let t: Awaited<ReturnType<typeof startTestApp>>;
let manager: Client;

beforeAll(async () => {
  t = await startTestApp();
  manager = await t.signIn('manager', 'manager');
});
afterAll(async () => {
  await t?.close();
});

function expectSecurityHeaders(res: Response) {
  const csp = res.headers.get('content-security-policy') ?? '';
  const directives = Object.fromEntries(
    csp.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name, values.join(' ')];
    }),
  );
  expect(directives).toMatchObject({
    'default-src': "'self'",
    'script-src': "'self'",
    'style-src': "'self'",
    'connect-src': "'self'",
    'object-src': "'none'",
    'base-uri': "'none'",
    'frame-ancestors': "'none'",
  });
  expect(res.headers.get('x-frame-options')).toBe('DENY');
  expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('strict-transport-security')).toBeNull();
}

describe('security headers', () => {
  it('on a page of the web app (not cached as no-store: it is revalidated)', async () => {
    for (const path of ['/', '/filings/whatever']) {
      const res = await t.app.request(path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expectSecurityHeaders(res);
      expect(res.headers.get('cache-control')).not.toBe('no-store');
    }
  });

  it('on the API docs, whose page starts Swagger UI from a file (the policy allows no inline script)', async () => {
    const page = await t.app.request('/api/docs');
    expect(page.status).toBe(200);
    expectSecurityHeaders(page);
    const html = await page.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    for (const src of html.match(/(?<=src=")[^"]+/g)!) {
      const res = await t.app.request(src);
      expect(res.status, src).toBe(200);
      expectSecurityHeaders(res);
    }
    expect(await (await t.app.request('/api/docs/init.js')).text()).toContain('validatorUrl: null');
  });

  it('on API answers, JSON and problem details alike, with Cache-Control: no-store', async () => {
    const answers = [
      await manager('/api/auth/me'),
      await manager('/api/filings'),
      await t.app.request('/api/auth/me'),
      await t.app.request('/api/health'),
      await t.app.request('/api/no-such-thing'),
      await t.app.request('/api/auth/login', post({ username: 'manager', password: 'wrong password' })),
      await t.app.request('/api/auth/login', post('{not json')),
    ];
    expect(answers.map((r) => r.status)).toEqual([200, 200, 401, 200, 404, 401, 400]);
    for (const res of answers) {
      expectSecurityHeaders(res);
      expect(res.headers.get('cache-control'), res.url).toBe('no-store');
    }
  });

  it('HSTS only when the cookies are secure (behind TLS)', async () => {
    const before = process.env.BACKSTOP_SECURE_COOKIES;
    process.env.BACKSTOP_SECURE_COOKIES = '1';
    const tls = await startTestApp();
    try {
      for (const path of ['/', '/api/health', '/api/docs'])
        expect((await tls.app.request(path)).headers.get('strict-transport-security'), path).toBe(HSTS);
    } finally {
      if (before === undefined) delete process.env.BACKSTOP_SECURE_COOKIES;
      else process.env.BACKSTOP_SECURE_COOKIES = before;
      await tls.close();
    }
    expect(HSTS).toMatch(/^max-age=\d{8,}$/);
  });
});
