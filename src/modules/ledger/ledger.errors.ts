/** The refusals of the ledger's read routes (`ledger.*`, docs/API.md "Error codes"). */
import { notFound, Problem } from '../shared/problem';

export const ledgerErrors = {
  accountNotFound: (id: string) =>
    notFound({ code: 'ledger.account_not_found', what: { en: `Ledger account ${id}`, zh: `账户 ${id}` } }),

  noHistory: () =>
    Problem.invalid([
      {
        field: 'id',
        code: 'ledger.no_history',
        en: 'this account keeps no balance history (no history flag); its transfers are at /api/ledger/transfers',
        zh: '该账户不保留余额历史（未设历史标志）；其转账见 /api/ledger/transfers',
      },
    ]),
};
