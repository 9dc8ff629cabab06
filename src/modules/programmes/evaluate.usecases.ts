/**
 * The public `evaluate` contract (DESIGN.md), shared by the CLI and `POST /api/evaluate`:
 * JSON in, a rendered decision out, or field errors. Never throws for a user's mistake.
 */
import { CalendarRangeError } from '../../core/calendar';
import {
  caseSchema,
  evaluateAcrossProgrammes,
  NoPolicyInForceError,
  renderDecision,
  toLoanCase,
  type CompiledPolicy,
  type RenderedDecision,
} from '../../core/policy';
import { formatRate, formatYuan } from '../../core/money/money';
import type { FieldError } from '../shared/problem';
import { fieldErrorsOf } from '../shared/request.errors';
import { programmeErrors } from './programmes.errors';

export type EvaluateResult =
  | { ok: true; decision: RenderedDecision & { alternatives: AlternativeSummary[] } }
  | { ok: false; errors: FieldError[] };

export interface AlternativeSummary {
  programme: string;
  policyVersion: string;
  eligible: boolean;
  ratio: string;
  compensation?: string;
}

export function evaluateCase({
  input,
  policies,
  programme,
}: {
  input: unknown;
  policies: readonly CompiledPolicy[];
  programme?: string;
}): EvaluateResult {
  const parsed = caseSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: fieldErrorsOf(parsed.error, input) };
  const c = toLoanCase(parsed.data);
  if (programme) c.programme = programme;
  try {
    const { chosen, alternatives } = evaluateAcrossProgrammes(c, policies);
    return {
      ok: true,
      decision: {
        ...renderDecision(chosen, c),
        alternatives: alternatives.map((a) => ({
          programme: a.policy.programme,
          policyVersion: a.policy.version,
          eligible: a.eligible,
          ratio: formatRate(a.terms.ratioBp),
          ...(a.compensation ? { compensation: formatYuan(a.compensation.compensation) } : {}),
        })),
      },
    };
  } catch (e) {
    if (e instanceof NoPolicyInForceError)
      return {
        ok: false,
        errors: [
          programmeErrors.noPolicyInForce(
            e.programme && !e.known.includes(e.programme) ? 'programme' : 'loan.filedOn',
            e,
          ),
        ],
      };
    if (e instanceof CalendarRangeError)
      return { ok: false, errors: [programmeErrors.calendarYearMissing('loan.filedOn', e)] };
    throw e;
  }
}
