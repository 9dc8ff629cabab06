/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * A claim's dossier through the app (issue 17, item 2; R20): the bank uploads its programme's
 * checklist — PDF, JPG, PNG, XLSX, DOCX, judged by content with each file's SHA-256 — and every bad
 * file is refused naming its reason with nothing stored (wrong type, too large, zero bytes, an
 * executable renamed .pdf, a PDF without its header or its %%EOF). Another bank gets 404; a manager
 * ticks items (accepted, or rejected with a note); approval is refused (422, naming each item) until
 * every required item is accepted, then allowed; views and downloads are in the audit log.
 */
import { createHash } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditCode } from '../operations/fixture';
import { claimABadLoan, ok, openEtownForBankA, send, signInCast, startTestApp, type Client } from './harness';
import { zip } from './zip';

let day = '2025-09-03';
let t: Awaited<ReturnType<typeof startTestApp>>;
let manager: Client, manager2: Client, bankA: Client, bankB: Client, auditor: Client;
let claimId: string;

const REQUIRED = [
  'application-form',
  'loan-contract',
  'loan-receipt',
  'classification-record',
  'collection-record',
  'business-licence',
  'financial-statements',
];

// ---- files, built as their formats say ----------------------------------------------------------

const pdf = (body = 'a claim form') =>
  Buffer.from(`%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n% ${body}\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n`);

