/**
 * The web app (web/, built by Vite into web/dist) served by the same server: hashed assets under
 * /assets/ with long caching and gzip, and index.html for every other GET that is not /api
 * (the React router takes it from there). When web/dist is missing, `/` says how to build it.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Hono } from 'hono';

export const WEB_DIST = resolve(import.meta.dirname, '../../../web/dist');

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};
const COMPRESSIBLE = new Set(['.js', '.css', '.html', '.json', '.svg', '.map', '.txt']);

interface Cached {
  mtimeMs: number;
  raw: Buffer;
  gz: Buffer | null;
}

const NOT_BUILT =
  '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>Backstop 兜底</title><body style="font-family:sans-serif;max-width:40rem;margin:3rem auto">' +
  '<h1>Backstop 兜底</h1><p>网页应用尚未构建：请运行 <code>npm run build:web</code>（<code>npm install</code> 与 <code>npm start</code> 会自动构建）。</p>' +
  '<p>The web app is not built yet: run <code>npm run build:web</code> (<code>npm install</code> and <code>npm start</code> build it).</p>' +
  '<ul><li><a href="/api/docs">API 文档 / API docs</a></li><li><a href="/api/health">/api/health</a></li></ul></body></html>';

export function webAppRoutes({ dist = WEB_DIST }: { dist?: string } = {}) {
  const cache = new Map<string, Cached>();

  function load(file: string): Cached | null {
    let st;
    try {
      st = statSync(file);
    } catch {
      return null;
    }
    if (!st.isFile()) return null;
    const hit = cache.get(file);
    if (hit && hit.mtimeMs === st.mtimeMs) return hit;
    const raw = readFileSync(file);
    const entry = {
      mtimeMs: st.mtimeMs,
      raw,
      gz: COMPRESSIBLE.has(extname(file)) && raw.length > 1024 ? gzipSync(raw, { level: 9 }) : null,
    };
    cache.set(file, entry);
    return entry;
  }

  function send(file: string, acceptEncoding: string | undefined, cacheControl: string): Response | null {
    const f = load(file);
    if (!f) return null;
    const gzip = f.gz !== null && /\bgzip\b/.test(acceptEncoding ?? '');
    const body = gzip ? f.gz! : f.raw;
    return new Response(new Uint8Array(body), {
      status: 200,
      headers: {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': cacheControl,
        'x-content-type-options': 'nosniff',
        vary: 'accept-encoding',
        ...(gzip ? { 'content-encoding': 'gzip' } : {}),
      },
    });
  }

  const app = new Hono();
  app.get('/assets/*', (c) => {
    const rel = normalize(decodeURIComponent(c.req.path)).replace(/^[/\\]+/, '');
    const file = join(dist, rel);
    if (!file.startsWith(dist + sep)) return c.notFound();
    return send(file, c.req.header('accept-encoding'), 'public, max-age=31536000, immutable') ?? c.notFound();
  });
  app.get('*', (c, next) => {
    if (c.req.path === '/api' || c.req.path.startsWith('/api/')) return next();
    const index = join(dist, 'index.html');
    if (!existsSync(index)) return c.html(NOT_BUILT, 200, { 'cache-control': 'no-cache' });
    return send(index, c.req.header('accept-encoding'), 'no-cache') ?? c.html(NOT_BUILT);
  });
  return app;
}
