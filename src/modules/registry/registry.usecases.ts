import { randomUUID } from 'node:crypto';
import type { z } from '@hono/zod-openapi';
import type { Actor } from '../auth/access';
import { scopeFor } from '../auth/access';
import { registryErrors } from './registry.errors';
import { pageOf, decodeCursor } from '../shared/paging';
import { changesNothing } from '../shared/patch';
import { uniqueViolation } from '../shared/retry';
import type { EnterpriseRow, QualificationRow, RegistryRepository } from './registry.repository';
import {
  bulkEnterpriseInput,
  type enterpriseInput,
  type enterprisePatch,
  type institutionInput,
  type qualificationInput,
} from './registry.schemas';

export function enterpriseView(e: EnterpriseRow, quals: QualificationRow[]) {
  return {
    id: e.id,
    creditCode: e.creditCode,
    name: e.name,
    size: e.size,
    industry: e.industry,
    sciTech: e.sciTech,
    registeredInZone: e.registeredInZone,
    restrictedProcesses: e.restrictedProcesses,
    qualifications: quals
      .filter((q) => q.enterpriseId === e.id)
      .map((q) => ({
        id: q.id,
        kind: q.kind,
        validFrom: q.validFrom,
        validTo: q.validTo,
        certificateNo: q.certificateNo,
      })),
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
  };
}
export type EnterpriseView = ReturnType<typeof enterpriseView>;

export async function registerEnterprise({
  repo,
  actor,
  input,
}: {
  repo: RegistryRepository;
  actor: Actor;
  input: z.output<typeof enterpriseInput>;
}): Promise<EnterpriseView> {
  if (await repo.findEnterpriseByCreditCode(input.creditCode)) {
    throw registryErrors.creditCodeTaken();
  }
  const { qualifications, ...fields } = input;
  const id = randomUUID();
  await repo.insertEnterprise(
    { ...fields, id, createdByBank: actor.role === 'bank' ? actor.bankId : null },
    qualifications.map((q) => ({ ...q, certificateNo: q.certificateNo ?? null })),
  );
  const after = (await getEnterprise({ repo, actor, id }))!;
  await repo.recordAudit({
    actor: actor.username,
    action: 'enterprise.register',
    entityKind: 'enterprise',
    entityId: id,
    after,
  });
  return after;
}

/**
 * Registers many enterprises at once, all or none: each row validated as the single registration
 * validates it (the same schema: GB 32100-2015 check character, sizes, qualification intervals…),
 * a credit code repeated in the batch or registered already refused — every error named by its
 * row, `enterprises[2].creditCode` — and then, in ONE transaction, the enterprises in one
 * multi-row insert, their qualifications in another, and one audit row per enterprise in one
 * chained append. Nothing is written when any row is wrong.
 */
export async function registerEnterprises({
  repo,
  actor,
  input,
}: {
  repo: RegistryRepository;
  actor: Actor;
  input: z.input<typeof bulkEnterpriseInput>;
}): Promise<{ items: EnterpriseView[]; registered: number }> {
  const parsed = bulkEnterpriseInput.safeParse(input);
  if (!parsed.success) throw registryErrors.bulkInvalid(parsed.error, input);
  const rows = parsed.data.enterprises;
  const firstRow = new Map<string, number>();
  const repeats = rows.flatMap((e, i): [number, number][] => {
    const j = firstRow.get(e.creditCode);
    if (j === undefined) {
      firstRow.set(e.creditCode, i);
      return [];
    }
    return [[i, j]];
  });
  if (repeats.length) throw registryErrors.creditCodeRepeated(repeats);
  const conflict = (taken: (code: string) => boolean) =>
    registryErrors.creditCodesTaken(rows.flatMap((e, i) => (taken(e.creditCode) ? [i] : [])));
  const registered = await repo.registeredCreditCodes([...firstRow.keys()]);
  if (registered.size) throw conflict((c) => registered.has(c));

  const createdByBank = actor.role === 'bank' ? actor.bankId : null;
  const planned = rows.map(({ qualifications, ...fields }) => ({
    row: { ...fields, id: randomUUID(), createdByBank },
    qualifications,
  }));
  try {
    const items = await repo.insertEnterprises(
      planned.map((p) => p.row),
      planned.flatMap((p) =>
        p.qualifications.map((q) => ({ ...q, certificateNo: q.certificateNo ?? null, enterpriseId: p.row.id })),
      ),
      (stored) => {
        const quals = new Map<string, QualificationRow[]>();
        for (const q of stored.qualifications) quals.set(q.enterpriseId, [...(quals.get(q.enterpriseId) ?? []), q]);
        const byId = new Map(stored.enterprises.map((e) => [e.id, e]));
        const views = planned.map((p) => enterpriseView(byId.get(p.row.id)!, quals.get(p.row.id) ?? []));
        return {
          result: views,
          entries: views.map((after) => ({
            actor: actor.username,
            action: 'enterprise.register',
            entityKind: 'enterprise',
            entityId: after.id,
            after,
          })),
        };
      },
    );
    return { items, registered: items.length };
  } catch (e) {
    // Another request registered one of the codes between the check and the insert: nothing was written.
    if (!uniqueViolation(e)) throw e;
    const now = await repo.registeredCreditCodes([...firstRow.keys()]);
    throw conflict((c) => now.has(c));
  }
}

