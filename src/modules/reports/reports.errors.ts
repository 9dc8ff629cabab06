/** The refusals of reports (`report.*`, docs/API.md "Error codes"). */
import { notFound } from '../shared/problem';

export const reportErrors = {
  /** `?fundId=` names a fund that does not exist. */
  fundNotFound: (fundId: string) =>
    notFound({
      code: 'report.fund_not_found',
      what: { en: `Fund ${fundId}`, zh: `补偿资金 ${fundId}` },
      field: 'fundId',
    }),
};
