/** Bulk filing over HTTP: upload, follow the job, error report; each role; a bank never sees another bank's job. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { addDays } from '../../src/core/calendar';
import { parseYuan } from '../../src/core/money/money';
import { createFund, signAgreement } from '../../src/modules/funds/funds.usecases';
import { receiveUpload } from '../../src/modules/imports/imports.upload';
import { registerEnterprise, registerInstitution } from '../../src/modules/registry/registry.usecases';
import type { Role } from '../../src/modules/auth/access';
import { createUser } from '../../src/modules/auth/auth.usecases';
import { PASSWORD, startTestApp } from '../http/harness';
import { zip } from '../http/zip';
import { creditCode, manager as managerActor } from '../operations/fixture';
import { canonical, rootFromPath } from './merkle-check';
import { HEADER, query, writeCsv, writeRaw } from './world';

let t: Awaited<ReturnType<typeof startTestApp>>;
type Client = (
  path: string,
  init?: { method?: string; body?: RequestInit['body'] | object; headers?: Record<string, string> },
) => Promise<Response>;
let icbc: Client, bob: Client, manager: Client, auditor: Client, guarantor: Client;
let disbursedOn: string;

beforeAll(async () => {
  t = await startTestApp();
  const db = t.services.ops.db;
  disbursedOn = addDays(t.services.ops.today(), -2);
  for (const [id, name] of [
    ['bank-icbc', '工商银行亦庄支行'],
    ['bank-bob', '北京银行经开区支行'],
  ] as const) {
    await registerInstitution({
      repo: t.services.repos.registry,
      input: { id, kind: 'bank', name, registeredInZone: true },
    });
  }
  await createFund({
    db,
    actor: managerActor,
    input: {
      id: 'etown',
      name: '亦庄风险补偿资金',
      programmes: ['etown-2023-small-micro', 'etown-2025-sci-tech'],
      liabilityMultipleBp: 100_000,
      capital: parseYuan('100000000.00'),
      on: '2024-01-02',
    },
  });
  for (const bank of ['bank-icbc', 'bank-bob']) {
    await signAgreement({
      db,
      actor: managerActor,
      input: { fundId: 'etown', programmeId: 'etown-2025-sci-tech', institutionId: bank, signedOn: '2024-01-01' },
    });
  }
  for (let i = 1; i <= 6; i++) {
    await registerEnterprise({
      repo: t.services.repos.registry,
      actor: managerActor,
      input: {
        creditCode: creditCode(i),
        name: `企业${i}`,
        size: 'small',
        industry: 'software',
        sciTech: true,
        registeredInZone: true,
        restrictedProcesses: false,
        qualifications: [],
      },
    });
  }
  [icbc, bob, manager, auditor, guarantor] = await Promise.all([
    signIn('icbc', 'bank', { bankId: 'bank-icbc' }),
    signIn('bob', 'bank', { bankId: 'bank-bob' }),
    signIn('boss', 'manager'),
    signIn('audit', 'auditor'),
    signIn('gua', 'guarantor', { guarantorId: 'guarantor-bjcg' }),
  ]);
});
afterAll(async () => t?.close());

/** Like the harness's sign-in, but the body goes through as given (a multipart stream, not JSON). */
async function signIn(
  username: string,
  role: Role,
  extra: { bankId?: string; guarantorId?: string } = {},
): Promise<Client> {
  await createUser({
    repo: t.services.repos.auth,
    user: { username, displayName: username, role, password: PASSWORD, ...extra },
  });
  const res = await t.app.request('/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return async (path, init = {}) => {
    const isJson = init.body !== undefined && !(init.body instanceof ReadableStream);
    return t.app.request(path, {
      method: init.method ?? 'GET',
      headers: {
        cookie,
        'x-csrf-token': csrfToken,
        ...(isJson ? { 'content-type': 'application/json' } : {}),
        ...init.headers,
      },
      ...(init.body !== undefined
        ? { body: isJson ? JSON.stringify(init.body) : (init.body as RequestInit['body']), duplex: 'half' }
        : {}),
    } as RequestInit);
  };
}

