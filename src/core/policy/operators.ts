/**
 * The operator table: every rule is `fact op value` (optionally against a second fact, `ref`).
 * Values are already parsed to the fact's type, so `<` compares bigint fen with bigint fen and
 * ISO date strings with ISO date strings (which order as text).
 */
import type { IsoDate, WorkingCalendar } from '../calendar';
import type { FactType, FactValue, Qualification } from './facts';

export type Scalar = boolean | string | bigint | number;
export type OperandValue = Scalar | Scalar[];

export interface Operator {
  /** The fact types the operator accepts. */
  types: readonly FactType[];
  /** What the policy file's `value` is: the fact's own type, a list of it, or something else. */
  value: 'same' | 'list' | 'working-days' | 'qualification-kinds';
  /** Whether the operator compares against another fact (`ref`). */
  ref?: 'date';
  /** `calendar`: the working days the policy was compiled against (G6). */
  test: (actual: FactValue, value: OperandValue, ref: FactValue, calendar: WorkingCalendar) => boolean;
}

const ordered: readonly FactType[] = ['money', 'rate', 'date'];
const scalar: readonly FactType[] = ['boolean', 'string', 'money', 'rate', 'date'];

export const OPERATORS = {
  eq: { types: scalar, value: 'same', test: (a, v) => a === v },
  ne: { types: scalar, value: 'same', test: (a, v) => a !== v },
  in: { types: scalar, value: 'list', test: (a, v) => (v as Scalar[]).includes(a as Scalar) },
  notIn: { types: scalar, value: 'list', test: (a, v) => !(v as Scalar[]).includes(a as Scalar) },
  lt: { types: ordered, value: 'same', test: (a, v) => (a as Scalar) < v },
  lte: { types: ordered, value: 'same', test: (a, v) => (a as Scalar) <= v },
  gt: { types: ordered, value: 'same', test: (a, v) => (a as Scalar) > v },
  gte: { types: ordered, value: 'same', test: (a, v) => (a as Scalar) >= v },
  /** The date is on or before the `value`-th working day after `ref` (G6): before `ref` is fine too. */
  withinWorkingDaysAfter: {
    types: ['date'],
    value: 'working-days',
    ref: 'date',
    test: (a, v, ref, calendar) => calendar.isWithinWorkingDaysAfter(a as IsoDate, ref as IsoDate, v as number),
  },
  /** Some qualification of one of the listed kinds is valid on the `ref` date, both ends included (R4). */
  anyValidOn: {
    types: ['qualifications'],
    value: 'qualification-kinds',
    ref: 'date',
    test: (a, v, ref) =>
      (a as Qualification[]).some(
        (q) => (v as string[]).includes(q.kind) && q.validFrom <= (ref as IsoDate) && (ref as IsoDate) <= q.validTo,
      ),
  },
} as const satisfies Record<string, Operator>;

export type OperatorName = keyof typeof OPERATORS;
export const OPERATOR_NAMES = Object.keys(OPERATORS) as OperatorName[];