function png(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(1, 0);
  ihdr.writeUInt32BE(1, 4);
  ihdr[8] = 8;
  ihdr[9] = 0;
  return Buffer.concat([
    Buffer.from('89504e470d0a1a0a', 'hex'),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.from([0, 255]))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const jpg = () =>
  Buffer.concat([
    Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex'),
    Buffer.alloc(64, 0x11),
    Buffer.from('ffd9', 'hex'),
  ]);

async function xlsx(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet('资产负债表').addRow(['资产总计', '12345678.90']);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const docx = () =>
  Buffer.from(
    zip([
      {
        name: '[Content_Types].xml',
        data: Buffer.from(
          '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        ),
      },
      {
        name: 'word/document.xml',
        data: Buffer.from(
          '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>催收记录</w:t></w:r></w:p></w:body></w:document>',
        ),
      },
    ]),
  );

/** A Windows program: MZ header pointing at a PE signature. */
function exe(): Buffer {
  const b = Buffer.alloc(1024);
  b.write('MZ', 0, 'latin1');
  b.writeUInt32LE(128, 0x3c);
  b.write('PE\0\0', 128, 'latin1');
  return b;
}

const upload = (
  client: Client,
  itemId: string | undefined,
  content: Buffer | undefined,
  name: string,
  id = claimId,
) => {
  const form = new FormData();
  if (itemId !== undefined) form.set('itemId', itemId);
  if (content !== undefined) form.set('file', new Blob([new Uint8Array(content)]), name);
  return client(`/api/claims/${id}/materials`, { method: 'POST', body: form });
};

const dossier = async (client: Client = manager) => ok(await send(client, 'GET', `/api/claims/${claimId}/materials`));
const fileCount = async () => (await dossier()).items.reduce((n: number, i: any) => n + i.files.length, 0);

async function refused(res: Response, status: number, code: string) {
  const body = await ok(res, status);
  expect(body.errors[0].code).toBe(code);
  expect(body.detailZh).toBeTruthy();
  return body;
}

beforeAll(async () => {
  process.env.BACKSTOP_MATERIAL_MAX_MB = '1';
  try {
    t = await startTestApp({ today: () => day, claimDossier: 'required' });
  } finally {
    delete process.env.BACKSTOP_MATERIAL_MAX_MB;
  }
  ({ manager, manager2, bankA, bankB, auditor } = await signInCast(t));
  await openEtownForBankA(manager, creditCode(1));
  claimId = (
    await claimABadLoan({ bankA, creditCode: creditCode(1), bankRef: 'A-DOSSIER-1', setToday: (d) => (day = d) })
  ).id;
}, 240_000);
afterAll(async () => t?.close());

describe('one live claim per loan', () => {
  it('a second claim on the loan is refused, naming the open claim by its number', async () => {
    const claim = await ok(await send(bankA, 'GET', `/api/claims/${claimId}`));
    expect(claim.number).toMatch(/^BP-\d{4}-\d{6}$/);
    const res = await send(bankA, 'POST', '/api/claims', { filingId: claim.filingId });
    expect(res.status).toBe(409);
    const body = (await res.json()) as any;
    expect(body.errors).toEqual([expect.objectContaining({ field: 'filingId', code: 'claim.already_claimed' })]);
    expect(JSON.stringify(body)).toContain(claim.number);
    expect(JSON.stringify(body)).not.toContain(claimId);
  });
});

describe('the checklist', () => {
  it('is the programme’s, every item missing at first, the required ones named', async () => {
    const d = await dossier(bankA);
    expect(d.items.map((i: any) => i.id)).toEqual([...REQUIRED.slice(0, 5), 'court-acceptance', ...REQUIRED.slice(5)]);
    expect(d.items.find((i: any) => i.id === 'court-acceptance').required).toBe(false);
    expect(d.items.every((i: any) => i.state === 'missing' && i.files.length === 0)).toBe(true);
    expect(d.items[0].title).toEqual({
      zh: '补偿申请表（加盖合作银行公章）',
      en: 'Compensation application form (under the cooperating bank’s seal)'.replace('’', "'"),
    });
    expect(d.complete).toBe(false);
    expect(d.missing).toEqual(REQUIRED);
    expect(d).toMatchObject({ claimState: 'submitted', open: true, decided: false, waived: false });
  });
});

describe('uploads, judged by content', () => {
  it('takes PDF, JPG, PNG, XLSX and DOCX, whatever their names, and records each SHA-256', async () => {
    const files: [string, Buffer, string, string][] = [
      ['application-form', pdf('申请表'), '补偿申请表.pdf', 'pdf'],
      ['loan-contract', jpg(), 'contract-scan.jpeg', 'jpg'],
      ['loan-receipt', png(), 'receipt.bin', 'png'], // the name says nothing; the content says PNG
      ['financial-statements', await xlsx(), '财务报表.xlsx', 'xlsx'],
      ['collection-record', docx(), '催收记录.docx', 'docx'],
    ];
    for (const [itemId, content, name, kind] of files) {
      const d = await ok(await upload(bankA, itemId, content, name), 201);
      const item = d.items.find((i: any) => i.id === itemId);
      expect(item.state).toBe('uploaded');
      expect(item.files).toHaveLength(1);
      expect(item.files[0]).toMatchObject({
        fileName: name,
        kind,
        bytes: content.length,
        sha256: createHash('sha256').update(content).digest('hex'),
        uploadedBy: 'bank-a-officer',
      });
    }
    expect(await fileCount()).toBe(5);
  });

  it('downloads a file as uploaded, its SHA-256 in a header', async () => {
    const d = await dossier(bankA);
    const f = d.items.find((i: any) => i.id === 'financial-statements').files[0];
    const res = await send(bankA, 'GET', `/api/claims/${claimId}/materials/${f.id}`);
    expect(res.status).toBe(200);
    const body = Buffer.from(await res.arrayBuffer());
    expect(createHash('sha256').update(body).digest('hex')).toBe(f.sha256);
    expect(res.headers.get('x-content-sha256')).toBe(f.sha256);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent('财务报表.xlsx')}`);
  });
});

describe('bad files are refused, naming the reason, and nothing is stored', () => {
  const cases: [string, () => Response | Promise<Response>, number, string][] = [
    [
      'the wrong type (a GIF)',
      () => upload(bankA, 'business-licence', Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;'), 'licence.png'),
      415,
      'material.wrong_type',
    ],
    [
      'the wrong type (plain text)',
      () => upload(bankA, 'business-licence', Buffer.from('just some text'), 'licence.docx'),
      415,
      'material.wrong_type',
    ],
    [
      'too large (1 MB + 1 byte)',
      () =>
        upload(
          bankA,
          'business-licence',
          Buffer.concat([pdf(), Buffer.alloc(1024 * 1024 + 1 - pdf().length, 0x20)]),
          'big.pdf',
        ),
      413,
      'material.too_large',
    ],
    [
      'a body far over the limit',
      () => upload(bankA, 'business-licence', Buffer.alloc(3 * 1024 * 1024, 0x41), 'huge.pdf'),
      413,
      'material.too_large',
    ],
    ['zero bytes', () => upload(bankA, 'business-licence', Buffer.alloc(0), 'empty.pdf'), 400, 'material.empty'],
    [
      'an executable renamed .pdf',
      () => upload(bankA, 'business-licence', exe(), 'licence.pdf'),
      415,
      'material.executable',
    ],
    [
      'a PDF without %%EOF (truncated)',
      () => upload(bankA, 'business-licence', pdf().subarray(0, 40), 'licence.pdf'),
      422,
      'material.corrupt_pdf',
    ],
    [
      'a .pdf without the %PDF header',
      () => upload(bankA, 'business-licence', Buffer.from('1 0 obj << >> endobj %%EOF'), 'licence.pdf'),
      422,
      'material.corrupt_pdf',
    ],
    ['no file', () => upload(bankA, 'business-licence', undefined, ''), 400, 'material.file_required'],
    ['no item', () => upload(bankA, undefined, pdf(), 'a.pdf'), 400, 'material.item_required'],
    ['an item not on the checklist', () => upload(bankA, 'tax-returns', pdf(), 'a.pdf'), 400, 'material.unknown_item'],
  ];
  for (const [what, act, status, code] of cases)
    it(what, async () => {
      const before = await fileCount();
      const body = await refused(await act(), status, code);
      expect(body.errors[0].en.length).toBeGreaterThan(3);
      expect(await fileCount()).toBe(before);
      const item = (await dossier()).items.find((i: any) => i.id === 'business-licence');
      expect(item.state).toBe('missing');
    });

  it('a JSON body is not an upload', async () => {
    await refused(
      await send(bankA, 'POST', `/api/claims/${claimId}/materials`, { itemId: 'loan-contract' }),
      415,
      'material.not_multipart',
    );
  });
});

describe('scope and roles', () => {
  it('another bank gets 404 for the dossier, an upload and a download', async () => {
    const f = (await dossier()).items.find((i: any) => i.id === 'loan-contract').files[0];
    const before = await fileCount();
    await refused(await send(bankB, 'GET', `/api/claims/${claimId}/materials`), 404, 'claim.not_found');
    await refused(await upload(bankB, 'business-licence', pdf(), 'a.pdf'), 404, 'claim.not_found');
    await refused(await send(bankB, 'GET', `/api/claims/${claimId}/materials/${f.id}`), 404, 'claim.not_found');
    expect(await fileCount()).toBe(before);
  });

  it('a manager does not upload; a bank does not tick; an unknown file is 404', async () => {
    await refused(await upload(manager, 'business-licence', pdf(), 'a.pdf'), 403, 'auth.forbidden');
    await refused(
      await send(bankA, 'POST', `/api/claims/${claimId}/materials/items/loan-contract/review`, {
        decision: 'accepted',
      }),
      403,
      'auth.forbidden',
    );
    await refused(await send(bankA, 'GET', `/api/claims/${claimId}/materials/no-such-file`), 404, 'material.not_found');
  });
});

describe('review and approval (R20)', () => {
  it('approval is refused while required items are missing or not accepted, naming each', async () => {
    await ok(await send(manager, 'POST', `/api/claims/${claimId}/prepare`));
    const body = await refused(
      await send(manager2, 'POST', `/api/claims/${claimId}/approve`),
      422,
      'claim.materials_incomplete',
    );
    expect(body.errors.map((e: any) => e.field)).toEqual(REQUIRED.map((id) => `materials.${id}`));
    expect(body.errors.find((e: any) => e.field === 'materials.business-licence').zh).toBe('企业营业执照：未上传');
    expect(body.errors.find((e: any) => e.field === 'materials.loan-contract').en).toMatch(
      /uploaded, not yet reviewed/,
    );
    expect(body.detailZh).toContain('企业营业执照');
    const claim = await ok(await send(manager, 'GET', `/api/claims/${claimId}`));
    expect(claim.state).toBe('under-review');
  });

  it('a tick: accepted needs a file, rejected needs a note', async () => {
    await refused(
      await send(manager, 'POST', `/api/claims/${claimId}/materials/items/business-licence/review`, {
        decision: 'accepted',
      }),
      409,
      'material.no_file',
    );
    await refused(
      await send(manager, 'POST', `/api/claims/${claimId}/materials/items/loan-contract/review`, {
        decision: 'rejected',
      }),
      400,
      'material.note_required',
    );
    await refused(
      await send(manager, 'POST', `/api/claims/${claimId}/materials/items/tax-returns/review`, {
        decision: 'accepted',
      }),
      400,
      'material.unknown_item',
    );
    const d = await ok(
      await send(manager, 'POST', `/api/claims/${claimId}/materials/items/loan-contract/review`, {
        decision: 'rejected',
        note: '缺少银行公章',
      }),
    );
    expect(d.items.find((i: any) => i.id === 'loan-contract')).toMatchObject({
      state: 'rejected',
      review: { decision: 'rejected', note: '缺少银行公章', reviewedBy: 'manager' },
    });
  });

  it('with every required item uploaded and all but one accepted, approval names the rejected one', async () => {
    await ok(await upload(bankA, 'business-licence', png(), '营业执照.png'), 201);
    await ok(await upload(bankA, 'classification-record', pdf('不良认定'), '五级分类.pdf'), 201);
    for (const id of REQUIRED.filter((i) => i !== 'loan-contract'))
      await ok(
        await send(manager, 'POST', `/api/claims/${claimId}/materials/items/${id}/review`, { decision: 'accepted' }),
      );
    const body = await refused(
      await send(manager2, 'POST', `/api/claims/${claimId}/approve`),
      422,
      'claim.materials_incomplete',
    );
    expect(body.errors.map((e: any) => e.field)).toEqual(['materials.loan-contract']);
    expect(body.errors[0].zh).toBe('借款合同：已退回');
  });

  it('a new file takes back the tick; accepted, the claim is approved', async () => {
    const d = await ok(await upload(bankA, 'loan-contract', pdf('借款合同（盖章）'), '借款合同.pdf'), 201);
    const item = d.items.find((i: any) => i.id === 'loan-contract');
    expect(item).toMatchObject({ state: 'uploaded', review: null });
    expect(item.files).toHaveLength(2);
    await ok(
      await send(manager, 'POST', `/api/claims/${claimId}/materials/items/loan-contract/review`, {
        decision: 'accepted',
      }),
    );
    const after = await dossier();
    expect(after).toMatchObject({ complete: true, missing: [] });
    const approved = await ok(await send(manager2, 'POST', `/api/claims/${claimId}/approve`));
    expect(approved.state).toBe('approved');
  });

  it('after the decision nothing more is uploaded or ticked', async () => {
    const before = await fileCount();
    await refused(await upload(bankA, 'court-acceptance', pdf(), '受理通知书.pdf'), 409, 'material.claim_closed');
    await refused(
      await send(manager, 'POST', `/api/claims/${claimId}/materials/items/court-acceptance/review`, {
        decision: 'rejected',
        note: 'x',
      }),
      409,
      'material.claim_closed',
    );
    expect(await fileCount()).toBe(before);
    expect(await dossier()).toMatchObject({ open: false, decided: true, waived: false, claimState: 'approved' });
  });
});

describe('the audit log', () => {
  it('has every view, upload, tick and download, with who and which file', async () => {
    const f = (await dossier(bankA)).items.find((i: any) => i.id === 'application-form').files[0];
    await ok(await send(auditor, 'GET', `/api/claims/${claimId}/materials`));
    const res = await send(auditor, 'GET', `/api/claims/${claimId}/materials/${f.id}`);
    expect(res.status).toBe(200);
    const log = await ok(await send(auditor, 'GET', `/api/audit?entityKind=claim&entityId=${claimId}&limit=500`));
    const actions = log.items.map((e: any) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(['material.view', 'material.upload', 'material.review', 'material.download']),
    );
    expect(log.items.find((e: any) => e.action === 'material.view' && e.actor === 'auditor')).toBeTruthy();
    expect(log.items.find((e: any) => e.action === 'material.download' && e.actor === 'auditor').after).toMatchObject({
      fileId: f.id,
      sha256: f.sha256,
      itemId: 'application-form',
    });
    expect(log.items.filter((e: any) => e.action === 'material.upload')).toHaveLength(8);
    // A refused request is no view: bank-b saw nothing.
    expect(log.items.every((e: any) => e.actor !== 'bank-b-officer')).toBe(true);
  });
});

describe('on a server that waives the dossier (BACKSTOP_CLAIM_DOSSIER=waived)', () => {
  it('the dossier says so after a view, an upload and a tick; decided once approved', async () => {
    let d2 = '2025-09-03';
    const w = await startTestApp({ today: () => d2, claimDossier: 'waived' });
    try {
      const cast = await signInCast(w);
      await openEtownForBankA(cast.manager, creditCode(2));
      const { id } = await claimABadLoan({
        bankA: cast.bankA,
        creditCode: creditCode(2),
        bankRef: 'A-WAIVED-1',
        principal: '300000.00',
        setToday: (d) => (d2 = d),
      });
      const path = `/api/claims/${id}/materials`;
      expect(await ok(await send(cast.manager, 'GET', path))).toMatchObject({
        waived: true,
        decided: false,
        complete: false,
      });
      const form = new FormData();
      form.set('itemId', 'loan-contract');
      form.set('file', new Blob([new Uint8Array(pdf())]), 'a.pdf');
      expect(await ok(await cast.bankA(path, { method: 'POST', body: form }), 201)).toMatchObject({ waived: true });
      expect(
        await ok(await send(cast.manager, 'POST', `${path}/items/loan-contract/review`, { decision: 'accepted' })),
      ).toMatchObject({ waived: true });
      await ok(await send(cast.manager, 'POST', `/api/claims/${id}/prepare`));
      await ok(await send(cast.manager2, 'POST', `/api/claims/${id}/approve`));
      expect(await ok(await send(cast.manager, 'GET', path))).toMatchObject({
        waived: true,
        decided: true,
        claimState: 'approved',
      });
    } finally {
      await w.close();
    }
  }, 240_000);
});
