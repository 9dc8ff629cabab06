/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * After a crash mid-import (issue 15 D), simulated as a crash leaves things: import jobs still
 * "running" in the database and upload directories in $TMPDIR. `backstop serve` starting on that
 * database marks the lost jobs interrupted and removes the orphaned uploads, leaving alone an
 * upload another live process holds; the bank uploads the same file again and the import resumes
 * after the last committed line. On the embedded database the server alone holds the data, so every
 * running job is lost; on PostgreSQL (BACKSTOP_TEST_DB=postgres) only those whose heartbeat stopped.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { onPostgres, openTestDatabase } from '../../src/adapters/db/testing';
import { openDatabase, type Database } from '../../src/adapters/db/database';
import { createAuthRepository } from '../../src/modules/auth/auth.repository';
import { createUser } from '../../src/modules/auth/auth.usecases';
import { createImportsRepository } from '../../src/modules/imports/imports.repository';
import { claimImport } from '../../src/modules/imports/imports.usecases';
import { createRegistryRepository } from '../../src/modules/registry/registry.repository';
import { registerInstitution } from '../../src/modules/registry/registry.usecases';
import { rowsOf } from '../../src/modules/shared/rows';
import { NO_DEMO, startServer } from '../cli/run-server';
import { HEADER, writeCsv } from './world';

const PASSWORD = 'correct horse battery';
const root = mkdtempSync(join(tmpdir(), 'backstop-recovery-'));
const dataDir = join(root, 'data');
const uploads = join(root, 'tmp'); // the server's $TMPDIR
mkdirSync(uploads);
let pg: (Database & { url?: string }) | undefined;
afterAll(async () => pg?.close());

/** An upload directory with a file, last touched `ageMs` ago. */
function uploadDir(name: string, ageMs: number): string {
  const dir = join(uploads, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'f3a1c2'), 'a file the crash left behind');
  const then = new Date(Date.now() - ageMs);
  utimesSync(join(dir, 'f3a1c2'), then, then);
  utimesSync(dir, then, then);
  return dir;
}

