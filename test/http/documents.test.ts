/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * The printed documents through the app (issue 17, item 5): a risk-sharing loan (POLICY worked
 * example 5: 10,000,000 yuan, the bank's 20%, bad with 6,000,000 outstanding → the fund pays
 * 1,200,000.00) is filed, claimed, prepared, approved by a second person and paid; each PDF is
 * downloaded, its text extracted with poppler's pdftotext and checked (names, figures in figures
 * and in 大写, dates, the decision's reasons), page 1 rendered with pdftoppm to a PNG that must be
 * A4-shaped and neither blank nor black (kept in test-output/documents/ to be looked at). Another
 * bank's officer gets 404, the payment notice of an unpaid claim 409 with its code, and every
 * download is in the audit log. Debian's poppler-utils and fonts-wqy-microhei are installed with
 * apt-get when missing.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditCode } from '../operations/fixture';
import { ensureDocumentTools } from './documents-tools';
import { ok, send, signInCast, startTestApp, type Client } from './harness';

const OUT = join(import.meta.dirname, '../../test-output/documents');

/** The PDF's text in drawing order, without whitespace (a table cell may wrap anywhere). */
function textOf(pdf: Buffer): string {
  return execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', '-', '-'], { input: pdf }).toString('utf8');
}
const squeeze = (s: string) => s.replace(/\s+/g, '');

/** Decodes an 8-bit, non-interlaced PNG (grey or RGB, with or without alpha): its size and each pixel's grey level. */
function decodePng(png: Buffer): { width: number; height: number; pixels: Uint8Array } {
  expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    const type = png.subarray(at + 4, at + 8).toString('latin1');
    const data = png.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect([data[8], data[12]], 'bit depth 8, not interlaced').toEqual([8, 0]);
      channels = ({ 0: 1, 2: 3, 4: 2, 6: 4 } as Record<number, number>)[data[9]!]!;
      expect(channels, `colour type ${data[9]}`).toBeDefined();
    } else if (type === 'IDAT') idat.push(data);
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const bytes = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    for (let i = 0; i < stride; i++) {
      const v = raw[y * (stride + 1) + 1 + i]!;
      const a = i >= channels ? bytes[y * stride + i - channels]! : 0;
      const b = y > 0 ? bytes[(y - 1) * stride + i]! : 0;
      const c = i >= channels && y > 0 ? bytes[(y - 1) * stride + i - channels]! : 0;
      let predicted = 0;
      if (filter === 1) predicted = a;
      else if (filter === 2) predicted = b;
      else if (filter === 3) predicted = (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
        predicted = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      bytes[y * stride + i] = (v + predicted) & 0xff;
    }
  }
  const pixels = new Uint8Array(width * height);
  const colours = channels >= 3 ? 3 : 1;
  for (let p = 0; p < width * height; p++) {
    let sum = 0;
    for (let k = 0; k < colours; k++) sum += bytes[p * channels + k]!;
    pixels[p] = Math.round(sum / colours);
  }
  return { width, height, pixels };
}

/** Renders page 1 at 60 dpi, keeps it in test-output/documents/NAME.png, and checks its shape and ink. */
function checkPageOne(pdf: Buffer, name: string) {
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, `${name}.pdf`), pdf);
  execFileSync('pdftoppm', ['-f', '1', '-l', '1', '-r', '60', '-gray', '-png', '-singlefile', `${name}.pdf`, name], {
    cwd: OUT,
  });
  const png = readFileSync(join(OUT, `${name}.png`));
  const { width, height, pixels } = decodePng(png);
  // A4 is 210 × 297 mm: at 60 dpi 496 × 702 pixels.
  expect(Math.abs(height / width - 297 / 210)).toBeLessThan(0.01);
  expect(width).toBeGreaterThan(480);
  const ink = pixels.filter((p) => p < 128).length / pixels.length;
  expect(ink, 'some ink: the page is not blank').toBeGreaterThan(0.005);
  expect(ink, 'mostly paper: the page is not black').toBeLessThan(0.4);
  // Ink in the heading (the top fifth) and in the body below it.
  const band = (from: number, to: number) =>
    pixels.subarray(Math.floor(height * from) * width, Math.floor(height * to) * width).some((p) => p < 128);
  expect(band(0.05, 0.2)).toBe(true);
  expect(band(0.3, 0.8)).toBe(true);
}

