/**
 * A claim that waits past its date (issue 17): a stage of its review past the stage's SLA (R23), or
 * a claim returned to the bank past the bank's deadline to complete it (R21). The claim shows
 * overdue from the day after the date; the daily sweep escalates it — tells the stage's deciders and
 * the fund's managers, or the bank and the managers — once, on the first working day after the date
 * (nobody is told on a Saturday of what was due on Friday; a stage due before a holiday is escalated
 * on the first working day after it). Pure: the calendar and today are passed in.
 */
import type { WorkingCalendar } from '../calendar';
import type { ClaimState } from './claim-state';

/** What an overdue claim waits on, with the date it was due by and the key that makes its escalation once only. */
type Wait = { kind: 'stage'; stage: number; dueBy: string } | { kind: 'return'; dueBy: string };
export type Overdue = Wait & { key: string };

export interface OverdueClaim {
  state: ClaimState;
  /** Under review: the index of the stage waiting and its SLA date (R23). */
  stage: number;
  stageDueBy: string | null;
  /** Returned: the bank's deadline to complete it (R21). */
  returnDueBy: string | null;
}

/** The date a claim's work waits for at its present step: the stage's SLA, the bank's deadline, or none. */
function waitingDate(c: OverdueClaim): Wait | null {
  if (c.state === 'under-review' && c.stageDueBy !== null)
    return { kind: 'stage', stage: c.stage, dueBy: c.stageDueBy };
  if (c.state === 'returned' && c.returnDueBy !== null) return { kind: 'return', dueBy: c.returnDueBy };
  return null;
}

/** Whether the claim is past the date its present step was due by (shown from the day after it). */
export function isOverdue(c: OverdueClaim, today: string): boolean {
  const w = waitingDate(c);
  return w !== null && today > w.dueBy;
}

/** The first working day after `dueBy`: the day an overdue step is escalated. */
export const escalationDay = (calendar: WorkingCalendar, dueBy: string): string =>
  calendar.workingDayDeadline(dueBy, 1).date;

const keyOf = (w: Wait): string => (w.kind === 'stage' ? `stage:${w.stage}:${w.dueBy}` : `return:${w.dueBy}`);

/**
 * The claim's present step when it is overdue on `today` (from the day after its date), with its
 * escalation's key and the day it is, or was, escalated on; null when it is not overdue.
 */
export function overdueWait(
  c: OverdueClaim,
  { today, calendar }: { today: string; calendar: WorkingCalendar },
): (Overdue & { escalatesOn: string }) | null {
  const w = waitingDate(c);
  if (w === null || !(today > w.dueBy)) return null;
  return { ...w, key: keyOf(w), escalatesOn: escalationDay(calendar, w.dueBy) };
}

/**
 * The step to escalate today, or null: the claim's present step, once its first working day after the
 * due date has come. Its `key` names the step and its date, so the same wait is escalated once however
 * often the sweep runs; a claim that moves on and comes back to a stage has a new date, so a new key.
 */
export function overdueToEscalate(
  c: OverdueClaim,
  { today, calendar }: { today: string; calendar: WorkingCalendar },
): Overdue | null {
  const w = waitingDate(c);
  if (w === null || today < escalationDay(calendar, w.dueBy)) return null;
  return { ...w, key: keyOf(w) };
}
