/**
 * Every action the code writes to the audit log has words in both languages (core/audit-words):
 * the source is read for every write — an `action:` beside the entry's other fields (a literal, a
 * choice of two, or a template over a known list), a dossier helper's call, audit_append() in
 * SQL — and a write this test cannot read fails it, so a new action cannot slip by unnamed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS, AUDIT_ENTITY_KINDS, auditActionLabel } from '../../core/audit-words';
import { CLAIM_EVENTS } from '../../core/claims/claim-state';
import { DOCUMENTS } from '../documents/documents.usecases';
import { BALANCE_KINDS } from '../servicing/servicing.usecases';

const ROOT = resolve(import.meta.dirname, '../../..');

function files(dir: string, ext: RegExp): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return files(p, ext);
    return ext.test(e.name) && !/\.test\.ts$/.test(e.name) ? [p] : [];
  });
}

/** The templates the code writes actions with, and the values each one takes. */
const TEMPLATES: Record<string, readonly string[]> = {
  'claim.${event}': CLAIM_EVENTS,
  'filing.${kind}': BALANCE_KINDS,
  'document.${kind}': Object.keys(DOCUMENTS),
};

interface Found {
  actions: Set<string>;
  unread: string[];
  kinds: Set<string>;
}

function written(): Found {
  const actions = new Set<string>();
  const kinds = new Set<string>();
  const unread: string[] = [];
  /** The entry's kind of record, written just after its action (a literal; DOCUMENTS' come from there). */
  const kindNear = (text: string, at: number) => {
    const k = /\bentityKind:\s*'([^']+)'/.exec(text.slice(at, at + 300));
    if (k) kinds.add(k[1]!);
  };
  for (const file of files(join(ROOT, 'src'), /\.ts$/)) {
    const text = readFileSync(file, 'utf8');
    const where = relative(ROOT, file);
    // `action: …` — types and schemas aside (`action: string`, `action: Action`, `action: z.…`).
    for (const m of text.matchAll(/\baction:\s*(`[^`]*`|[^,\n}]+)/g)) {
      const v = m[1]!.trim();
      // A type, a schema, the log read back.
      if (/^(string|Action)\b|^z\.|^String\(r\.action\)$/.test(v)) continue;
      kindNear(text, m.index);
      const literal = /^'([^']+)'$/.exec(v);
      const choice = /^\w+\s*\?\s*'([^']+)'\s*:\s*'([^']+)'$/.exec(v);
      const template = /^`([^`]+)`$/.exec(v);
      if (literal) actions.add(literal[1]!);
      else if (choice) [choice[1]!, choice[2]!].forEach((a) => actions.add(a));
      else if (template && TEMPLATES[template[1]!]) {
        const [prefix] = template[1]!.split('${');
        for (const x of TEMPLATES[template[1]!]!) actions.add(`${prefix}${x}`);
      } else unread.push(`${where}: action: ${v}`);
    }
    // `action,` (shorthand): a helper taking the action as an argument; its calls name it.
    const shorthand = /^\s+action,$/m.exec(text);
    if (shorthand) {
      kindNear(text, shorthand.index);
      const calls = [...text.matchAll(/\baudit\(\s*\w+,\s*\w+,\s*'([^']+)'/g)];
      if (!calls.length) unread.push(`${where}: an audit helper whose calls this test cannot read`);
      for (const c of calls) actions.add(c[1]!);
    }
  }
  for (const file of [...files(join(ROOT, 'src'), /\.sql$/), ...files(join(ROOT, 'drizzle'), /\.sql$/)]) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/audit_append\(\s*\w+,\s*'([^']+)',\s*'([^']+)'/g)) {
      actions.add(m[1]!);
      kinds.add(m[2]!);
    }
  }
  for (const d of Object.values(DOCUMENTS)) kinds.add(d.entityKind);
  return { actions, unread, kinds };
}

describe('the audit log in words', () => {
  const found = written();

  it('reads every audit write in the source', () => {
    expect(found.unread).toEqual([]);
    // The reading itself works: writes of each form are found.
    for (const a of ['claim.submit', 'claim.reject', 'filing.repayment', 'material.upload', 'ledger.batch'])
      expect(found.actions, a).toContain(a);
    expect(found.actions.size).toBeGreaterThan(50);
    for (const k of ['claim', 'filing', 'user', 'holiday-year', 'webhook-delivery', 'ledger'])
      expect(found.kinds, k).toContain(k);
  });

  it('has words in both languages for every action written', () => {
    const missing = [...found.actions].filter((a) => !AUDIT_ACTIONS[a]?.zh || !AUDIT_ACTIONS[a]?.en);
    expect(missing, 'add these to src/core/audit-words.ts').toEqual([]);
  });

  it('names no action nobody writes', () => {
    expect(Object.keys(AUDIT_ACTIONS).filter((a) => !found.actions.has(a))).toEqual([]);
  });

  it('has words for every kind of record the log names', () => {
    const missing = [...found.kinds].filter((k) => !AUDIT_ENTITY_KINDS[k]);
    expect(missing).toEqual([]);
  });

  it('shows an unknown action as written', () => {
    expect(auditActionLabel('claim.reject', 'zh')).toBe('驳回补偿申请');
    expect(auditActionLabel('claim.reject', 'en')).toBe('claim rejected');
    expect(auditActionLabel('something.new', 'en')).toBe('something.new');
  });
});