describe('starting after a crash mid-import', () => {
  it('marks the lost jobs interrupted, removes the orphaned uploads, and the same file again resumes after the last committed line', async () => {
    // Rows that name no registered enterprise: each is judged and reported (the point is which lines are read).
    const file = writeCsv(
      Array.from({ length: 8 }, (_, i) => [
        `R-${i + 2}`,
        '91110302MA01ABCD12',
        '企业',
        '信用贷款',
        '1000.00',
        '2025-09-01',
        '',
        '直接补偿',
        '',
      ]),
      { header: HEADER },
    );
    const fileHash = createHash('sha256').update(readFileSync(file)).digest('hex');

    // The database as the crashed server left it.
    const db = onPostgres ? (pg = await openTestDatabase()) : await openDatabase({ url: '', dataDir });
    const registry = createRegistryRepository({ db: db.db });
    await registerInstitution({
      repo: registry,
      input: { id: 'bank-icbc', kind: 'bank', name: '工行', registeredInZone: true },
    });
    await createUser({
      repo: createAuthRepository({ db: db.db }),
      user: { username: 'icbc', displayName: 'icbc', role: 'bank', password: PASSWORD, bankId: 'bank-icbc' },
    });
    const imports = createImportsRepository({ db: db.db });
    const open = async (id: string, hash: string, heartbeatAgoMs: number) => {
      await imports.openJob({
        id,
        bankId: 'bank-icbc',
        fileName: `${id}.csv`,
        fileHash: hash,
        bytes: 1,
        createdBy: 'icbc',
      });
      await db.db.execute(
        sql`update import_jobs set last_line = 4, rejected = 3, heartbeat_at = now() - ${`${heartbeatAgoMs} milliseconds`}::interval where id = ${id}`,
      );
    };
    await open('lost', fileHash, 10 * 60_000); // its server died ten minutes ago, after line 4
    await open('beating', 'another-file', 0); // its process beat a moment ago
    if (!onPostgres) await db.close();
    const orphan = uploadDir('backstop-upload-Xy12ab', 10 * 60_000);
    const held = uploadDir('backstop-upload-Qz34cd', 1_000); // another live process's upload
    const unrelated = uploadDir('someone-else-abc', 10 * 60_000);

    const server = await startServer(dataDir, {
      ...NO_DEMO,
      TMPDIR: uploads,
      ...(pg ? { DATABASE_URL: pg.url! } : {}),
    });
    const base = `http://127.0.0.1:${server.port}`;
    expect(existsSync(orphan)).toBe(false);
    expect(existsSync(held)).toBe(true);
    expect(existsSync(unrelated)).toBe(true);

    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'icbc', password: PASSWORD }),
    });
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const job = async (id: string) =>
      (await (await fetch(`${base}/api/imports/${id}`, { headers: { cookie } })).json()) as any;

    expect(await job('lost')).toMatchObject({ status: 'interrupted', lastLine: 4, progress: null });
    // The embedded database is this server's alone: no other process can be running a job on it.
    expect((await job('beating')).status).toBe(onPostgres ? 'running' : 'interrupted');

    // The bank uploads the same file again: the same job, resumed after line 4, nothing read twice.
    const form = new FormData();
    form.append('file', new Blob([readFileSync(file)]), 'again.csv');
    const again = await fetch(`${base}/api/imports`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrfToken },
      body: form,
    });
    expect(again.status, await again.clone().text()).toBe(200);
    expect(((await again.json()) as { id: string }).id).toBe('lost');
    let resumed: any;
    for (let i = 0; i < 600 && (resumed = await job('lost')).status === 'running'; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(resumed).toMatchObject({ status: 'done', lastLine: 9, rejected: 3 + 5, filed: 0 });
    const report = await (await fetch(`${base}/api/imports/lost/errors`, { headers: { cookie } })).text();
    expect(report).toMatch(/^\uFEFF?行号/);
    expect([
      ...new Set(
        report
          .split('\n')
          .filter((l) => /^\d+,/.test(l))
          .map((l) => Number(l.split(',')[0])),
      ),
    ]).toEqual([5, 6, 7, 8, 9]);
    // Its upload is discarded once the run has ended (just after the job reads done); the other process's stays.
    const uploadsLeft = () => readdirSync(uploads).filter((n) => n.startsWith('backstop-upload-'));
    for (let i = 0; i < 300 && uploadsLeft().length > 1; i++) await new Promise((r) => setTimeout(r, 100));
    expect(uploadsLeft()).toEqual(['backstop-upload-Qz34cd']);

    server.child.kill('SIGTERM');
    expect(await server.exited, server.output()).toBe(0);
    if (onPostgres) {
      // Left alone at start (another process may be running it). Once its heartbeat is a minute old
      // (a loaded machine), the server's takeover finds its file was never kept and marks it so.
      expect(server.output()).toMatch(/"imports":\["lost"\]/);
      const [row] = rowsOf(await pg!.db.execute(sql`select status, error from import_jobs where id = 'beating'`));
      if (row!.status !== 'running')
        expect(row).toMatchObject({
          status: 'interrupted',
          error: { en: expect.stringMatching(/before its file was kept/) },
        });
    }
  }, 300_000);

  it('has an unfinished job claimed by one process only, never one another process runs (a fresh heartbeat) nor a done one', async () => {
    const database = await openTestDatabase();
    try {
      const db = database.db;
      await registerInstitution({
        repo: createRegistryRepository({ db }),
        input: { id: 'bank-icbc', kind: 'bank', name: '工行', registeredInZone: true },
      });
      const imports = createImportsRepository({ db });
      const open = async (id: string, status: string, heartbeatAgoMs: number) => {
        const { job } = await imports.openJob({
          id,
          bankId: 'bank-icbc',
          fileName: `${id}.csv`,
          fileHash: id,
          bytes: 1,
          createdBy: 'icbc',
        });
        await db.execute(
          sql`update import_jobs set status = ${status}, heartbeat_at = now() - ${`${heartbeatAgoMs} milliseconds`}::interval where id = ${id}`,
        );
        return (await imports.find(job.id))!;
      };
      const elsewhere = await open('elsewhere', 'running', 1_000);
      const lost = await open('lost', 'running', 10 * 60_000);
      const interrupted = await open('interrupted', 'interrupted', 10 * 60_000);
      const done = await open('done', 'done', 10 * 60_000);
      expect(await claimImport({ db, job: elsewhere, created: false })).toBeUndefined();
      expect(await claimImport({ db, job: done, created: false })).toBeUndefined();
      // Two processes handed the same file at once: one runs it.
      for (const job of [lost, interrupted]) {
        const claims = await Promise.all([1, 2, 3].map(() => claimImport({ db, job, created: false })));
        expect(claims.filter(Boolean)).toHaveLength(1);
        expect(claims.find(Boolean)).toMatchObject({ id: job.id, status: 'running', finishedAt: null });
        expect(await claimImport({ db, job, created: false })).toBeUndefined();
      }
    } finally {
      await database.close();
    }
  }, 120_000);
});
