/**
 * The refusals of programmes and their policies (`policy.*`, `programme.*`, docs/API.md "Error
 * codes"): no policy in force for a date or programme, a year the holiday calendar lacks (G6), a
 * programme that does not exist. Filing, amending and evaluating a loan share them.
 */
import type { CalendarRangeError } from '../../core/calendar';
import type { NoPolicyInForceError } from '../../core/policy';
import { notFound, type FieldError } from '../shared/problem';
import { withZh } from '../shared/request.errors';

export const programmeErrors = {
  /** No policy in force on the date (or no such programme): a field error on `field`. */
  noPolicyInForce: (field: string, e: NoPolicyInForceError): FieldError => ({
    field,
    code: 'policy.none_in_force',
    ...withZh(e.message),
  }),

  /** G6's deadline cannot be counted: the holiday calendar lacks the year. */
  calendarYearMissing: (field: string, e: CalendarRangeError): FieldError => ({
    field,
    code: 'policy.calendar_year_missing',
    ...withZh(e.message),
  }),

  notFound: (id: string) =>
    notFound({ code: 'programme.not_found', what: { en: `Programme ${id}`, zh: `政策项目 ${id}` } }),
};
