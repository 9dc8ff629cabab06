/** The refusals of risk simulations (`simulation.*`, docs/API.md "Error codes"). */
import type { RiskInputError } from '../../core/risk';
import { notFound, Problem, type FieldError } from '../shared/problem';
import { withZh } from '../shared/request.errors';

export const simulationErrors = {
  /** What the simulator refuses about its input (core/risk's RiskInputError), on the field it names. */
  riskInput: (e: RiskInputError): FieldError => ({
    field: e.field,
    code: 'simulation.invalid_input',
    ...withZh(e.message.slice(e.field.length + 2)),
  }),

  inputInvalid: (errors: readonly FieldError[]) => Problem.invalid(errors),

  bookUnavailable: () =>
    new Problem(
      503,
      'Not available',
      { en: 'The live book is not available here.', zh: '此处无法使用实时贷款组合。' },
      [
        {
          field: 'portfolio.source',
          code: 'simulation.book_unavailable',
          en: 'the live book is not available here',
          zh: '此处无法使用实时贷款组合',
        },
      ],
    ),

  notFound: () => notFound({ code: 'simulation.not_found', what: { en: 'The simulation', zh: '模拟任务' } }),
};