let day = '2025-09-03';
let t: Awaited<ReturnType<typeof startTestApp>>;
let manager: Client, bankA: Client, bankB: Client, guarantor: Client, auditor: Client;
let maker: Client, checker: Client, officer: Client;
let filingId: string;
let claimId: string;

const FUND = '北京经开区科技创新类中小企业贷款风险补偿资金';
const ENTERPRISE = '北京亦庄芯片设计有限公司';

async function download(client: Client, path: string) {
  const res = await send(client, 'GET', path);
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  expect(res.headers.get('content-type')).toBe('application/pdf');
  expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="[\w.-]+\.pdf"; filename\*=UTF-8''/);
  const pdf = Buffer.from(await res.arrayBuffer());
  expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  return pdf;
}

beforeAll(async () => {
  ensureDocumentTools({ poppler: true });
  t = await startTestApp({ today: () => day });
  ({ manager, bankA, bankB, guarantor, auditor } = await signInCast(t));
  maker = await t.signIn('wang-manager', 'manager', { displayName: '王初审' });
  checker = await t.signIn('li-reviewer', 'reviewer', { displayName: '李审批' });
  officer = await t.signIn('zhao-officer', 'bank', { bankId: 'bank-a', displayName: '赵行员' });
  await ok(
    await send(manager, 'POST', '/api/funds', {
      id: 'etown-b',
      name: FUND,
      programmes: ['etown-2025-sci-tech'],
      liabilityMultiple: '10',
      capital: '50000000.00',
      on: '2025-07-10',
    }),
    201,
  );
  for (const bank of ['bank-a', 'bank-b'])
    await ok(
      await send(manager, 'POST', '/api/agreements', {
        fundId: 'etown-b',
        programmeId: 'etown-2025-sci-tech',
        institutionId: bank,
        signedOn: '2025-07-10',
      }),
      201,
    );
  await ok(
    await send(manager, 'POST', '/api/enterprises', {
      creditCode: creditCode(17),
      name: ENTERPRISE,
      size: 'small',
      industry: 'ic-design',
      sciTech: true,
      registeredInZone: true,
    }),
    201,
  );
  // POLICY worked example 5: 10,000,000 yuan in the risk-sharing mode, the bank's share 20%.
  const filed = await ok(
    await send(officer, 'POST', '/api/filings', {
      bankRef: 'A-2025-0017',
      creditCode: creditCode(17),
      programme: 'etown-2025-sci-tech',
      loan: {
        kind: 'ip-pledge',
        principal: '10000000.00',
        disbursedOn: '2025-09-01',
        maturesOn: '2026-08-31',
        mode: 'risk-sharing',
        bankShare: '0.2',
        parties: [{ party: 'guarantor', institutionId: 'g-1', share: '0.8' }],
      },
    }),
    201,
  );
  filingId = filed.id;
  await ok(await send(guarantor, 'POST', `/api/filings/${filingId}/guarantor-confirmation`));
  day = '2025-12-20';
  await ok(await send(officer, 'POST', `/api/filings/${filingId}/repayments`, { amount: '4000000.00', on: day }));
  day = '2026-01-12';
  await ok(
    await send(officer, 'POST', `/api/filings/${filingId}/classification`, {
      classification: 'doubtful',
      overdueSince: '2025-10-01',
      on: day,
    }),
  );
  claimId = (await ok(await send(officer, 'POST', '/api/claims', { filingId }), 201)).id;
}, 240_000);
afterAll(async () => t?.close());

