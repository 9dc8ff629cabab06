/**
 * A filing's decision as stored (drizzle/0034): the reason set many loans share — its template,
 * once in `decision_templates`, named by the SHA-256 of its JSON text — and on the filing only that
 * key and the loan's own values. core/policy fillDecision renders it back as it was rendered at filing.
 */
import { createHash } from 'node:crypto';
import type { DecisionTemplate } from '../../core/policy';

/** A template as `decision_templates` holds it: its JSON text, and the text's SHA-256 (hex) as its key. */
export interface StoredTemplate {
  key: string;
  text: string;
}

/**
 * The templates met lately, by text: a bulk file's rows share a few reason sets. A row gets the one
 * object of its text, so that what the chunks' plans hold is one text per reason set, not one a row
 * (a chunk's plans live through two transactions, and each copy would be carried by the GC).
 */
const storedByText = new Map<string, StoredTemplate>();

export function storedTemplate(template: DecisionTemplate): StoredTemplate {
  const text = JSON.stringify(template);
  let stored = storedByText.get(text);
  if (stored === undefined) {
    stored = { key: createHash('sha256').update(text).digest('hex'), text };
    if (storedByText.size >= 1000) storedByText.clear();
    storedByText.set(text, stored);
  }
  return stored;
}

/** Each template once, in key order (two transactions inserting the same ones take their locks in the same order). */
export function distinctTemplates(templates: StoredTemplate[]): StoredTemplate[] {
  const byKey = new Map(templates.map((t) => [t.key, t]));
  return [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
