/**
 * A claim's dossier (申请材料) against its programme's checklist: each item is missing (no file),
 * uploaded (waiting for the reviewer), accepted or rejected. A claim is approved only when every
 * required item is accepted (R20).
 */
import type { Bilingual } from '../text';

export interface ChecklistItem {
  id: string;
  title: Bilingual;
  required: boolean;
}

export type ItemState = 'missing' | 'uploaded' | 'accepted' | 'rejected';

export function itemState(files: number, decision: 'accepted' | 'rejected' | undefined): ItemState {
  if (decision) return decision;
  return files > 0 ? 'uploaded' : 'missing';
}

/** The required items not accepted, with their state, in the checklist's order. */
export function unmetItems(
  checklist: readonly ChecklistItem[],
  stateOf: (itemId: string) => ItemState,
): (ChecklistItem & { state: ItemState })[] {
  return checklist
    .filter((i) => i.required)
    .map((i) => ({ ...i, state: stateOf(i.id) }))
    .filter((i) => i.state !== 'accepted');
}