describe('备案确认书 (filing confirmation)', () => {
  it('prints the bank, the enterprise, the terms in figures and 大写, the programme and every rule’s result', async () => {
    const pdf = await download(bankA, `/api/filings/${filingId}/documents/filing-confirmation.pdf`);
    const text = squeeze(textOf(pdf));
    const filing = await ok(await send(bankA, 'GET', `/api/filings/${filingId}`));
    for (const s of [
      FUND,
      '贷款备案确认书',
      '甲银行经开区支行',
      ENTERPRISE,
      creditCode(17),
      'A-2025-0017',
      '知识产权质押贷款',
      '银担分险',
      '10,000,000.00元',
      '人民币壹仟万元整',
      '2025-09-01',
      '2026-08-31',
      '2025-09-03',
      '20%',
      '首创担保',
      '北京经济技术开发区管理委员会与银行合作开展科技创新类中小企业贷款风险补偿实施方案',
      '2025-07',
      `备案编号：${filingId}`,
      '生成时间：',
      // the liability reserved: 20% of the 6,000,000 still outstanding after the repayment
      '1,200,000.00元',
      '人民币壹佰贰拾万元整',
    ])
      expect(text, s).toContain(squeeze(s));
    expect(filing.reasons.length).toBeGreaterThan(3);
    for (const r of filing.reasons) {
      expect(text, r.rule).toContain(r.rule);
      expect(text, r.zh).toContain(squeeze(r.zh));
    }
    checkPageOne(pdf, 'filing-confirmation');
  });
});

