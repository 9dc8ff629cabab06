import type { LoanRefusal } from '../../core/loans/loan-life';
import type { RenderedReason } from '../../core/policy';
import { Problem } from '../shared/problem';
import { LedgerRefusal } from '../ledger/ledger.usecases';

/** A filing refused by a rule: every failing reason, in Chinese and English, with its POLICY ids. */
export class FilingRefused extends Problem {
  constructor(
    readonly reasons: RenderedReason[],
    detail = 'The loan cannot be filed; see the reasons.',
  ) {
    super(
      422,
      'Filing refused',
      detail,
      reasons
        .filter((r) => !r.ok)
        .map((r) => ({ field: `rule:${r.rule}`, message: r.messageEn, messageZh: r.message })),
    );
  }
}

/** The rule a limit account enforces, by the account's kind (its ledger code). */
const LIMIT_REASONS: Record<string, { rule: string; cites: string[]; zh: string; en: string }> = {
  quota: {
    rule: 'bank-quota',
    cites: ['R7'],
    zh: '合作银行的风险补偿额度不足（R7c）',
    en: 'The bank’s quota would be exceeded (R7c)',
  },
  'enterprise-cap': {
    rule: 'per-enterprise-cap',
    cites: ['G5'],
    zh: '该银行对单个企业的贷款金额将超过上限（G5）',
    en: 'The bank’s loans to this enterprise would exceed the cap (G5)',
  },
  capacity: {
    rule: 'fund-liability-limit',
    cites: ['R7', 'F17'],
    zh: '补偿资金的总负债上限将被突破（R7b）',
    en: 'The fund’s total liability limit would be exceeded (R7b)',
  },
  cash: {
    rule: 'fund-cash',
    cites: ['R7'],
    zh: '补偿资金可用资金不足（R7a）',
    en: 'The fund lacks the cash (R7a)',
  },
};

/** Translates a ledger refusal into the rule it enforces; a refusal of any other account is a fault, rethrown. */
export function limitReason(refusal: LedgerRefusal): RenderedReason {
  const hit = LIMIT_REASONS[refusal.accountKind];
  if (!hit) throw refusal;
  return { rule: hit.rule, fact: hit.cites[0]!, cites: hit.cites, ok: false, message: hit.zh, messageEn: hit.en };
}

const TITLES: Record<LoanRefusal['status'], string> = {
  400: 'Invalid request',
  409: 'Not allowed in this state',
  422: 'Refused by a rule',
};

/** A refusal of the loan's life (core/loans) as the problem a client gets: its code, field and both languages. */
export function loanProblem(r: LoanRefusal): Problem {
  const cites = r.cites.length ? ` (${r.cites.join(', ')})` : '';
  const citesZh = r.cites.length ? `（${r.cites.join('、')}）` : '';
  return new Problem(
    r.status,
    TITLES[r.status],
    r.detail?.en ?? `${r.en}${cites}`,
    [{ field: r.field, code: r.code, message: r.en, messageZh: r.zh }],
    undefined,
    r.detail?.zh ?? `${r.zh}${citesZh}`,
  );
}
