/**
 * A readable API page at /api/docs: Swagger UI served from the installed package (no CDN), reading
 * /api/openapi.json. No inline script (the Content-Security-Policy allows scripts from the server
 * only): the page starts Swagger UI from /api/docs/init.js, with no validator badge (it would load
 * an image from swagger.io).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Hono } from 'hono';

const assets = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const files: Record<string, string> = { 'swagger-ui.css': 'text/css', 'swagger-ui-bundle.js': 'text/javascript' };

const page = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>Backstop API</title>
<link rel="stylesheet" href="/api/docs/swagger-ui.css"></head>
<body><div id="ui"></div><script src="/api/docs/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script>
</body></html>`;

const init = `window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#ui', deepLinking: true, validatorUrl: null });\n`;

export function apiDocsRoutes() {
  const app = new Hono();
  const cache = new Map<string, string>();
  app.get('/api/docs', (c) => c.html(page));
  app.get('/api/docs/init.js', (c) =>
    c.body(init, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' }),
  );
  app.get('/api/docs/:file', (c) => {
    const name = c.req.param('file');
    const type = files[name];
    if (!type) return c.notFound();
    if (!cache.has(name)) cache.set(name, readFileSync(join(assets, name), 'utf8'));
    return c.body(cache.get(name)!, 200, {
      'content-type': `${type}; charset=utf-8`,
      'cache-control': 'public, max-age=86400',
    });
  });
  return app;
}