const row = (ref: string, i: number, principal = '1000000.00') => [
  ref,
  creditCode(i),
  `企业${i}`,
  '信用贷款',
  principal,
  disbursedOn,
  '',
  '直接补偿',
  '',
];

function upload(client: Client, path: string, fields: Record<string, string> = {}) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', new Blob([readFileSync(path)]), 'filings.csv');
  const req = new Request('http://x/api/imports', { method: 'POST', body: form });
  return client('/api/imports', {
    method: 'POST',
    headers: { 'content-type': req.headers.get('content-type')! },
    body: req.body!,
  });
}

type Job = {
  id: string;
  status: string;
  filed: number;
  rejected: number;
  duplicates: number;
  bankId: string;
  progress: number | null;
};
async function finished(client: Client, id: string): Promise<Job> {
  for (let i = 0; i < 200; i++) {
    const job = (await (await client(`/api/imports/${id}`)).json()) as Job;
    if (job.status !== 'running') return job;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the import did not finish');
}

describe('POST /api/imports', () => {
  let jobA: Job;

  it('a bank uploads a file: 201 with the job, the good rows filed, the error report downloadable', async () => {
    const res = await upload(icbc, writeCsv([row('H-1', 1), row('H-2', 2, '0.001'), row('H-3', 3)]));
    expect(res.status).toBe(201);
    const job = (await res.json()) as Job;
    expect(job).toMatchObject({ bankId: 'bank-icbc' });
    jobA = await finished(icbc, job.id);
    expect(jobA).toMatchObject({ status: 'done', filed: 2, rejected: 1, duplicates: 0, progress: 1 });
    const report = await icbc(`/api/imports/${job.id}/errors`);
    expect(report.status).toBe(200);
    expect(report.headers.get('content-type')).toMatch(/^text\/csv/);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await report.arrayBuffer());
    expect(text.startsWith('\uFEFF行号 line,列 column,原因,reason,代码 code,银行合同编号')).toBe(true);
    expect(text).toContain(
      '3,金额(元),金额最多两位小数（最小单位 0.01 元）,has more than two decimals (the smallest unit is 0.01 yuan),request.invalid,H-2',
    );
  });

  it('the same file again answers 200 with the same job and files nothing twice', async () => {
    const path = writeCsv([row('S-1', 4)]);
    const first = (await (await upload(icbc, path)).json()) as Job;
    await finished(icbc, first.id);
    const again = await upload(icbc, path);
    expect(again.status).toBe(200);
    expect(((await again.json()) as Job).id).toBe(first.id);
    expect(
      (await query(t.services.ops.db, `select count(*)::int as n from filings where bank_ref = 'S-1'`))[0]!.n,
    ).toBe(1);
  });

  it('another bank cannot see the job (404) nor its report, and lists only its own', async () => {
    expect((await bob(`/api/imports/${jobA.id}`)).status).toBe(404);
    expect((await bob(`/api/imports/${jobA.id}/errors`)).status).toBe(404);
    const own = await upload(bob, writeCsv([row('BOB-1', 5)]));
    expect(own.status).toBe(201);
    const list = (await (await bob('/api/imports')).json()) as { items: Job[] };
    expect(list.items.map((j) => j.bankId)).toEqual(['bank-bob']);
    const all = (await (await manager('/api/imports')).json()) as { items: Job[] };
    expect(new Set(all.items.map((j) => j.bankId))).toEqual(new Set(['bank-icbc', 'bank-bob']));
    expect((await auditor(`/api/imports/${jobA.id}`)).status).toBe(200);
    // A guarantor sees no bank's files: not the job, not its raw rows, none in the list.
    expect((await guarantor(`/api/imports/${jobA.id}`)).status).toBe(404);
    expect((await guarantor(`/api/imports/${jobA.id}/errors`)).status).toBe(404);
    expect(((await (await guarantor('/api/imports')).json()) as { items: Job[] }).items).toEqual([]);
  });

  it('pages the jobs newest first by cursor: every job once, even jobs started in the same millisecond', async () => {
    // Three jobs in one millisecond (microseconds apart) and one in the next: ties are broken by id.
    for (const [id, at] of [
      ['tie-b', '.123400'],
      ['tie-a', '.123100'],
      ['tie-c', '.123900'],
      ['next-ms', '.124000'],
    ]) {
      await query(
        t.services.ops.db,
        `insert into import_jobs (id, bank_id, file_name, file_hash, status, created_by, started_at) values ('${id}', 'bank-bob', 'x.csv', '${id}', 'done', 'bob', '2026-01-01 00:00:00${at}+00')`,
      );
    }
    const whole = (await (await manager('/api/imports?limit=500')).json()) as {
      items: Job[];
      nextCursor: string | null;
    };
    expect(whole.nextCursor).toBeNull();
    expect(whole.items.map((j) => j.id).slice(-4)).toEqual(['next-ms', 'tie-c', 'tie-b', 'tie-a']);
    const walked: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page = (await (await manager(`/api/imports?limit=1${cursor ? `&cursor=${cursor}` : ''}`)).json()) as {
        items: Job[];
        nextCursor: string | null;
      };
      walked.push(...page.items.map((j) => j.id));
      cursor = page.nextCursor;
    }
    expect(walked).toEqual(whole.items.map((j) => j.id));
    const bobs = (await (await bob('/api/imports?limit=2')).json()) as { items: Job[]; nextCursor: string };
    expect(bobs.items.every((j) => j.bankId === 'bank-bob')).toBe(true);
    expect(bobs.nextCursor).toEqual(expect.any(String));
    // A made-up cursor (not a real day; year 0) was a 500 from PostgreSQL.
    for (const bad of [
      'limit=0',
      'limit=501',
      'cursor=bm9wZQ',
      'cursor=WyIyMDI2LTAyLTMwVDAwOjAwOjAwWiIsICJ4Il0',
      'cursor=WyIwMDAwLTAxLTAxVDAwOjAwOjAwWiIsICJ4Il0',
    ]) {
      const r = await manager(`/api/imports?${bad}`);
      expect(r.status, bad).toBe(400);
      expect(((await r.json()) as { errors: { field: string }[] }).errors[0]!.field, bad).toBe(bad.split('=')[0]);
    }
  });

  it('a manager names the bank; a bank cannot import for another; an auditor may not import', async () => {
    const path = writeCsv([row('MG-1', 6)]);
    const missing = await upload(manager, path);
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { errors: { field: string }[] }).errors[0]!.field).toBe('bankId');
    expect((await upload(icbc, path, { bankId: 'bank-bob' })).status).toBe(400);
    expect((await upload(auditor, path)).status).toBe(403);
    const ok = await upload(manager, path, { bankId: 'bank-bob' });
    expect(ok.status).toBe(201);
    expect(((await ok.json()) as Job).bankId).toBe('bank-bob');
  });

  it('refuses a file it cannot read with 400 naming the problem, and a body that is not multipart with 415; nothing written', async () => {
    const before = await query(t.services.ops.db, 'select count(*)::int as n from import_jobs');
    const broken = await upload(icbc, writeRaw(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0])));
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as { errors: { field: string; en: string }[] }).errors[0]).toMatchObject({
      field: 'file',
      code: 'import.file_not_spreadsheet',
      en: expect.stringMatching(/not a CSV or XLSX/),
    });
    const json = await icbc('/api/imports', { method: 'POST', body: { file: 'x' } });
    expect(json.status).toBe(415);
    expect(await query(t.services.ops.db, 'select count(*)::int as n from import_jobs')).toEqual(before);
  });

  it('refuses a 5 MB CSV on one line at its first line, naming the most a row may have (was 0.8 s of CPU per MB); nothing written', async () => {
    const before = await query(t.services.ops.db, 'select count(*)::int as n from import_jobs');
    const res = await upload(icbc, writeRaw(Buffer.from('x'.repeat(5 * 1024 * 1024))));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: unknown[] }).errors).toEqual([
      {
        field: 'file',
        code: 'import.file_unreadable',
        en: 'is not a readable CSV file: line 1 is longer than 65536 characters, the most a row may have',
        zh: '不是可读取的 CSV 文件：第 1 行超过 65536 个字符（每行最多 65536 个字符）',
      },
    ]);
    expect(await query(t.services.ops.db, 'select count(*)::int as n from import_jobs')).toEqual(before);
  });

  it('refuses an XLSX ZIP bomb by its ZIP directory before unpacking it: 400 naming the file, nothing written', async () => {
    const before = await query(t.services.ops.db, 'select count(*)::int as n from import_jobs');
    // 64 MB of spaces deflate to ~64 KB.
    const bomb = zip([{ name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(64 * 1024 * 1024, 0x20) }]);
    const res = await upload(icbc, writeRaw(Buffer.from(bomb)));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: unknown[] }).errors).toEqual([
      {
        field: 'file',
        code: 'import.file_unreadable',
        en: 'is not a readable XLSX file: an entry unpacks to more than 500 times its size (a ZIP bomb?)',
        zh: '不是可读取的 XLSX 文件：解压后过大或条目过多（疑似 ZIP 炸弹）',
      },
    ]);
    expect(await query(t.services.ops.db, 'select count(*)::int as n from import_jobs')).toEqual(before);
  });

  it('takes files larger than the 1 MB limit of other routes', async () => {
    // A few rows with long remarks (a column of the bank's own, left alone): the point is the size of the body.
    const rows = Array.from({ length: 40 }, (_, i) => [
      ...row(`BIG-${i}`, 1 + (i % 6), '10000.001'),
      '备注'.repeat(10_000),
    ]);
    const path = writeCsv(rows, { header: [...HEADER, '备注'] });
    expect(readFileSync(path).length).toBeGreaterThan(1024 * 1024);
    const res = await upload(bob, path);
    expect(res.status).toBe(201);
    expect(await finished(bob, ((await res.json()) as Job).id)).toMatchObject({ status: 'done', rejected: 40 });
  });
});

