/**
 * 拨付通知 — the payment notice: the fund tells the bank that compensation for a loan was paid, how
 * much (in figures and in uppercase), on what figures, and who approved and paid it; the bank keeps
 * recovering and shares back the fund's part of what it recovers (R8). Only for a paid claim.
 */
import { beijingDate, renderPdf } from './documents.layout';
import { type LoanContext } from './documents.loan';
import { person, type ClaimDetail, type People } from './approval-form.document';
import { amount, percent, yuan, yuanUpper, zh } from './documents.words';
import { formatPercent } from '../../core/money/money';

export const PAYMENT_NOTICE = '拨付通知';

export function paymentNoticePdf(
  ctx: LoanContext,
  claim: ClaimDetail,
  people: People,
  generatedAt: Date,
): Promise<Buffer> {
  const f = ctx.filing;
  const paidOn = claim.paidAt ? beijingDate(claim.paidAt) : '—';
  return renderPdf(
    {
      fund: ctx.fund,
      title: `风险补偿资金${PAYMENT_NOTICE}`,
      number: `申请编号：${claim.id}`,
      generatedAt,
      subject: `${ctx.bank.name} ${f.bankRef} ${ctx.enterprise.name}`,
    },
    (s) => {
      s.paragraph(`${ctx.bank.name}：`);
      s.paragraph(
        `贵行于 ${claim.submittedOn} 报送的${ctx.enterprise.name}（统一社会信用代码 ${ctx.enterprise.creditCode}）贷款（银行合同编号 ${f.bankRef}）风险补偿申请，经审核批准，已于 ${paidOn} 拨付补偿资金${yuanUpper(claim.compensation)}（¥${yuan(claim.compensation).replace(' 元', '')}）。请查收。`,
        { indent: true },
      );
      s.section('拨付明细');
      s.fields([
        { label: '收款银行', value: `${ctx.bank.name}（${ctx.bank.id}）`, wide: true },
        { label: '借款企业', value: ctx.enterprise.name, wide: true },
        { label: '贷款种类', value: zh(f.kind) },
        { label: '补偿模式', value: zh(f.mode) },
        { label: '贷款本金', value: amount(f.principal), wide: true },
        { label: '不良本金余额', value: amount(claim.outstanding), wide: true },
        { label: '补偿比例', value: percent(f.ratio) },
        { label: '适用政策版本', value: `${ctx.programme.id} ${f.policyVersion}` },
        { label: '拨付金额', value: amount(claim.compensation), wide: true },
        { label: '审批人', value: person(people, claim.decidedBy) },
        { label: '审批日期', value: claim.decidedAt ? beijingDate(claim.decidedAt) : '—' },
        { label: '拨付经办人', value: person(people, claim.paidBy) },
        { label: '拨付日期', value: paidOn },
        { label: '备案编号', value: f.id, wide: true },
      ]);
      if (claim.parties.length > 0)
        s.paragraph(
          `分险安排：${claim.parties.map((p) => `${zh(p.party)} ${formatPercent(p.shareBp)} ${yuan(p.amount)}`).join('；')}。本次拨付为补偿资金承担部分。`,
          { size: 9 },
        );
      s.section('后续事项');
      s.paragraph(
        '一、补偿后贵行应继续履行追偿责任，定期报送追偿进展；追回的款项按补偿资金承担的比例返还补偿资金（R8）。',
        { indent: true },
      );
      s.paragraph('二、本笔贷款补偿后收回的款项均按追偿回收处理，不再作为还款冲减补偿金额（R14）。', { indent: true });
      s.signatures([
        { label: '', lines: [] },
        { label: ctx.fund, lines: ['（盖章）', `${paidOn}`] },
      ]);
    },
  );
}
