/**
 * Security headers on every response the app makes (Hono's secure-headers): a Content-Security-
 * Policy, framing refused (`frame-ancestors 'none'`, X-Frame-Options DENY), no Referer sent,
 * X-Content-Type-Options nosniff, HSTS when the cookies are secure (BACKSTOP_SECURE_COOKIES=1, i.e.
 * behind TLS), and `Cache-Control: no-store` on API answers that do not say otherwise.
 *
 * The web app (web/dist, built by Vite) loads only its own scripts, styles and fonts and calls only
 * its own API; its favicon is a `data:` URL. Style attributes are allowed (`style-src-attr`): the
 * charts' tooltips (ECharts) are HTML with inline styles; style elements and inline scripts are not.
 * Swagger UI at /api/docs needs nothing more once its start-up script is a file of its own and its
 * validator badge (an image from swagger.io) is off (api-docs.ts); both were checked in chromium
 * with no CSP violation reported.
 */
import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

export const CSP = {
  defaultSrc: ["'self'"],
  baseUri: ["'none'"],
  objectSrc: ["'none'"],
  frameAncestors: ["'none'"],
  formAction: ["'self'"],
  scriptSrc: ["'self'"],
  connectSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'"],
  styleSrc: ["'self'"],
  styleSrcAttr: ["'unsafe-inline'"],
};
/** A year; no includeSubDomains, since the zone's other hosts under the same domain are not ours to force onto TLS. */
export const HSTS = 'max-age=31536000';

export function securityHeaders({ hsts }: { hsts: boolean }): MiddlewareHandler {
  const headers = secureHeaders({
    contentSecurityPolicy: CSP,
    xFrameOptions: 'DENY',
    referrerPolicy: 'no-referrer',
    strictTransportSecurity: hsts ? HSTS : false,
    permissionsPolicy: { camera: [], microphone: [], geolocation: [], payment: [], usb: [] },
  });
  return async (c, next) => {
    await headers(c, next);
    if (c.req.path.startsWith('/api/') && !c.res.headers.has('cache-control'))
      c.res.headers.set('cache-control', 'no-store');
  };
}
