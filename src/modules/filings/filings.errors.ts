/**
 * The refusals of filings (`filing.*`, docs/API.md "Error codes"): a loan refused by a rule, with
 * every failing reason (`filing.refused_by_rule` on the field `rule:<id>`), the limits the ledger
 * enforces, and each mistake of filing, amending, withdrawing and confirming a loan. A refusal of
 * the loan's life (core/loans/loan-life.ts, `loan.*` …) becomes its problem here (`loanProblem`).
 */
import type { LoanRefusal } from '../../core/loans/loan-life';
import type { RenderedReason } from '../../core/policy';
import type { Bilingual } from '../../core/text';
import { claimStateZh } from '../claims/claims.errors';
import { notFound, Problem, type FieldError } from '../shared/problem';
import { LedgerRefusal } from '../ledger/ledger.usecases';

const CANNOT_BE_FILED: Bilingual = {
  en: 'The loan cannot be filed; see the reasons.',
  zh: '该贷款不能备案，原因如下。',
};

/** A failing reason as the field error that carries it. */
export const ruleError = (r: RenderedReason): FieldError => ({
  field: `rule:${r.rule}`,
  code: 'filing.refused_by_rule',
  zh: r.zh,
  en: r.en,
});

/** A filing refused by a rule: every failing reason, in Chinese and English, with its POLICY ids. */
export class FilingRefused extends Problem {
  constructor(
    readonly reasons: RenderedReason[],
    detail: Bilingual = CANNOT_BE_FILED,
  ) {
    super(422, 'Filing refused', detail, reasons.filter((r) => !r.ok).map(ruleError));
  }
}

/** A filing's status in words (loan statuses and the filing's own). */
const STATUS_ZH: Record<string, string> = {
  active: '正常',
  repaid: '已结清',
  withdrawn: '已撤销',
  'non-performing': '不良',
  compensated: '已代偿',
  recovered: '已追偿完毕',
};
const statusZh = (s: string) => `“${STATUS_ZH[s] ?? s}”`;
const statusIs = (code: string, status: string): FieldError => ({
  field: 'status',
  code,
  en: `is ${status}`,
  zh: `当前状态为${STATUS_ZH[status] ? statusZh(status) : claimStateZh(status)}`,
});

