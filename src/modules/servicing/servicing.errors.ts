/**
 * The refusals of servicing — balance reports, repayments, classifications (`servicing.*`, docs/API.md
 * "Error codes"). What the loan's life refuses is core/loans' `loan.*`, made a problem by filings.errors' loanProblem.
 */
import { Problem } from '../shared/problem';

export const servicingErrors = {
  amountNotPositive: () =>
    Problem.invalid([
      { field: 'amount', code: 'servicing.amount_not_positive', en: 'must be more than 0', zh: '必须大于 0' },
    ]),
};