describe('receiving an upload', () => {
  const body = (parts: string) => new Blob([parts]).stream();
  it('stops at the size limit with 413', async () => {
    const b = 'XyZ';
    const p = receiveUpload(
      body(
        `--${b}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\n${'x'.repeat(5000)}\r\n--${b}--\r\n`,
      ),
      `multipart/form-data; boundary=${b}`,
      1000,
    );
    await expect(p).rejects.toMatchObject({ status: 413 });
  });
  it('keeps the file and the fields, whatever the chunking', async () => {
    const b = '----b0undary';
    const u = await receiveUpload(
      body(
        `--${b}\r\nContent-Disposition: form-data; name="bankId"\r\n\r\nbank-bob\r\n--${b}\r\nContent-Disposition: form-data; name="file"; filename="贷款.csv"\r\nContent-Type: text/csv\r\n\r\na,b\r\n--not-the-boundary\r\n1,2\r\n--${b}--\r\n`,
      ),
      `multipart/form-data; boundary=${b}`,
      1000,
    );
    expect(u.fields).toEqual({ bankId: 'bank-bob' });
    expect(u.fileName).toBe('贷款.csv');
    expect(readFileSync(u.path, 'utf8')).toBe('a,b\r\n--not-the-boundary\r\n1,2');
    await u.discard();
  });
  it('refuses a field with a NUL or another control character, naming it (was a 500 from PostgreSQL); a file name has them replaced', async () => {
    const b = 'b0';
    const file = (name: string) =>
      `--${b}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\n\r\na,b\r\n`;
    await expect(
      receiveUpload(
        body(
          `--${b}\r\nContent-Disposition: form-data; name="bankId"\r\n\r\nbank\u0000bob\r\n${file('a.csv')}--${b}--\r\n`,
        ),
        `multipart/form-data; boundary=${b}`,
        1000,
      ),
    ).rejects.toMatchObject({ status: 400, errors: [{ field: 'bankId' }] });
    const u = await receiveUpload(
      body(`${file('a\u0000b\u0007.csv')}--${b}--\r\n`),
      `multipart/form-data; boundary=${b}`,
      1000,
    );
    expect(u.fileName).toBe('a_b_.csv');
    await u.discard();
  });
  it('refuses a body cut off before its last boundary', async () => {
    await expect(
      receiveUpload(
        body('--b\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nabc'),
        'multipart/form-data; boundary=b',
        1000,
      ),
    ).rejects.toMatchObject({ status: 400 });
  });
});

