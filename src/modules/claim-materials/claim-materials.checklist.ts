/**
 * Which checklist a claim is judged against, and what of it is unmet. The checklist is the one the
 * loan's programme lists now (the latest revision of the version the loan was filed under): it is
 * procedure, not a term of the loan that R3 fixes at filing. The claims module reads this to refuse
 * approval with a required item missing (R20).
 */
import { itemState, unmetItems, type ChecklistItem, type ItemState } from '../../core/claims/dossier';
import type { CompiledPolicy } from '../../core/policy';
import { procedureOf, type PolicyCatalog } from '../programmes/programmes.usecases';
import type { Db } from '../shared/db';
import * as repo from './claim-materials.repository';

export type ChecklistEntry = CompiledPolicy['claimMaterials'][number];

/** The checklist of the programme the loan (its `policyVersionId`) was filed under, as it stands today. */
export function checklistOf(catalog: PolicyCatalog, policyVersionId: number): ChecklistEntry[] {
  return procedureOf(catalog, policyVersionId)?.claimMaterials ?? [];
}

/** The required items of the claim's checklist not accepted yet (none: it may be approved). */
export async function unmetMaterials({
  db,
  checklist,
  claimId,
}: {
  db: Db;
  checklist: readonly ChecklistItem[];
  claimId: string;
}): Promise<(ChecklistItem & { state: ItemState })[]> {
  if (!checklist.some((i) => i.required)) return [];
  const { files, reviews } = await repo.dossierOf({ db, claimId });
  return unmetItems(checklist, (id) =>
    itemState(files.filter((f) => f.itemId === id).length, reviews.find((r) => r.itemId === id)?.decision),
  );
}

/** The claim's files uploaded after `since` (without content): what the bank added after a return (R21). */
export async function materialFilesSince({ db, claimId, since }: { db: Db; claimId: string; since: Date }) {
  const { files } = await repo.dossierOf({ db, claimId });
  return files.filter((f) => f.uploadedAt > since);
}
