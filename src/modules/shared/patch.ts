/**
 * PATCH bodies, the same way on every route: only the fields sent change (no field of a patch has
 * a default: a `.default(false)` that survived `.partial()` once reset an enterprise's
 * restrictedProcesses on every PATCH, `{}` included); a body that names nothing to change is a 400
 * (`(body)`: "names nothing to change"); and a change to the values already held answers the
 * entity as it is and writes nothing (no audit row), so a retried PATCH is harmless.
 */
import { z } from '@hono/zod-openapi';

export const nothingToChange = (fields: readonly string[]) =>
  `names nothing to change: send at least one of ${fields.join(', ')}`;

/** Refuses a patch whose `fields` are all absent (other keys, such as a reason, do not count). */
export const requireChange = (fields: readonly string[]) => (patch: Record<string, unknown>, ctx: z.RefinementCtx) => {
  if (fields.every((f) => patch[f] === undefined))
    ctx.addIssue({
      code: 'custom',
      path: [],
      message: nothingToChange(fields),
      params: { code: 'request.nothing_to_change' },
    });
};

/**
 * A strict PATCH body of `shape`'s fields, each optional and none defaulted, at least one sent.
 * Throws at start when a field carries a default (it would be written on every PATCH).
 */
export function patchSchema<T extends z.ZodRawShape>(shape: T) {
  for (const [name, field] of Object.entries(shape))
    if (field instanceof z.ZodDefault)
      throw new Error(`PATCH field ${name} has a default: it would change on every PATCH`);
  return z
    .strictObject(shape)
    .partial()
    .superRefine(requireChange(Object.keys(shape)));
}

/** True when every field a patch sends equals what the entity holds already. */
export const changesNothing = (patch: Record<string, unknown>, current: Record<string, unknown>) =>
  Object.entries(patch).every(([k, v]) => v === undefined || v === current[k]);
