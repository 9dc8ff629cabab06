/** The real app on a fresh database (PGlite, or PostgreSQL under npm run test:pg), called without a port. */
import { pino } from 'pino';
import { openTestDatabase } from '../../src/adapters/db/testing';
import { createServices } from '../../src/adapters/http/services';
import { createUser } from '../../src/modules/auth/auth.usecases';
import type { Role } from '../../src/modules/auth/access';

export const PASSWORD = 'correct horse battery';

/** `today` fixes the zone's date the operations use (filing dates, deadlines, SLAs); it may be changed during a test. */
export async function startTestApp({ today }: { today?: () => string } = {}) {
  const database = await openTestDatabase();
  const services = await createServices({ database, logger: pino({ level: 'silent' }), ...(today ? { today } : {}) });
  const { app } = services;

  async function signIn(username: string, role: Role, extra: { bankId?: string; guarantorId?: string } = {}) {
    await createUser({ repo: services.repos.auth, user: { username, displayName: username, role, password: PASSWORD, ...extra } });
    const res = await app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) });
    if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
    const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const { csrfToken } = (await res.json()) as { csrfToken: string };
    return (path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) =>
      app.request(path, {
        method: init.method ?? 'GET',
        headers: { cookie: cookies, 'x-csrf-token': csrfToken, ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
        ...(init.body !== undefined ? { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) } : {}),
      });
  }

  return { app, services, database, signIn, close: () => database.close() };
}

export const post = (body: unknown, headers: Record<string, string> = {}) => ({ method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
