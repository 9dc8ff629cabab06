/** The refusals of recoveries (`recovery.*`, docs/API.md "Error codes"); R8's limit is core/loans' `recovery.exceeds_compensated_principal`. */
import { claimStateZh } from '../claims/claims.errors';
import { Problem } from '../shared/problem';

export const recoveryErrors = {
  amountNotPositive: () =>
    Problem.invalid([
      { field: 'amount', code: 'recovery.amount_not_positive', en: 'must be more than 0', zh: '必须大于 0' },
    ]),

  claimNotPaid: (state: string) =>
    new Problem(
      409,
      'Not compensated yet',
      { en: 'Recoveries are reported after the claim is paid (R8).', zh: '代偿支付后才能报送追偿（R8）。' },
      [
        {
          field: 'claimId',
          code: 'recovery.claim_not_paid',
          en: `the claim is ${state}`,
          zh: `代偿申请状态为${claimStateZh(state)}`,
        },
      ],
    ),

  beforeClaim: () =>
    Problem.invalid([
      {
        field: 'on',
        code: 'recovery.before_claim',
        en: 'must not be before the claim was submitted',
        zh: '不能早于补偿申请提交日',
      },
    ]),

  inFuture: (today: string) =>
    Problem.invalid([
      {
        field: 'on',
        code: 'recovery.in_future',
        en: `must not be after today (${today})`,
        zh: `不能晚于今天（${today}）`,
      },
    ]),
};
