/**
 * Group commit: while one group is at the database, the units that arrive wait; when it is done,
 * they go together as the next group (one transaction instead of one per unit — what makes a hot
 * row, a fund's capacity, serve many concurrent writers). `run` answers every unit of a group, in
 * order. If it throws for a group of several, each unit is run again alone, so one unit's error is
 * never another's; a unit alone gets its own error. A group runs with the idempotency scopes of its
 * units (shared/idempotency.scope.ts), so its one transaction marks every unit's key.
 */
import { groupCommitSize, groupCommitUnits } from './metrics';
import { currentScopes, runInScopes, type KeyScope } from './idempotency.scope';

export interface GroupCommitOptions<U, R> {
  /** The writer's name in the metrics (backstop_group_commit_units{writer}). */
  name?: string;
  run: (units: U[]) => Promise<R[]>;
  /** How much of a group a unit takes (e.g. its ledger transfers); a group holds at most `maxSize`. */
  sizeOf?: (unit: U) => number;
  maxSize?: number;
  /** Whether a unit may join the group being formed (default: always). */
  joins?: (unit: U, group: readonly U[]) => boolean;
}

interface Waiting<U, R> {
  unit: U;
  resolve: (r: R) => void;
  reject: (e: unknown) => void;
  scopes: readonly KeyScope[];
}

export function createGroupCommit<U, R>({
  name = 'other',
  run,
  sizeOf = () => 1,
  maxSize = 1000,
  joins = () => true,
}: GroupCommitOptions<U, R>) {
  const queue: Waiting<U, R>[] = [];
  let draining = false;

  function takeGroup(): Waiting<U, R>[] {
    const first = queue.shift()!;
    const group = [first];
    const units = [first.unit];
    let size = sizeOf(first.unit);
    for (let i = 0; i < queue.length && size < maxSize;) {
      const w = queue[i]!;
      if (joins(w.unit, units) && size + sizeOf(w.unit) <= maxSize) {
        group.push(w);
        units.push(w.unit);
        size += sizeOf(w.unit);
        queue.splice(i, 1);
      } else i++;
    }
    groupCommitUnits.observe({ writer: name }, group.length);
    groupCommitSize.observe({ writer: name }, size);
    return group;
  }

  async function runGroup(group: Waiting<U, R>[]) {
    const out = await runInScopes(
      group.flatMap((w) => w.scopes),
      () => run(group.map((w) => w.unit)),
    );
    if (out.length !== group.length) throw new Error(`group commit: ${out.length} answers for ${group.length} units`);
    group.forEach((w, i) => w.resolve(out[i]!));
  }

  async function drain() {
    draining = true;
    try {
      while (queue.length) {
        const group = takeGroup();
        try {
          await runGroup(group);
        } catch (e) {
          if (group.length === 1) {
            group[0]!.reject(e);
            continue;
          }
          for (const w of group) {
            try {
              await runGroup([w]);
            } catch (alone) {
              w.reject(alone);
            }
          }
        }
      }
    } finally {
      draining = false;
    }
  }

  return function submit(unit: U): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      queue.push({ unit, resolve, reject, scopes: currentScopes() });
      if (!draining) void drain();
    });
  };
}
