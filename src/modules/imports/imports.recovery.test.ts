import { existsSync, mkdirSync, mkdtempSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeOrphanedUploads, STALE_AFTER_MS } from './imports.recovery';
import { receiveUpload } from './imports.upload';
import { jobView } from './imports.usecases';
import type { ImportJobRow } from './imports.repository';

const systemTmp = process.env.TMPDIR;
afterEach(() => {
  if (systemTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = systemTmp;
});

const aged = (path: string, ms: number) => {
  const then = new Date(Date.now() - ms);
  utimesSync(path, then, then);
};

describe('after a crash mid-import', () => {
  it('removes an upload directory nobody touched for a minute, never one this process holds, a fresh one or another name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'backstop-orphans-'));
    const orphan = join(dir, 'backstop-upload-old');
    const fresh = join(dir, 'backstop-upload-new');
    const other = join(dir, 'not-an-upload');
    for (const d of [orphan, fresh, other]) mkdirSync(d);
    aged(orphan, STALE_AFTER_MS + 5_000);
    aged(other, STALE_AFTER_MS + 5_000);
    // An upload this process is receiving or importing, whose directory has not been touched for long.
    process.env.TMPDIR = dir;
    const b = 'b0';
    const upload = await receiveUpload(
      new Blob([
        `--${b}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nx,y\r\n1,2\r\n--${b}--\r\n`,
      ]).stream(),
      `multipart/form-data; boundary=${b}`,
      1000,
    );
    aged(upload.path, STALE_AFTER_MS + 5_000);
    aged(dirname(upload.path), STALE_AFTER_MS + 5_000);

    expect(await removeOrphanedUploads({ dir })).toEqual([orphan]);
    expect([orphan, fresh, other, upload.path].map(existsSync)).toEqual([false, true, true, true]);
    await upload.discard();
    expect(existsSync(dirname(upload.path))).toBe(false);
  });

  it('answers a job still running whose heartbeat stopped over a minute ago as interrupted, at once, before any restart', () => {
    const job = {
      id: 'j',
      bankId: 'bank-icbc',
      fileName: 'a.csv',
      fileHash: 'h',
      status: 'running',
      lastLine: 501,
      filed: 500,
      duplicates: 0,
      rejected: 0,
      bytes: 10,
      totalLines: 1001,
      createdBy: 'icbc',
      startedAt: new Date(Date.now() - 10 * 60_000),
      finishedAt: null,
      heartbeatAt: new Date(Date.now() - STALE_AFTER_MS - 1_000),
      holder: 'host:1:abc',
      attempts: 1,
      error: null,
      actor: null,
      fileParts: null,
    } satisfies ImportJobRow;
    expect(jobView(job)).toMatchObject({ status: 'interrupted', lastLine: 501 });
    expect(jobView({ ...job, heartbeatAt: new Date() }).status).toBe('running');
    expect(jobView({ ...job, status: 'done' }).status).toBe('done');
  });
});
