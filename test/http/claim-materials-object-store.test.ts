/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * A claim's dossier kept in an S3-compatible bucket (issue 17, item 2: "an object-store adapter when
 * one is configured"), against a real S3 server started here (s3rver, on a random port in a temporary
 * directory): the upload goes through the HTTP API and the bytes land in the bucket under their
 * SHA-256, not in the row; the download gives them back; an object altered in the bucket, or missing,
 * is refused naming the file (500) and the refusal is audited; a put the store does not take leaves no
 * row (503); a row holds its bytes in exactly one place (the table's check).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import * as Minio from 'minio';
import { sql } from 'drizzle-orm';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObjectStoreSettings } from '../../src/adapters/object-store/object-store-settings';
import { rowsOf } from '../../src/modules/shared/rows';
import { creditCode } from '../operations/fixture';
import { claimABadLoan, ok, openEtownForBankA, send, signInCast, startTestApp, type Client } from './harness';

const BUCKET = 'backstop-materials';
const PREFIX = 'claim-materials/';
let dir: string;
let s3server: S3rver;
let s3: Minio.Client;
let settings: ObjectStoreSettings;
let t: Awaited<ReturnType<typeof startTestApp>>;
let manager: Client, bankA: Client, auditor: Client;
let claimId: string;

const pdf = (body: string) =>
  Buffer.from(`%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n% ${body}\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n`);
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

const upload = (itemId: string, content: Buffer, name: string) => {
  const form = new FormData();
  form.set('itemId', itemId);
  form.set('file', new Blob([new Uint8Array(content)]), name);
  return bankA(`/api/claims/${claimId}/materials`, { method: 'POST', body: form });
};
const rows = async () =>
  rowsOf(
    await t.database.db.execute(
      sql`select id, sha256, storage, content is null as "noContent", bytes from claim_material_files where claim_id = ${claimId} order by uploaded_at, id`,
    ),
  ) as { id: string; sha256: string; storage: string; noContent: boolean; bytes: number }[];
const bucketKeys = async () =>
  (await s3.listObjectsV2(BUCKET, '', true).toArray()).map((o: { name?: string }) => o.name);
const objectBytes = async (sha256: string) =>
  Buffer.from(
    await (await s3.getObject(BUCKET, PREFIX + sha256)).toArray().then((chunks) => Buffer.concat(chunks as Buffer[])),
  );
const download = (fileId: string, client: Client = bankA) =>
  send(client, 'GET', `/api/claims/${claimId}/materials/${fileId}`);
const auditOf = async () =>
  (await ok(await send(auditor, 'GET', `/api/audit?entityKind=claim&entityId=${claimId}&limit=500`))).items;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'backstop-s3-'));
  s3server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: dir,
    configureBuckets: [{ name: BUCKET, configs: [] }],
  });
  const { port } = (await s3server.run()) as AddressInfo;
  settings = {
    bucket: BUCKET,
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    // s3rver takes these keys (its documented defaults).
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    prefix: PREFIX,
    pathStyle: true,
  };
  s3 = new Minio.Client({
    endPoint: '127.0.0.1',
    port,
    useSSL: false,
    region: settings.region,
    accessKey: 'S3RVER',
    secretKey: 'S3RVER',
    pathStyle: true,
  });
  let day = '2025-09-03';
  t = await startTestApp({ today: () => day, claimDossier: 'required', objectStore: settings });
  ({ manager, bankA, auditor } = await signInCast(t));
  await openEtownForBankA(manager, creditCode(1));
  claimId = (await claimABadLoan({ bankA, creditCode: creditCode(1), bankRef: 'A-S3-1', setToday: (d) => (day = d) }))
    .id;
}, 240_000);

