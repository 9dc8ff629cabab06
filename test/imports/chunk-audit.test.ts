/**
 * A bulk-filed chunk's one audit row (issue 20) keeps every filing provable: `audit verify`
 * recomputes each chunk's Merkle root from its filings, so a filing changed or deleted in SQL is
 * caught (the hash chain itself still intact), while what servicing and an amendment legitimately
 * change is not taken for tampering.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseYuan } from '../../src/core/money/money';
import { verifyAuditLog } from '../../src/modules/audit/audit.verify';
import { amendFiling, filingProof } from '../../src/modules/filings/filings.usecases';
import { verifyAudit } from '../../src/modules/ledger/ledger.verify';
import { reportClassification } from '../../src/modules/servicing/servicing.usecases';
import { queueEvents } from '../../src/modules/webhooks/webhooks.dispatcher';
import { createEndpoint } from '../../src/modules/webhooks/webhooks.usecases';
import { creditCode, etownWorld, icbc } from '../operations/fixture';
import { importFile, query, writeCsv } from './world';

let w: Awaited<ReturnType<typeof etownWorld>>;
const today = '2025-09-03';
let jobId: string;
let ids: string[];
const chunkSeqs: string[] = [];

beforeAll(async () => {
  w = await etownWorld({ capital: '100000000.00' });
  for (let i = 1; i <= 5; i++) await w.enterprise(i);
  const row = (ref: string, i: number) => [
    ref,
    creditCode(i),
    `企业${i}`,
    '信用贷款',
    `${i}00000.00`,
    '2025-09-01',
    '2026-08-31',
    '直接补偿',
    '',
  ];
  const { job } = await importFile({
    db: w.db,
    catalog: w.catalog,
    actor: icbc,
    today,
    path: writeCsv([row('T-1', 1), row('T-2', 2), row('T-3', 3), row('T-4', 4), row('T-5', 5)]),
    chunkRows: 2,
  });
  expect(job).toMatchObject({ status: 'done', filed: 5 });
  jobId = job.id;
  ids = (await query(w.db, `select id from filings where bank_ref like 'T-%' order by bank_ref`)).map((r) =>
    String(r.id),
  );
  for (const r of await query(
    w.db,
    `select seq::text as seq from audit_log where action = 'filing.create-chunk' and entity_id = '${jobId}' order by seq`,
  ))
    chunkSeqs.push(String(r.seq));
  expect(chunkSeqs).toHaveLength(3);
});
afterAll(async () => w?.close());

const chainCodes = ['audit_seq_gap', 'audit_chain_broken', 'audit_hash_mismatch'];

describe('audit verify over bulk-filed chunks', () => {
  it('is clean after the import, and after servicing and an amendment change filed loans (their own audit rows)', async () => {
    expect((await verifyAuditLog({ db: w.db })).violations).toEqual([]);
    await reportClassification({
      db: w.db,
      catalog: w.catalog,
      actor: icbc,
      id: ids[0]!,
      classification: 'special-mention',
      overdueSince: null,
      on: today,
      today,
    });
    await amendFiling({
      db: w.db,
      catalog: w.catalog,
      actor: icbc,
      id: ids[1]!,
      patch: { principal: parseYuan('150000.00'), reason: '合同金额更正' },
    });
    const [changed] = await query(w.db, `select principal::text as p, version from filings where id = '${ids[1]!}'`);
    expect(changed).toEqual({ p: '15000000', version: 2 });
    expect((await verifyAuditLog({ db: w.db })).violations).toEqual([]);
    // The amended loan's proof still reaches its chunk's root: its leaf has its terms as filed.
    const proof = await filingProof({ db: w.db, actor: icbc, id: ids[1]! });
    expect(proof).toMatchObject({ kind: 'chunk', verified: true, facts: { principal: '200000.00' } });
  });

  it('catches one filing’s principal changed in SQL, naming the chunk’s audit row and import; the chain itself intact', async () => {
    await w.db.execute(sql.raw(`update filings set principal = principal + 1 where id = '${ids[2]!}'`));
    const { violations } = await verifyAuditLog({ db: w.db });
    expect(violations.filter((v) => chainCodes.includes(v.code))).toEqual([]);
    expect(violations).toEqual([
      {
        code: 'audit_chunk_root_differs',
        message: expect.stringContaining(`audit row ${chunkSeqs[1]!} (import ${jobId})`) as unknown as string,
      },
    ]);
    expect(violations[0]!.message).toContain('lines 4–5');
    const report = await verifyAudit({ db: w.db });
    expect(report.ok).toBe(false);
    // The proof says the chunk's filings as they stand no longer give its root.
    expect(await filingProof({ db: w.db, actor: icbc, id: ids[3]! })).toMatchObject({ verified: false });
    await w.db.execute(sql.raw(`update filings set principal = principal - 1 where id = '${ids[2]!}'`));
    expect((await verifyAuditLog({ db: w.db })).violations).toEqual([]);
  });

  it('catches a fixed fact other than money changed (the creation time), and a filing moved to another chunk', async () => {
    await w.db.execute(
      sql.raw(`update filings set created_at = created_at + interval '1 second' where id = '${ids[4]!}'`),
    );
    expect((await verifyAuditLog({ db: w.db })).violations.map((v) => v.code)).toEqual(['audit_chunk_root_differs']);
    await w.db.execute(
      sql.raw(`update filings set created_at = created_at - interval '1 second' where id = '${ids[4]!}'`),
    );
    await w.db.execute(sql.raw(`update filings set audit_chunk = '${jobId}:2' where id = '${ids[4]!}'`));
    expect((await verifyAuditLog({ db: w.db })).violations).toEqual([
      { code: 'audit_chunk_filing_missing', message: expect.stringContaining(`filing ${ids[4]!} (leaf 0)`) },
    ]);
    // Its proof cannot be given: a problem naming the loan and the chunk, not a bare 500.
    await expect(filingProof({ db: w.db, actor: icbc, id: ids[4]! })).rejects.toMatchObject({
      status: 500,
      errors: [{ field: 'id', code: 'audit.chunk_row_missing' }],
      detail: { en: expect.stringContaining(`${jobId}:2`) },
    });
    await w.db.execute(sql.raw(`update filings set audit_chunk = '${jobId}:6' where id = '${ids[4]!}'`));
    expect((await verifyAuditLog({ db: w.db })).violations).toEqual([]);
  });

  it('catches a filing of a chunk deleted, naming it', async () => {
    await w.db.execute(sql.raw(`delete from filing_events where filing_id = '${ids[3]!}'`));
    await w.db.execute(sql.raw(`delete from filings where id = '${ids[3]!}'`));
    const { violations } = await verifyAuditLog({ db: w.db });
    expect(violations.filter((v) => chainCodes.includes(v.code))).toEqual([]);
    expect(violations).toEqual([
      {
        code: 'audit_chunk_filing_missing',
        message: `audit row ${chunkSeqs[1]!} (import ${jobId}): filing ${ids[3]!} (leaf 1) is missing`,
      },
    ]);
  });
});

describe('webhooks for bulk-filed loans', () => {
  it('a chunk row is a filing.create event per loan it names, each with its own event id', async () => {
    // The cursor starts at the head when first read: read it now, then file.
    await queueEvents({ db: w.db, now: () => new Date() });
    await createEndpoint({
      db: w.db,
      actor: icbc,
      input: { url: 'http://127.0.0.1:9/hook', events: ['filing.create'] },
      allowLocal: true,
    });
    await w.enterprise(6);
    const row = [creditCode(6), '企业6', '信用贷款', '600000.00', '2025-09-01', '2026-08-31', '直接补偿', ''];
    const { job } = await importFile({
      db: w.db,
      catalog: w.catalog,
      actor: icbc,
      today,
      path: writeCsv([
        ['W-1', ...row],
        ['W-2', ...row],
        ['W-3', ...row],
      ]),
      chunkRows: 2,
    });
    expect(job).toMatchObject({ status: 'done', filed: 3 });
    const filed = (await query(w.db, `select id from filings where bank_ref like 'W-%' order by bank_ref`)).map((r) =>
      String(r.id),
    );
    expect(await queueEvents({ db: w.db, now: () => new Date() })).toBe(3);
    const deliveries = await query(
      w.db,
      `select event_type, event_id, payload from webhook_deliveries order by audit_seq, payload`,
    );
    const payloads = deliveries.map(
      (d) =>
        JSON.parse(String(d.payload)) as {
          id: string;
          type: string;
          entity: { id: string };
          data: { bankRef: string; status: string };
        },
    );
    expect(payloads.map((p) => [p.type, p.entity.id, p.data.bankRef])).toEqual(
      expect.arrayContaining(filed.map((id, i) => ['filing.create', id, `W-${i + 1}`])),
    );
    expect(new Set(payloads.map((p) => p.id)).size).toBe(3);
  });
});