describe('补偿审批表 and 拨付通知 (claim approval form, payment notice)', () => {
  it('the payment notice of an unpaid claim is 409 document.claim_not_paid', async () => {
    const res = await send(bankA, 'GET', `/api/claims/${claimId}/documents/payment-notice.pdf`);
    expect(res.status).toBe(409);
    const body = (await res.json()) as any;
    expect(body.errors).toEqual([expect.objectContaining({ field: 'state', code: 'document.claim_not_paid' })]);
  });

  it('the form of a submitted claim shows the stages still to come', async () => {
    const text = squeeze(textOf(await download(bankA, `/api/claims/${claimId}/documents/approval-form.pdf`)));
    expect(text).toContain('银行提交申请已提交赵行员（zhao-officer）');
    expect(text).toContain('托管机构初审未办理');
    expect(text).toContain('复核批准未办理');
    // the programme's dossier (R20), each item's state
    expect(text).toContain('1补偿申请表（加盖合作银行公章）—未上传');
    expect(text).toContain('担保合同及担保机构代偿证明（银担分险）（可选）—未上传');
  });

  it('prints the loan, the figures and shares, each stage with name and date, once prepared, approved and paid', async () => {
    await ok(await send(maker, 'POST', `/api/claims/${claimId}/prepare`));
    await ok(await send(checker, 'POST', `/api/claims/${claimId}/approve`));
    expect((await send(bankA, 'GET', `/api/claims/${claimId}/documents/payment-notice.pdf`)).status).toBe(409);
    const paid = await ok(await send(maker, 'POST', `/api/claims/${claimId}/pay`));
    expect(paid.state).toBe('paid');
    const claim = await ok(await send(bankA, 'GET', `/api/claims/${claimId}`));
    const dateOf = (event: string) =>
      new Date(new Date(claim.events.find((e: any) => e.event === event).at).getTime() + 8 * 3_600_000)
        .toISOString()
        .slice(0, 10);

    const form = await download(bankA, `/api/claims/${claimId}/documents/approval-form.pdf`);
    const text = squeeze(textOf(form));
    for (const s of [
      FUND,
      '风险补偿审批表',
      `申请编号：${claimId}`,
      '甲银行经开区支行',
      ENTERPRISE,
      creditCode(17),
      '人民币壹仟万元整',
      '6,000,000.00元',
      '人民币陆佰万元整',
      '1,200,000.00元',
      '人民币壹佰贰拾万元整',
      '可疑类',
      '2026-01-12',
      // the parties' shares of the outstanding (F14–F16): the guarantee side 80%, the bank's 20% from the fund
      '4,800,000.00元',
      `银行提交申请已提交赵行员（zhao-officer）${claim.submittedOn}`, // the claim's own date: 2026-01-12
      `托管机构初审初审通过，提请审批王初审（wang-manager）${dateOf('prepare')}`,
      `复核批准批准李审批（li-reviewer）${dateOf('approve')}`,
      `资金拨付已拨付王初审（wang-manager）${dateOf('pay')}`,
      '2借款合同—未上传',
    ])
      expect(text, s).toContain(squeeze(s));
    for (const r of claim.reasons) expect(text, r.zh).toContain(squeeze(r.zh));
    checkPageOne(form, 'approval-form');

    const notice = await download(bankA, `/api/claims/${claimId}/documents/payment-notice.pdf`);
    const words = squeeze(textOf(notice));
    for (const s of [
      FUND,
      '风险补偿资金拨付通知',
      '甲银行经开区支行：',
      ENTERPRISE,
      'A-2025-0017',
      `已于${dateOf('pay')}拨付补偿资金人民币壹佰贰拾万元整（¥1,200,000.00）`,
      '6,000,000.00元',
      '李审批（li-reviewer）',
      '王初审（wang-manager）',
    ])
      expect(words, s).toContain(squeeze(s));
    checkPageOne(notice, 'payment-notice');
  });

  it('another bank’s officer gets 404 for every document; the loan’s guarantor and the staff get them', async () => {
    for (const path of [
      `/api/filings/${filingId}/documents/filing-confirmation.pdf`,
      `/api/claims/${claimId}/documents/approval-form.pdf`,
      `/api/claims/${claimId}/documents/payment-notice.pdf`,
    ]) {
      expect((await send(bankB, 'GET', path)).status, path).toBe(404);
      for (const c of [guarantor, auditor, manager]) await download(c, path);
    }
    expect((await send(bankA, 'GET', '/api/claims/no-such-claim/documents/approval-form.pdf')).status).toBe(404);
  });

  it('every download is in the audit log with the document’s SHA-256', async () => {
    const res = await send(bankA, 'GET', `/api/claims/${claimId}/documents/payment-notice.pdf`);
    const sha = res.headers.get('x-content-sha256');
    expect(sha).toMatch(/^[0-9a-f]{64}$/);
    const log = await ok(await send(auditor, 'GET', `/api/audit?entityKind=claim&entityId=${claimId}&limit=500`));
    const downloads = log.items.filter((e: any) => e.action.startsWith('document.'));
    expect(downloads.map((e: any) => e.action)).toEqual(
      expect.arrayContaining(['document.approval-form', 'document.payment-notice']),
    );
    expect(downloads.find((e: any) => e.after?.sha256 === sha)).toMatchObject({
      actor: 'bank-a-officer',
      action: 'document.payment-notice',
    });
    const filingLog = await ok(
      await send(auditor, 'GET', `/api/audit?entityKind=filing&entityId=${filingId}&limit=500`),
    );
    expect(
      filingLog.items.filter((e: any) => e.action === 'document.filing-confirmation').length,
    ).toBeGreaterThanOrEqual(4);
    // A refused download (404, 409) is not a download.
    expect(downloads.every((e: any) => e.actor !== 'bank-b-officer')).toBe(true);
    await ok(await send(auditor, 'GET', '/api/audit/verify'));
  });

  it('without a Chinese font: 503 document.font_missing naming the package, and no download is logged', async () => {
    const path = `/api/claims/${claimId}/documents/approval-form.pdf`;
    const logged = async () =>
      (await ok(await send(auditor, 'GET', `/api/audit?entityKind=claim&entityId=${claimId}&limit=500`))).items.length;
    const before = await logged();
    process.env.BACKSTOP_PDF_FONT = '/nonexistent/font.ttc';
    try {
      const res = await send(bankA, 'GET', path);
      expect(res.status).toBe(503);
      const body = (await res.json()) as any;
      expect(body.errors).toEqual([expect.objectContaining({ field: 'font', code: 'document.font_missing' })]);
      expect(body.detail).toContain('fonts-wqy-microhei');
    } finally {
      delete process.env.BACKSTOP_PDF_FONT;
    }
    expect(await logged()).toBe(before);
    await download(bankA, path); // found again, no restart
  });
});