afterAll(async () => {
  await t?.close();
  await s3server?.close().catch(() => {});
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('claim materials in an object store', () => {
  let fileId: string;
  const form = pdf('补偿申请表（对象存储）');

  it('an upload puts the bytes in the bucket under their SHA-256, and the row keeps none', async () => {
    const d = await ok(await upload('application-form', form, '补偿申请表.pdf'), 201);
    const f = d.items.find((i: any) => i.id === 'application-form').files[0];
    fileId = f.id;
    expect(f).toMatchObject({ sha256: sha(form), bytes: form.length, kind: 'pdf' });
    expect(await rows()).toEqual([
      { id: f.id, sha256: sha(form), storage: 'object-store', noContent: true, bytes: form.length },
    ]);
    expect(await bucketKeys()).toEqual([PREFIX + sha(form)]);
    expect((await objectBytes(sha(form))).equals(form)).toBe(true);
  });

  it('the same bytes uploaded again are one object and two rows', async () => {
    await ok(await upload('loan-contract', form, '借款合同.pdf'), 201);
    expect((await rows()).map((r) => r.sha256)).toEqual([sha(form), sha(form)]);
    expect(await bucketKeys()).toEqual([PREFIX + sha(form)]);
  });

  it('a download gives the bytes back as uploaded', async () => {
    const res = await download(fileId);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(form)).toBe(true);
    expect(res.headers.get('x-content-sha256')).toBe(sha(form));
  });

  it('a bad file is refused before the bucket sees it', async () => {
    const res = await upload('loan-receipt', Buffer.from('just some text'), 'receipt.pdf');
    expect(res.status).toBe(422);
    expect(await bucketKeys()).toEqual([PREFIX + sha(form)]);
    expect(await rows()).toHaveLength(2);
  });

  it('an object altered in the bucket is refused naming the file, and the refusal is audited', async () => {
    const altered = pdf('altered after upload');
    await s3.putObject(BUCKET, PREFIX + sha(form), altered, altered.length);
    const res = await download(fileId, auditor);
    const body = await ok(res, 500);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(body.errors[0]).toMatchObject({ field: 'fileId', code: 'material.content_mismatch' });
    expect(body.detail).toContain(fileId);
    expect(body.detail).toContain('补偿申请表.pdf');
    expect(body.detailZh).toContain('SHA-256');
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/);
    const refused = (await auditOf()).find((e: any) => e.action === 'material.download' && e.actor === 'auditor');
    expect(refused.after).toMatchObject({ fileId, refused: 'sha256-mismatch', storage: 'object-store' });
  });

  it('an object missing from the bucket is refused naming the file', async () => {
    await s3.removeObject(BUCKET, PREFIX + sha(form));
    const body = await ok(await download(fileId), 500);
    expect(body.errors[0].code).toBe('material.object_missing');
    expect(body.detail).toContain(fileId);
    const log = (await auditOf()).filter((e: any) => e.action === 'material.download' && e.after.refused);
    expect(log.map((e: any) => e.after.refused)).toEqual(expect.arrayContaining(['object-missing']));
  });

  it('uploaded again, the object is back and both rows download', async () => {
    await ok(await upload('loan-contract', form, '借款合同（再次）.pdf'), 201);
    expect(await bucketKeys()).toEqual([PREFIX + sha(form)]);
    const res = await download(fileId);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(form)).toBe(true);
  });

  it('a row cannot hold its bytes in both places, or in neither (the table’s check)', async () => {
    const cause = (p: Promise<unknown>) =>
      p.then(
        () => 'no error',
        (e: Error) => String((e.cause as Error | undefined)?.message ?? e.message),
      );
    expect(
      await cause(
        t.database.db.execute(sql`update claim_material_files set content = '\\x00'::bytea where id = ${fileId}`),
      ),
    ).toMatch(/claim_material_files_storage/);
    expect(
      await cause(
        t.database.db.execute(sql`update claim_material_files set storage = 'database' where id = ${fileId}`),
      ),
    ).toMatch(/claim_material_files_storage/);
  });

  it('a put the store does not take leaves no row (503), and a download from it is 503', async () => {
    const before = await rows();
    await s3server.close();
    const other = pdf('营业执照（存储不可用）');
    const res = await upload('business-licence', other, '营业执照.pdf');
    const body = await ok(res, 503);
    expect(body.errors[0].code).toBe('material.store_unavailable');
    expect(await rows()).toEqual(before);
    const item = (await ok(await send(bankA, 'GET', `/api/claims/${claimId}/materials`))).items.find(
      (i: any) => i.id === 'business-licence',
    );
    expect(item.files).toEqual([]);
    expect(item.state).toBe('missing');
    const down = await ok(await download(fileId), 503);
    expect(down.errors[0].code).toBe('material.store_unavailable');
  }, 120_000);
});
