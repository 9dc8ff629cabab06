/**
 * The model-based checker: runs a sequence against the system and the model side by side and,
 * after EVERY step, compares the reply and every figure. A difference is a ModelMismatch naming
 * the step, the command, each figure that differs (expected by the model / answered by the system)
 * and the whole trail of commands so far. `checkTrace` does the same against a recorded trace of
 * what a system answered, without a database.
 */
import {
  addDays,
  BusinessModel,
  type Cmd,
  type DefectId,
  type Figures,
  type Reply,
  type Rule,
  type WorldConfig,
} from './business-model';
import { LAST_DAY, lifeOps, resolve, type Op, type Step } from './operations';
import type { Observed, SequenceWorld, System } from './system';

export interface Discrepancy {
  path: string;
  expected: unknown;
  got: unknown;
}

const show = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x));

export class ModelMismatch extends Error {
  constructor(
    readonly step: string,
    readonly cmd: Cmd | 'setup',
    readonly discrepancies: Discrepancy[],
    readonly trail: string[],
  ) {
    super(
      [
        `the system differs from the model at step ${step}: ${show(cmd)}`,
        ...discrepancies.map((d) => `  ${d.path}: model ${show(d.expected)}, system ${show(d.got)}`),
        'the sequence so far (today, command → reply):',
        ...trail.map((t) => `  ${t}`),
      ].join('\n'),
    );
    this.name = 'ModelMismatch';
  }
}

/** What a refused filing must cite, by the rule the model found failing (the reply cites at least one of them). */
const RULE_TEXT: Record<Rule, RegExp> = {
  'size-limit': /size-limit/,
  'enterprise-size': /enterprise-size/,
  'sci-tech': /sci-tech/,
  mode: /rule:mode/,
  'bank-share': /bank-share/,
  'loan-kind': /loan-kind/,
  'filing-deadline': /filing-deadline/,
  G5: /G5|per-enterprise-cap/,
  R7b: /R7b|R15|liability-limit/,
  R7c: /R7c|quota/,
  R17: /R17/,
};

export function compareReply(expected: Reply, got: Observed, cmd: Cmd): Discrepancy[] {
  const out: Discrepancy[] = [];
  if (expected.status !== got.status) {
    out.push({
      path: 'reply.status',
      expected: expected.status,
      got: 'text' in got ? `${got.status} ${got.text}` : got.status,
    });
    return out;
  }
  if (expected.status !== 200) {
    if (expected.rules?.length && 'text' in got && !expected.rules.some((r) => RULE_TEXT[r].test(got.text)))
      out.push({ path: 'reply.rules', expected: `one of ${expected.rules.join(', ')}`, got: got.text });
    return out;
  }
  const g = got as Extract<Observed, { status: 200 }>;
  if (expected.state !== undefined && expected.state !== g.state)
    out.push({ path: 'reply.state', expected: expected.state, got: g.state });
  if (expected.lines !== undefined && show(expected.lines) !== show(g.lines))
    out.push({ path: 'reply.lines', expected: expected.lines, got: g.lines });
  if (expected.count !== undefined) {
    // The sweep runs over the whole database: other (finished) sequences' loans may be marked too.
    const ok = cmd.t === 'sweep' ? (g.count ?? 0) >= expected.count : g.count === expected.count;
    if (!ok) out.push({ path: 'reply.count', expected: expected.count, got: g.count });
  }
  return out;
}

/** Every leaf that differs between what the model says and what the system shows. */
export function compareFigures(expected: unknown, got: unknown, path = ''): Discrepancy[] {
  if (expected === got) return [];
  if (expected && got && typeof expected === 'object' && typeof got === 'object') {
    const keys = new Set([...Object.keys(expected), ...Object.keys(got)]);
    if (Array.isArray(expected) && Array.isArray(got) && expected.length !== got.length)
      return [{ path: `${path}.length`, expected: expected.length as unknown, got: got.length as unknown }].concat(
        compareFigures(expected.slice(0, got.length), got.slice(0, expected.length), path),
      );
    return [...keys].flatMap((k) =>
      compareFigures(
        (expected as Record<string, unknown>)[k],
        (got as Record<string, unknown>)[k],
        Array.isArray(expected) ? `${path}[${k}]` : path ? `${path}.${k}` : k,
      ),
    );
  }
  return [{ path, expected, got }];
}

/** Figures in an order that does not depend on which of two concurrent operations came first. */
const canonical = (f: Figures) =>
  show({ ...f, loans: f.loans.map((l) => show(l)).sort(), claims: f.claims.map((c) => show(c)).sort() });

export interface RunOptions {
  legacy?: ReadonlySet<DefectId>;
  /** Run a pair of operations at once when the model's answer does not depend on their order (PostgreSQL). */
  concurrentPairs?: boolean;
  /** Called with each step as it is checked (for the statistics). */
  onStep?: (cmd: Cmd, reply: Reply) => void;
  /** Called for each pair: run at once, or one after the other because the model's answer depends on their order. */
  onPair?: (atOnce: boolean) => void;
}

