/** The E-Town world the browser tests start from, set up through the API as the demo manager. */
import { apiAs, beijingToday, creditCode } from './harness';

export const A = 'etown-2023-small-micro';
export const B = 'etown-2025-sci-tech';

export async function seedWorld(url: string) {
  const m = await apiAs(url, 'manager');
  const ok = (r: { status: number; body: unknown }, what: string) => {
    if (r.status >= 300 && r.status !== 409) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
    return r;
  };
  const today = beijingToday();
  for (const [id, kind, name, nameEn] of [
    ['bank-icbc', 'bank', '中国工商银行北京经济技术开发区支行', 'ICBC E-Town'],
    ['bank-bob', 'bank', '北京银行经济技术开发区支行', 'Bank of Beijing E-Town'],
    ['guarantor-bjcg', 'guarantor', '北京首创融资担保有限公司', 'Beijing Capital Guarantee'],
  ] as const)
    ok(await m('POST', '/api/institutions', { id, kind, name, nameEn, registeredInZone: true }), `institution ${id}`);
  // The demo seed (on by default) may have set up the funds and agreements already.
  const funds = await m<{ items: { id: string }[] }>('GET', '/api/funds');
  if (funds.status === 200 && funds.body.items.length) {
    // Room for the tests' loans whatever state the demo book left the funds in (cash and the limit rise).
    for (const f of funds.body.items)
      ok(
        await m(
          'POST',
          `/api/funds/${f.id}/top-ups`,
          { amount: '500000000.00', on: today, note: 'e2e' },
          { 'idempotency-key': `e2e-${f.id}` },
        ),
        `top-up ${f.id}`,
      );
    return { enterprises: await seedEnterprises(m, ok), today };
  }
  ok(
    await m('POST', '/api/funds', {
      id: 'etown',
      name: '北京经开区贷款风险补偿资金',
      programmes: [A, B],
      liabilityMultiple: '10',
      capital: '100000000.00',
      on: today,
    }),
    'fund',
  );
  for (const bank of ['bank-icbc', 'bank-bob']) {
    for (const p of [A, B])
      ok(
        await m('POST', '/api/agreements', {
          fundId: 'etown',
          programmeId: p,
          institutionId: bank,
          signedOn: today,
          ...(bank === 'bank-bob' && p === B ? { quota: '200000000.00' } : {}),
        }),
        `agreement ${bank} ${p}`,
      );
  }
  return { enterprises: await seedEnterprises(m, ok), today };
}

type Api = Awaited<ReturnType<typeof apiAs>>;
async function seedEnterprises(
  m: Api,
  ok: (r: { status: number; body: unknown }, what: string) => { status: number; body: unknown },
) {
  const enterprises: Record<string, string> = {};
  const ents = [
    {
      key: 'small',
      n: 101,
      name: '北京星河智能科技有限公司',
      size: 'small',
      sciTech: true,
      qualifications: [{ kind: 'national-high-tech', validFrom: '2024-01-01', validTo: '2027-12-31' }],
    },
    { key: 'micro', n: 102, name: '北京亦庄微芯电子有限公司', size: 'micro', sciTech: false, qualifications: [] },
    { key: 'medium', n: 103, name: '北京经开生物医药股份有限公司', size: 'medium', sciTech: true, qualifications: [] },
  ];
  for (const e of ents) {
    const r = ok(
      await m('POST', '/api/enterprises', {
        creditCode: creditCode(e.n),
        name: e.name,
        size: e.size,
        industry: 'software',
        sciTech: e.sciTech,
        registeredInZone: true,
        qualifications: e.qualifications,
      }),
      `enterprise ${e.key}`,
    );
    if (r.status === 409) {
      const found = await m<{ items: { id: string }[] }>('GET', `/api/enterprises?q=${encodeURIComponent(e.name)}`);
      enterprises[e.key] = found.body.items[0]!.id;
    } else enterprises[e.key] = (r.body as { id: string }).id;
  }
  return enterprises;
}

/** A few filed loans per bank so the table, the dashboard and the reports have something to show. */
export async function seedLoans(url: string, enterprises: Record<string, string>, today: string) {
  const ids: Record<string, string[]> = { 'bank-icbc': [], 'bank-bob': [] };
  for (const bank of ['bank-icbc', 'bank-bob'] as const) {
    const b = await apiAs(url, bank);
    for (let i = 1; i <= 6; i++) {
      const r = await b<{ id: string }>(
        'POST',
        '/api/filings',
        {
          bankRef: `${bank === 'bank-icbc' ? 'ICBC' : 'BOB'}-2025-${String(i).padStart(4, '0')}`,
          programme: i % 2 ? A : B,
          enterpriseId: i % 2 ? enterprises.small : enterprises.medium,
          loan: {
            kind: ['credit', 'ip-pledge', 'receivables-pledge'][i % 3],
            principal: `${i * 1_000_000}.00`,
            disbursedOn: today,
            mode: i === 4 ? 'risk-sharing' : 'direct',
            ...(i === 4
              ? { bankShare: '0.2', parties: [{ party: 'guarantor', institutionId: 'guarantor-bjcg', share: '0.8' }] }
              : {}),
          },
        },
        { 'idempotency-key': `${bank}-seed-${i}` },
      );
      if (r.status !== 201 && r.status !== 200)
        throw new Error(`seed loan ${bank} ${i}: ${r.status} ${JSON.stringify(r.body)}`);
      ids[bank]!.push(r.body.id);
    }
  }
  return ids;
}

/** Marks a loan non-performing (substandard, R6) as its bank reports it. */
export async function makeNonPerforming(url: string, bank: string, filingId: string, today: string) {
  const b = await apiAs(url, bank);
  const r = await b('POST', `/api/filings/${filingId}/classification`, {
    classification: 'substandard',
    overdueSince: today,
    on: today,
  });
  if (r.status !== 200) throw new Error(`classification: ${r.status} ${JSON.stringify(r.body)}`);
}

/**
 * The claim most claim walks start from: the world and its loans seeded, bank-bob's first loan
 * (programme A) made non-performing and claimed by the bank. Returns the loan's and the claim's ids.
 */
export async function seedClaim(url: string): Promise<{ filingId: string; claimId: string }> {
  const world = await seedWorld(url);
  const loans = await seedLoans(url, world.enterprises, world.today);
  const filingId = loans['bank-bob']![0]!;
  await makeNonPerforming(url, 'bank-bob', filingId, world.today);
  const claim = await (await apiAs(url, 'bank-bob'))<{ id: string }>('POST', '/api/claims', { filingId });
  if (claim.status !== 201) throw new Error(`claim: ${claim.status} ${JSON.stringify(claim.body)}`);
  return { filingId, claimId: claim.body.id };
}