export const filingErrors = {
  notFound: (id: string, field = 'id') =>
    notFound({ code: 'filing.not_found', what: { en: `Filing ${id}`, zh: `备案 ${id}` }, field }),

  /** A bulk-filed loan whose chunk's audit row is gone or does not name it: the log was tampered with (`backstop verify` reports it). */
  chunkRowMissing: (id: string, chunk: string) =>
    new Problem(
      500,
      'Audit row missing',
      {
        en: `The audit row of filing ${id}'s chunk (${chunk}) is missing or does not name it; no proof can be given. Run \`backstop verify\` and restore the audit log.`,
        zh: `备案 ${id} 所在批次（${chunk}）的审计记录缺失或未列入该备案，无法给出证明。请运行 backstop verify 并恢复审计日志。`,
      },
      [{ field: 'id', code: 'audit.chunk_row_missing', en: 'has no audit row naming it', zh: '没有列入它的审计记录' }],
    ),

  bankFilesForItself: () =>
    Problem.invalid([
      {
        field: 'bankId',
        code: 'filing.bank_files_for_itself',
        en: 'a bank files for itself only',
        zh: '银行只能为本行备案',
      },
    ]),

  bankRequired: () =>
    Problem.invalid([
      {
        field: 'bankId',
        code: 'filing.bank_required',
        en: 'is required when a manager files for a bank',
        zh: '管理人代银行备案时必填',
      },
    ]),

  bankUnknown: (bankId: string) =>
    Problem.invalid([
      {
        field: 'bankId',
        code: 'filing.bank_unknown',
        en: `is not a registered bank: ${bankId}`,
        zh: `不是已登记的银行：${bankId}`,
      },
    ]),

  /** The bank filed this loan number already. */
  filedAlready: (bankRef: string) =>
    new Problem(
      409,
      'Filed already',
      { en: `Loan ${bankRef} of this bank is filed already.`, zh: `本行贷款 ${bankRef} 已备案。` },
      [filingErrors.filedAlreadyField('bankRef')],
    ),
  filedAlreadyField: (field: string): FieldError => ({
    field,
    code: 'filing.filed_already',
    en: 'is filed already',
    zh: '该银行已备案此贷款（重复）',
  }),

  enterpriseNotRegisteredField: (field: string): FieldError => ({
    field,
    code: 'filing.enterprise_not_registered',
    en: 'no registered enterprise has it; register the enterprise first',
    zh: '没有该统一社会信用代码的已登记企业，请先登记企业',
  }),
  enterpriseNotRegistered: (field: 'enterpriseId' | 'creditCode') =>
    Problem.invalid([filingErrors.enterpriseNotRegisteredField(field)]),

  creditCodeMismatch: () =>
    Problem.invalid([
      {
        field: 'creditCode',
        code: 'filing.credit_code_mismatch',
        en: 'is not the credit code of the enterprise enterpriseId names',
        zh: '与 enterpriseId 所指企业的统一社会信用代码不符',
      },
    ]),

  /** Disbursed more than a year after the filing date: a typing mistake (G6). */
  disbursedTooLate: (field: string, filedOn: string): FieldError => ({
    field,
    code: 'filing.disbursed_too_late',
    en: `must not be more than a year after the filing date (${filedOn})`,
    zh: `不能晚于备案日（${filedOn}）一年以上`,
  }),

  guarantorUnknown: (guarantor: string) =>
    Problem.invalid([
      {
        field: 'loan.parties',
        code: 'filing.guarantor_unknown',
        en: `${guarantor} is not a registered guarantor`,
        zh: `${guarantor} 不是已登记的担保机构`,
      },
    ]),

  /** G1: the bank (by name) has no cooperation agreement in force (a reason, refused with FilingRefused); the programme by its title. */
  noAgreement: (bank: Bilingual, today: string, programme?: Bilingual): RenderedReason => ({
    rule: 'cooperation-agreement',
    fact: 'G1',
    cites: ['G1'],
    ok: false,
    zh: `${bank.zh}没有在 ${today} 有效的${programme ? `“${programme.zh}”` : ''}合作协议`,
    en: `${bank.en} has no cooperation agreement${programme ? ` for “${programme.en}”` : ''} in force on ${today}`,
  }),

  notAmendable: (status: string) =>
    new Problem(
      409,
      'Not amendable',
      { en: `A ${status} filing cannot be amended.`, zh: `${statusZh(status)}的贷款不能修改。` },
      [statusIs('filing.not_amendable', status)],
    ),

  principalHasRepayments: () =>
    new Problem(
      409,
      'Not amendable',
      {
        en: 'The principal of a loan with repayments cannot be amended; report its balance instead.',
        zh: '已有还款的贷款不能修改本金；请报送余额。',
      },
      [
        {
          field: 'principal',
          code: 'filing.principal_has_repayments',
          en: 'the loan has repayments',
          zh: '该贷款已有还款记录',
        },
      ],
    ),

  principalNotPositive: () =>
    Problem.invalid([
      { field: 'principal', code: 'filing.principal_not_positive', en: 'must be more than 0', zh: '必须大于 0' },
    ]),

  /** An amendment whose maturity would not be after its disbursement; the field the patch changed is named. */
  maturityNotAfterDisbursement: (changed: 'maturesOn' | 'disbursedOn', other: string) =>
    Problem.invalid([
      changed === 'maturesOn'
        ? {
            field: 'maturesOn',
            code: 'filing.maturity_not_after_disbursement',
            en: `must be after disbursedOn (${other})`,
            zh: `须晚于放款日期（${other}）`,
          }
        : {
            field: 'disbursedOn',
            code: 'filing.maturity_not_after_disbursement',
            en: `must be before maturesOn (${other})`,
            zh: `须早于到期日（${other}）`,
          },
    ]),

  notWithdrawable: (status: string) =>
    new Problem(
      409,
      'Not withdrawable',
      { en: `A ${status} filing cannot be withdrawn.`, zh: `${statusZh(status)}的贷款不能撤销。` },
      [statusIs('filing.not_withdrawable', status)],
    ),

  notConfirmable: (status: string) =>
    new Problem(
      409,
      'Not confirmable',
      { en: `A ${status} filing cannot be confirmed.`, zh: `${statusZh(status)}的贷款不能确认。` },
      [statusIs('filing.not_confirmable', status)],
    ),

  crossesLimit: (reasons: RenderedReason[]) =>
    new FilingRefused(reasons, { en: 'The change would cross a limit.', zh: '此变更将突破限额。' }),

  amendedNotEligible: (reasons: RenderedReason[]) =>
    new FilingRefused(reasons, { en: 'The amended loan would not be eligible.', zh: '修改后的贷款将不符合条件。' }),
};

/** The rule a limit account enforces, by the account's kind (its ledger code). */
const LIMIT_REASONS: Record<string, Bilingual & { rule: string; cites: string[] }> = {
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
  return { rule: hit.rule, fact: hit.cites[0]!, cites: hit.cites, ok: false, zh: hit.zh, en: hit.en };
}

const TITLES: Record<LoanRefusal['status'], string> = {
  400: 'Invalid request',
  403: 'Maker–checker',
  409: 'Not allowed in this state',
  422: 'Refused by a rule',
};

/** A refusal of the loan's life (core/loans) as the problem a client gets: its code, field and both languages. */
export function loanProblem(r: LoanRefusal): Problem {
  const cites = r.cites.length ? ` (${r.cites.join(', ')})` : '';
  const citesZh = r.cites.length ? `（${r.cites.join('、')}）` : '';
  return new Problem(r.status, TITLES[r.status], r.detail ?? { en: `${r.en}${cites}`, zh: `${r.zh}${citesZh}` }, [
    { field: r.field, code: r.code, zh: r.zh, en: r.en },
  ]);
}
