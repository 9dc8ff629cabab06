/** The refusals of funds, their top-ups and the cooperation agreements (`fund.*`, `agreement.*`, docs/API.md "Error codes"). */
import { formatYuan, type Fen } from '../../core/money/money';
import type { Bilingual } from '../../core/text';
import { notFound, Problem } from '../shared/problem';

/** A record by its id and its name in both languages (audit.names `entityNames`). */
type Named = Bilingual & { id: string };

export const fundErrors = {
  /** The id is another fund's: that fund by its name, the id in parentheses. */
  idTaken: (id: string, name: string) =>
    new Problem(
      409,
      'Conflict',
      { en: `Fund “${name}” (${id}) exists already.`, zh: `补偿资金“${name}”（${id}）已存在。` },
      [{ field: 'id', code: 'fund.id_taken', en: 'is taken', zh: '已被占用' }],
    ),

  programmeListedTwice: (i: number, programme: string) =>
    Problem.invalid([
      {
        field: `programmes[${i}]`,
        code: 'fund.programme_listed_twice',
        en: `lists ${programme} a second time`,
        zh: `重复列出 ${programme}`,
      },
    ]),

  programmeUnknown: (field: string, programme: string) =>
    Problem.invalid([
      {
        field,
        code: 'fund.programme_unknown',
        en: `is not a programme: ${programme}`,
        zh: `不是已有的政策项目：${programme}`,
      },
    ]),

  notFound: (id: string, field = 'id') =>
    notFound({ code: 'fund.not_found', what: { en: `Fund ${id}`, zh: `补偿资金 ${id}` }, field }),

  topUpBeforeStart: (start: string) =>
    Problem.invalid([
      {
        field: 'on',
        code: 'fund.top_up_before_start',
        en: `must not be before the fund’s start (${start})`,
        zh: `不能早于补偿资金的起始日（${start}）`,
      },
    ]),

  /** A top-up of nothing. */
  amountNotPositive: () =>
    Problem.invalid([
      { field: 'amount', code: 'fund.amount_not_positive', en: 'must be more than 0', zh: '必须大于 0' },
    ]),
};

export const agreementErrors = {
  institutionUnknown: (id: string) =>
    Problem.invalid([
      {
        field: 'institutionId',
        code: 'agreement.institution_unknown',
        en: `is not a registered institution: ${id}`,
        zh: `不是已登记的机构：${id}`,
      },
    ]),

  quotaOnlyForBank: () =>
    Problem.invalid([
      {
        field: 'quota',
        code: 'agreement.quota_only_for_bank',
        en: 'only a bank’s agreement has a quota',
        zh: '只有银行的合作协议可设额度',
      },
    ]),

  /** The fund and the programme by their names, each id in parentheses for the operator. */
  programmeNotRun: (fund: Named, programme: Named) =>
    Problem.invalid([
      {
        field: 'programmeId',
        code: 'agreement.programme_not_run',
        en: `fund “${fund.en}” (${fund.id}) does not run programme “${programme.en}” (${programme.id})`,
        zh: `补偿资金“${fund.zh}”（${fund.id}）不执行政策项目“${programme.zh}”（${programme.id}）`,
      },
    ]),

  exists: () =>
    new Problem(
      409,
      'Conflict',
      {
        en: 'This institution has an agreement for this programme and fund already.',
        zh: '该机构已就此政策项目和补偿资金签有合作协议。',
      },
      [{ field: 'institutionId', code: 'agreement.exists', en: 'has an agreement already', zh: '已有合作协议' }],
    ),

  quotaExceedsCapacity: () =>
    new Problem(
      422,
      'Quota refused',
      {
        en: 'The fund’s capacity cannot hold this quota (R7b, R7c).',
        zh: '补偿资金的可用额度容纳不下该额度（R7b、R7c）。',
      },
      [
        {
          field: 'quota',
          code: 'agreement.quota_exceeds_capacity',
          en: 'exceeds the fund’s free capacity',
          zh: '超过补偿资金的可用额度',
        },
      ],
    ),

  noQuota: () =>
    Problem.invalid([
      {
        field: 'quota',
        code: 'agreement.no_quota',
        en: 'this agreement has no quota; its filings use the fund’s capacity',
        zh: '该合作协议未设额度，其备案占用补偿资金的总额度',
      },
    ]),

  quotaNotRaised: (current: Fen) =>
    Problem.invalid([
      {
        field: 'quota',
        code: 'agreement.quota_not_raised',
        en: `must be more than the current ${formatYuan(current)}`,
        zh: `须大于当前的 ${formatYuan(current)} 元`,
      },
    ]),

  notFound: (id: string) =>
    notFound({ code: 'agreement.not_found', what: { en: `Agreement ${id}`, zh: `合作协议 ${id}` } }),
};
