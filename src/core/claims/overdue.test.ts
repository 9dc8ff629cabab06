/**
 * A claim past its date (issue 17; R21, R23): overdue from the day after the date; escalated on the
 * first working day after it, counted on the State Council's calendar (make-up Saturdays work,
 * holidays do not; past the calendar, provisionally).
 */
import { describe, expect, it } from 'vitest';
import { shippedCalendar as calendar } from '../calendar';
import { escalationDay, isOverdue, overdueToEscalate, overdueWait, type OverdueClaim } from './overdue';

const atStage = (stage: number, stageDueBy: string): OverdueClaim => ({
  state: 'under-review',
  stage,
  stageDueBy,
  returnDueBy: null,
});
const returned = (returnDueBy: string): OverdueClaim => ({
  state: 'returned',
  stage: 0,
  stageDueBy: null,
  returnDueBy,
});
const escalated = (c: OverdueClaim, today: string) => overdueToEscalate(c, { today, calendar });

describe('escalationDay: the first working day after the date', () => {
  it.each([
    ['2026-01-15', '2026-01-16', 'a Thursday: the Friday'],
    ['2026-01-16', '2026-01-19', 'a Friday: the Monday'],
    ['2026-02-13', '2026-02-14', 'the Friday before Spring Festival: the make-up Saturday'],
    ['2026-02-14', '2026-02-24', 'the make-up Saturday: the day after the holiday'],
    ['2026-12-31', '2027-01-04', 'past the calendar: weekends and 1 January off'],
  ])('due %s → %s (%s)', (dueBy, day) => {
    expect(escalationDay(calendar, dueBy)).toBe(day);
  });
});

describe('a stage past its SLA (R23)', () => {
  const c = atStage(1, '2026-01-16');

  it('is overdue from the day after, escalated from the first working day after', () => {
    expect([isOverdue(c, '2026-01-16'), escalated(c, '2026-01-16')]).toEqual([false, null]);
    // Saturday: shown overdue, nobody told yet.
    expect([isOverdue(c, '2026-01-17'), escalated(c, '2026-01-17')]).toEqual([true, null]);
    expect(escalated(c, '2026-01-19')).toEqual({
      kind: 'stage',
      stage: 1,
      dueBy: '2026-01-16',
      key: 'stage:1:2026-01-16',
    });
    // Still waiting days later: the same wait, the same key (escalated once).
    expect(escalated(c, '2026-02-02')?.key).toBe('stage:1:2026-01-16');
  });

  it('a new stage, or the same stage entered again, is a new wait', () => {
    expect(escalated(atStage(0, '2026-01-16'), '2026-01-19')?.key).toBe('stage:0:2026-01-16');
    expect(escalated(atStage(1, '2026-01-20'), '2026-01-21')?.key).toBe('stage:1:2026-01-20');
  });
});

describe('a return past the bank’s deadline (R21)', () => {
  it('is overdue and escalated the same way', () => {
    const c = returned('2026-02-13');
    expect(isOverdue(c, '2026-02-13')).toBe(false);
    expect(escalated(c, '2026-02-14')).toEqual({ kind: 'return', dueBy: '2026-02-13', key: 'return:2026-02-13' });
  });
});

describe('a claim that waits on no date', () => {
  it.each(['submitted', 'held', 'approved', 'queued', 'paid', 'rejected', 'withdrawn'] as const)(
    '%s: never',
    (state) => {
      const c: OverdueClaim = { state, stage: 0, stageDueBy: '2026-01-16', returnDueBy: '2026-01-16' };
      expect(isOverdue(c, '2026-03-02')).toBe(false);
      expect(escalated(c, '2026-03-02')).toBeNull();
    },
  );

  it('under review without a stage date (prepared before the stages existed): never', () => {
    const c: OverdueClaim = { state: 'under-review', stage: 0, stageDueBy: null, returnDueBy: null };
    expect(escalated(c, '2026-03-02')).toBeNull();
  });
});

describe('overdueWait: what `backstop claims overdue` lists', () => {
  it('a stage due on a Friday: overdue on the Saturday, escalated on the Monday, with the key of its escalation', () => {
    const c = atStage(1, '2026-01-16');
    expect(overdueWait(c, { today: '2026-01-16', calendar })).toBeNull();
    const sat = overdueWait(c, { today: '2026-01-17', calendar });
    expect(sat).toEqual({
      kind: 'stage',
      stage: 1,
      dueBy: '2026-01-16',
      key: 'stage:1:2026-01-16',
      escalatesOn: '2026-01-19',
    });
    // Not escalated yet on the Saturday; the same key once it is.
    expect(escalated(c, '2026-01-17')).toBeNull();
    expect(escalated(c, '2026-01-19')?.key).toBe(sat!.key);
  });

  it('a return past the bank’s deadline; a claim that waits on nothing is never overdue', () => {
    expect(overdueWait(returned('2026-01-15'), { today: '2026-01-16', calendar })).toMatchObject({
      kind: 'return',
      key: 'return:2026-01-15',
      escalatesOn: '2026-01-16',
    });
    const approved: OverdueClaim = { state: 'approved', stage: 0, stageDueBy: '2026-01-01', returnDueBy: null };
    expect(overdueWait(approved, { today: '2026-06-01', calendar })).toBeNull();
  });
});
