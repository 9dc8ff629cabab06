/**
 * 备案确认书 — the filing confirmation: the fund confirms to the bank that a loan is filed under a
 * programme's policy version (R3) with its terms fixed, the liability reserved for it (R7b), and the
 * reason for each rule of the decision.
 */
import { renderPdf } from './documents.layout';
import { institutionName, loanFields, type LoanContext } from './documents.loan';
import { amount, loanStatus, ruleResult, zh } from './documents.words';

export const FILING_CONFIRMATION = '备案确认书';

export function filingConfirmationPdf(ctx: LoanContext, filedBy: string, generatedAt: Date): Promise<Buffer> {
  const f = ctx.filing;
  return renderPdf(
    {
      fund: ctx.fund,
      title: `贷款${FILING_CONFIRMATION}`,
      number: `备案编号：${f.id}`,
      generatedAt,
      subject: `${ctx.bank.name} ${f.bankRef} ${ctx.enterprise.name}`,
    },
    (s) => {
      s.paragraph(`${ctx.bank.name}：`);
      s.paragraph(
        `贵行报送的下列贷款已于 ${f.filedOn} 在${ctx.fund}备案，适用《${ctx.programme.title}》（版本 ${f.policyVersion}）。贷款的补偿条件按备案时的政策版本确定，此后政策调整不影响本笔贷款（R3）。`,
        { indent: true },
      );
      if (f.status === 'withdrawn')
        s.paragraph('注意：本笔备案已撤销，不再占用补偿责任；本确认书仅供存档。', { color: '#b00020' });
      s.section('贷款要素');
      s.fields(loanFields(ctx));
      s.section('补偿责任');
      s.fields([
        { label: '本金余额', value: amount(f.outstanding), wide: true },
        { label: '预留补偿责任', value: amount(f.reserved), wide: true },
        { label: '贷款状态', value: loanStatus(f.status) },
        { label: '五级分类', value: zh(f.classification) },
      ]);
      s.paragraph(
        `补偿资金为本笔贷款预留的补偿责任为补偿比例乘以贷款本金余额，随还款减少（R7b）；上表为生成本确认书时的数额。`,
        { size: 8, color: '#444444' },
      );
      s.section('审查结论');
      s.paragraph(`经逐条审查，本笔贷款符合政策规定的备案条件，准予备案。各条规则的审查结果如下：`, { indent: true });
      s.table(
        [
          { title: '序号', width: 6, align: 'center' },
          { title: '规则编号', width: 22 },
          { title: '依据', width: 10, align: 'center' },
          { title: '结果', width: 10, align: 'center' },
          { title: '说明', width: 52 },
        ],
        f.reasons.map((r, i) => [String(i + 1), r.rule, r.cites.join('、'), ruleResult(r), r.zh]),
      );
      s.signatures([
        { label: `合作银行：${ctx.bank.name}`, lines: ['经办人：', '日期：'] },
        {
          label: `备案机构：${ctx.fund}`,
          lines: [
            `备案人：${filedBy}${f.guarantorId ? `\u3000担保机构：${institutionName(ctx, f.guarantorId)}` : ''}`,
            `日期：${f.filedOn}`,
          ],
        },
      ]);
    },
  );
}