describe('GET /api/filings/{id}/proof (issue 20)', () => {
  it('a bulk-filed loan’s Merkle path, checked here against the root its chunk’s audit row holds; the bank’s own only; an online filing points at its own row', async () => {
    const res = await upload(
      icbc,
      writeCsv([row('P-1', 1), row('P-2', 2), row('P-3', 3), row('P-4', 4), row('P-5', 5)]),
    );
    expect(res.status).toBe(201);
    const job = await finished(icbc, ((await res.json()) as Job).id);
    expect(job).toMatchObject({ status: 'done', filed: 5 });
    const db = t.services.ops.db;
    const [filing] = await query(db, `select id, principal::text as principal from filings where bank_ref = 'P-4'`);
    const id = String(filing!.id);
    const proofRes = await icbc(`/api/filings/${id}/proof`);
    expect(proofRes.status).toBe(200);
    const proof = (await proofRes.json()) as {
      kind: string;
      facts: Record<string, unknown>;
      leaf: string;
      leafHash: string;
      index: number;
      count: number;
      path: { side: string; hash: string }[];
      merkleRoot: string;
      verified: boolean;
      audit: { seq: string; hash: string; import: string; firstLine: number; lastLine: number };
    };
    // The chunk's row as the audit table holds it.
    const [chunk] = await query(
      db,
      `select seq::text as seq, hash, after->>'merkleRoot' as root, after->'filingIds' as ids from audit_log
        where action = 'filing.create-chunk' and entity_id = '${job.id}'`,
    );
    const ids = (typeof chunk!.ids === 'string' ? JSON.parse(chunk!.ids) : chunk!.ids) as string[];
    expect(proof).toMatchObject({
      kind: 'chunk',
      index: ids.indexOf(id),
      count: 5,
      merkleRoot: chunk!.root,
      verified: true,
      audit: { seq: chunk!.seq, hash: chunk!.hash, import: job.id, firstLine: 2, lastLine: 6 },
    });
    expect(proof.index).toBe(3);
    expect(proof.facts).toMatchObject({ id, bankRef: 'P-4', bankId: 'bank-icbc', principal: '1000000.00' });
    expect(proof.leaf).toBe(canonical(proof.facts));
    expect(rootFromPath(proof.leaf, proof.path)).toBe(chunk!.root);
    // Another leaf's path (index 0) does not lead this leaf there.
    const other = (await (await icbc(`/api/filings/${ids[0]!}/proof`)).json()) as typeof proof;
    expect(rootFromPath(proof.leaf, other.path)).not.toBe(chunk!.root);
    // Read like the filing: another bank gets 404, the auditor reads it.
    expect((await bob(`/api/filings/${id}/proof`)).status).toBe(404);
    expect((await auditor(`/api/filings/${id}/proof`)).status).toBe(200);
    expect((await icbc(`/api/filings/00000000-0000-0000-0000-000000000000/proof`)).status).toBe(404);
    // A loan filed on its own has its own audit row.
    const online = await icbc('/api/filings', {
      method: 'POST',
      body: {
        bankRef: 'P-ONLINE',
        creditCode: creditCode(6),
        loan: { kind: 'credit', principal: '100000.00', disbursedOn, mode: 'direct' },
      },
    });
    expect(online.status).toBe(201);
    const onlineId = ((await online.json()) as { id: string }).id;
    const [own] = await query(
      db,
      `select seq::text as seq, hash from audit_log where action = 'filing.create' and entity_id = '${onlineId}'`,
    );
    expect(await (await icbc(`/api/filings/${onlineId}/proof`)).json()).toEqual({
      kind: 'row',
      audit: { seq: own!.seq, hash: own!.hash },
    });
  });
});
