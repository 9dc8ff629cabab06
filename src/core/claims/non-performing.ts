/**
 * Non-performing (R6, G9): classified substandard or worse, or principal or interest overdue more
 * than the programme's number of days (90), whichever comes first.
 */
import { daysBetween, type IsoDate } from '../calendar/dates';

export const LOAN_CLASSES = ['normal', 'special-mention', 'substandard', 'doubtful', 'loss'] as const;
export type LoanClass = (typeof LOAN_CLASSES)[number];

export function nonPerforming({
  classification,
  overdueSince,
  on,
  rule,
}: {
  classification: LoanClass;
  overdueSince: IsoDate | null;
  on: IsoDate;
  rule: { overdueDaysAbove: number; classifications: readonly string[] };
}): { nonPerforming: boolean; because: 'classification' | 'overdue' | null; daysOverdue: number } {
  const daysOverdue = overdueSince ? Math.max(daysBetween(overdueSince, on), 0) : 0;
  if (rule.classifications.includes(classification))
    return { nonPerforming: true, because: 'classification', daysOverdue };
  if (daysOverdue > rule.overdueDaysAbove) return { nonPerforming: true, because: 'overdue', daysOverdue };
  return { nonPerforming: false, because: null, daysOverdue };
}