export async function runSequence(
  sys: System,
  seq: { world: WorldConfig; steps: Step[] },
  opts: RunOptions = {},
): Promise<void> {
  const model = BusinessModel.start(seq.world, opts.legacy);
  const w = await sys.setup(seq.world);
  const trail: string[] = [];
  let serialNo = 0;
  const serial = () => `${w.fundId}-L${++serialNo}`;
  let stepNo = '0';

  const figures = async (cmd: Cmd | 'setup', replyDiffs: Discrepancy[]) => {
    const diffs = [...replyDiffs, ...compareFigures(model.figures(), await sys.observe(w))];
    if (diffs.length) throw new ModelMismatch(stepNo, cmd, diffs, trail);
  };
  const record = (cmd: Cmd, got: Observed) => {
    if (got.status === 200) {
      if ('loanId' in got && got.loanId) w.loanIds.push(got.loanId);
      if ('claimId' in got && got.claimId) w.claimIds.push(got.claimId);
    }
    trail.push(`#${stepNo} ${model.s.today} ${show(cmd)} → ${'text' in got ? `${got.status} ${got.text}` : show(got)}`);
  };
  const runCmd = async (cmd: Cmd): Promise<Observed> => {
    const expected = model.apply(cmd);
    opts.onStep?.(cmd, expected);
    const got = await sys.run(w, cmd, model.s.today);
    record(cmd, got);
    await figures(cmd, compareReply(expected, got, cmd));
    return got;
  };
  const one = async (op: Exclude<Op, { t: 'life' | 'pair' }>): Promise<Observed | null> => {
    const cmd = resolve(model, op, serial);
    return cmd ? runCmd(cmd) : null;
  };

  await figures('setup', []);
  for (const [i, step] of seq.steps.entries()) {
    stepNo = String(i + 1);
    const to = addDays(model.s.today, step.days);
    model.advance(to > LAST_DAY ? LAST_DAY : to);
    const op = step.op;
    if (op.t === 'life') {
      for (const [k, sub] of lifeOps(op).entries()) {
        stepNo = `${i + 1}.${k + 1}`;
        const got = await one(sub);
        if (sub.t === 'file' && got?.status !== 200) break;
      }
    } else if (op.t === 'pair') {
      const a = resolve(model, op.a as Exclude<Op, { t: 'life' | 'pair' }>, serial);
      const b = resolve(model, op.b as Exclude<Op, { t: 'life' | 'pair' }>, serial);
      if (!a || !b) {
        for (const cmd of [a, b]) if (cmd) await runCmd(cmd);
        continue;
      }
      const ab = model.clone();
      const ra = ab.apply(a);
      const rb = ab.apply(b);
      const ba = model.clone();
      const rb2 = ba.apply(b);
      const ra2 = ba.apply(a);
      const commute =
        show(ra) === show(ra2) && show(rb) === show(rb2) && canonical(ab.figures()) === canonical(ba.figures());
      opts.onPair?.(commute && !!opts.concurrentPairs);
      if (commute && opts.concurrentPairs) {
        stepNo = `${i + 1} (a ∥ b)`;
        const [ga, gb] = await Promise.all([sys.run(w, a, model.s.today), sys.run(w, b, model.s.today)]);
        model.s = ab.s;
        opts.onStep?.(a, ra);
        opts.onStep?.(b, rb);
        record(a, ga);
        record(b, gb);
        await figures(a, [...compareReply(ra, ga, a), ...compareReply(rb, gb, b)]);
      } else {
        for (const [k, cmd] of [a, b].entries()) {
          stepNo = `${i + 1}.${k + 1}`;
          await runCmd(cmd);
        }
      }
    } else {
      await one(op);
    }
  }
}

// ---------------------------------------------------------------- recorded traces

/** What a system answered to a sequence of concrete commands: each step's day, reply and figures afterwards. */
export interface Trace {
  name: string;
  world: WorldConfig;
  steps: { today: string; cmd: Cmd; reply: Observed; figures: Figures }[];
}

/** Records a trace of what `sys` answers to concrete commands (used to write test/model/traces/*.json). */
export async function recordTrace(
  sys: System,
  name: string,
  world: WorldConfig,
  script: { today: string; cmd: Cmd }[],
) {
  const w: SequenceWorld = await sys.setup(world);
  const steps: Trace['steps'] = [];
  for (const { today, cmd } of script) {
    const reply = await sys.run(w, cmd, today);
    if (reply.status === 200) {
      if ('loanId' in reply && reply.loanId) w.loanIds.push(reply.loanId);
      if ('claimId' in reply && reply.claimId) w.claimIds.push(reply.claimId);
    }
    const { loanId: _l, claimId: _c, ...kept } = reply as Observed & { loanId?: string; claimId?: string };
    steps.push({ today, cmd, reply: kept as Observed, figures: await sys.observe(w) });
  }
  return { name, world, steps } satisfies Trace;
}

/** Figures the model compares since after the traces were recorded (R23's sign-offs): a trace without them is not faulted for it. */
const LATER_FIGURES = ['signOffs'];

/** Checks a recorded trace against the model: every discrepancy, by step (nothing stops at the first). */
export function checkTrace(
  trace: Trace,
  legacy?: ReadonlySet<DefectId>,
): { step: number; cmd: Cmd; diffs: Discrepancy[] }[] {
  const model = BusinessModel.start(trace.world, legacy);
  const out: { step: number; cmd: Cmd; diffs: Discrepancy[] }[] = [];
  trace.steps.forEach((s, i) => {
    model.advance(s.today);
    const expected = model.apply(s.cmd);
    const diffs = [...compareReply(expected, s.reply, s.cmd), ...compareFigures(model.figures(), s.figures)].filter(
      (d) => !(d.got === undefined && LATER_FIGURES.some((k) => d.path.endsWith(`.${k}`))),
    );
    if (diffs.length) out.push({ step: i + 1, cmd: s.cmd, diffs });
  });
  return out;
}
