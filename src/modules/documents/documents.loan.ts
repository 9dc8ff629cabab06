/** What every document prints about the loan: gathered once by the use cases (documents.usecases.ts). */
import type { getFiling } from '../filings/filings.usecases';
import type { Field } from './documents.layout';
import { amount, day, percent, zh } from './documents.words';

export type FilingDetail = Awaited<ReturnType<typeof getFiling>>;

export interface LoanContext {
  /** The fund's name: the zone's heading. */
  fund: string;
  programme: { id: string; title: string };
  bank: { id: string; name: string };
  guarantor: { id: string; name: string } | null;
  enterprise: { name: string; creditCode: string };
  filing: FilingDetail;
  /** Names of the institutions the loan names (its bank, its guarantor, the parties). */
  institutions: ReadonlyMap<string, string>;
}

export const institutionName = (ctx: LoanContext, id: string | null) => (id ? (ctx.institutions.get(id) ?? id) : '—');

/** The loan's terms as a grid (the filing confirmation and the claim forms print the same). */
export function loanFields(ctx: LoanContext, { withPolicy = true } = {}): Field[] {
  const f = ctx.filing;
  return [
    { label: '合作银行', value: `${ctx.bank.name}（${ctx.bank.id}）`, wide: true },
    { label: '借款企业', value: ctx.enterprise.name, wide: true },
    { label: '统一社会信用代码', value: ctx.enterprise.creditCode },
    { label: '银行合同编号', value: f.bankRef },
    { label: '贷款种类', value: zh(f.kind) },
    { label: '补偿模式', value: zh(f.mode) },
    { label: '贷款本金', value: amount(f.principal), wide: true },
    { label: '放款日期', value: day(f.disbursedOn) },
    { label: '到期日期', value: day(f.maturesOn) },
    { label: '备案日期', value: day(f.filedOn) },
    { label: '补偿比例', value: percent(f.ratio) },
    ...(f.mode === 'risk-sharing'
      ? [
          {
            label: '分险安排',
            value: f.parties
              .map(
                (p) =>
                  `${zh(p.party)}${p.institutionId ? `（${institutionName(ctx, p.institutionId)}）` : ''} ${percent(p.share)}`,
              )
              .join('；'),
            wide: true,
          },
          {
            label: '担保机构确认',
            value: f.guarantorConfirmation
              ? `${institutionName(ctx, f.guarantorId)} 于 ${f.guarantorConfirmation.on} 确认`
              : `${institutionName(ctx, f.guarantorId)} 尚未确认`,
            wide: true,
          },
        ]
      : []),
    ...(withPolicy
      ? [
          { label: '适用政策', value: ctx.programme.title, wide: true },
          { label: '政策编号', value: ctx.programme.id },
          { label: '政策版本', value: f.policyVersion },
        ]
      : []),
    { label: '备案编号', value: f.id, wide: true },
  ];
}