/** An enterprise the actor may see, or undefined (a bank sees the ones it registered or lends to). */
export async function getEnterprise({
  repo,
  actor,
  id,
}: {
  repo: RegistryRepository;
  actor: Actor;
  id: string;
}): Promise<EnterpriseView | undefined> {
  const e = await repo.findEnterprise(id, scopeFor(actor));
  return e ? enterpriseView(e, await repo.qualificationsOf([e.id])) : undefined;
}

export async function listEnterprises({
  repo,
  actor,
  query,
}: {
  repo: RegistryRepository;
  actor: Actor;
  query: { q?: string; size?: string; sciTech?: boolean; limit: number; cursor?: string; order: 'asc' | 'desc' };
}) {
  const cursor = decodeCursor(query.cursor, 'text');
  const filter = {
    ...(query.q ? { q: query.q } : {}),
    ...(query.size ? { size: query.size } : {}),
    ...(query.sciTech !== undefined ? { sciTech: query.sciTech } : {}),
  };
  const scope = scopeFor(actor);
  const [rows, count] = await Promise.all([
    repo.listEnterprises(filter, scope, { limit: query.limit, order: query.order, ...(cursor ? { cursor } : {}) }),
    repo.countEnterprises(filter, scope),
  ]);
  const page = pageOf(rows, query.limit, (r) => ({ value: r.name, id: r.id }));
  const quals = await repo.qualificationsOf(page.items.map((e) => e.id));
  return { items: page.items.map((e) => enterpriseView(e, quals)), nextCursor: page.nextCursor, ...count };
}

export async function updateEnterprise({
  repo,
  actor,
  id,
  patch,
}: {
  repo: RegistryRepository;
  actor: Actor;
  id: string;
  patch: z.output<typeof enterprisePatch>;
}) {
  const before = await getEnterprise({ repo, actor, id });
  if (!before) throw registryErrors.enterpriseNotFound(id);
  if (changesNothing(patch, before)) return { before, after: before }; // nothing written, no audit row
  await repo.updateEnterprise(id, patch);
  const after = (await getEnterprise({ repo, actor, id }))!;
  await repo.recordAudit({
    actor: actor.username,
    action: 'enterprise.update',
    entityKind: 'enterprise',
    entityId: id,
    before,
    after,
  });
  return { before, after };
}

export async function addQualification({
  repo,
  actor,
  id,
  input,
}: {
  repo: RegistryRepository;
  actor: Actor;
  id: string;
  input: z.output<typeof qualificationInput>;
}) {
  const before = await getEnterprise({ repo, actor, id });
  if (!before) throw registryErrors.enterpriseNotFound(id);
  await repo.insertQualification({ ...input, certificateNo: input.certificateNo ?? null, enterpriseId: id });
  const after = (await getEnterprise({ repo, actor, id }))!;
  await repo.recordAudit({
    actor: actor.username,
    action: 'enterprise.qualification',
    entityKind: 'enterprise',
    entityId: id,
    before,
    after,
  });
  return { before, after };
}

export async function registerInstitution({
  repo,
  input,
  actor,
}: {
  repo: RegistryRepository;
  input: z.output<typeof institutionInput>;
  actor?: Actor;
}) {
  const taken = await repo.findInstitution(input.id);
  if (taken) throw registryErrors.institutionTaken(input.id, { zh: taken.name, en: taken.nameEn ?? taken.name });
  await repo.insertInstitution({ ...input, nameEn: input.nameEn ?? null });
  const after = institutionView((await repo.findInstitution(input.id))!);
  await repo.recordAudit({
    actor: actor?.username ?? 'system',
    action: 'institution.register',
    entityKind: 'institution',
    entityId: input.id,
    after,
  });
  return after;
}

export function institutionView(i: NonNullable<Awaited<ReturnType<RegistryRepository['findInstitution']>>>) {
  return {
    id: i.id,
    kind: i.kind,
    name: i.name,
    nameEn: i.nameEn,
    registeredInZone: i.registeredInZone,
    createdAt: i.createdAt.toISOString(),
  };
}

/** Banks see only themselves; guarantors themselves and the institutions of their loans; staff see all. */
export async function listInstitutions({
  repo,
  actor,
  kind,
}: {
  repo: RegistryRepository;
  actor: Actor;
  kind?: string;
}) {
  return (await repo.listInstitutions(kind, scopeFor(actor))).map(institutionView);
}

export async function getInstitution({ repo, actor, id }: { repo: RegistryRepository; actor: Actor; id: string }) {
  const row = await repo.findInstitution(id, scopeFor(actor));
  return row ? institutionView(row) : undefined;
}
