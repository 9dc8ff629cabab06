/**
 * A programme: each policy version's rules in words with their POLICY ids and the article's
 * quote, and a side-by-side diff of any two versions (of this or another programme).
 */
import { useProgrammes } from '../api/programmes';
import { useMemo, useState } from 'react';
import { useQueries, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { api } from '../api/client';
import type { PolicyFile, ProgrammeDetail } from '../api/types';
import { Loading, ProblemMessage } from '../components/Problem';
import { pick } from '../i18n';

/** What the walk below reads of a rule, an uplift or a sub-rule such as `{ value, cites, message, quote }`. */
interface RuleLike {
  id?: string;
  cites?: string[];
  fact?: string;
  op?: string;
  value?: unknown;
  ratio?: unknown;
  message?: { zh: string; en: string };
  quote?: string;
}

/** The rules of a policy document, flattened to id → readable row (eligibility rules and the other sections). */
export function rulesOf(
  doc: PolicyFile,
  lang: string,
): Map<string, { section: string; text: string; cites: string; quote: string }> {
  const out = new Map<string, { section: string; text: string; cites: string; quote: string }>();
  const skip = new Set([
    '$schema',
    'programme',
    'version',
    'title',
    'summary',
    'cites',
    'effectiveFrom',
    'effectiveTo',
  ]);
  const show = (v: unknown): string =>
    v === null || v === undefined
      ? '—'
      : typeof v === 'string'
        ? v
        : Array.isArray(v) && v.every((x) => typeof x !== 'object')
          ? v.join(lang.startsWith('zh') ? '、' : ', ')
          : JSON.stringify(v);
  const isRules = (v: unknown): v is RuleLike[] =>
    Array.isArray(v) && v.length > 0 && v.every((r) => r && typeof r === 'object' && 'id' in r);
  // A message's placeholders: the rule's value (or ratio); what a loan fills in later reads '…'.
  const words = (r: RuleLike) =>
    r.message
      ? pick(r.message, lang).replace(/\{(\w+)\}/g, (_, k: string) =>
          k === 'value' && r.value !== undefined
            ? show(r.value)
            : k === 'ratio' && r.ratio !== undefined
              ? show(r.ratio)
              : '…',
        )
      : '';
  const rule = (key: string, section: string, r: RuleLike, fallbackCites = '') =>
    out.set(key, {
      section,
      text: [words(r), r.fact && r.op ? `(${r.fact} ${r.op} ${show(r.value)})` : ''].filter(Boolean).join(' '),
      cites: (r.cites ?? []).join(', ') || fallbackCites,
      quote: r.quote ?? '',
    });
  for (const [section, value] of Object.entries(doc)) {
    if (skip.has(section)) continue;
    if (isRules(value)) {
      for (const r of value) rule(`${section}/${r.id}`, section, r);
    } else if (value && typeof value === 'object' && !Array.isArray(value)) {
      const o = value as Record<string, unknown>;
      const cites = Array.isArray(o.cites) ? (o.cites as string[]).join(', ') : '';
      for (const [k, v] of Object.entries(o)) {
        if (k === 'cites' || k === 'quote') continue;
        if (isRules(v)) {
          // A list of rules inside a section (such as the compensation uplifts): one row each.
          for (const r of v) rule(`${section}/${k}/${r.id}`, section, r, cites);
        } else if (v && typeof v === 'object' && !Array.isArray(v)) {
          // A sub-rule such as { value, cites, message, quote } reads as its words (or value) with its own ids.
          const r = v as RuleLike;
          const rest = Object.entries(r)
            .filter(([x]) => !['cites', 'message', 'quote'].includes(x))
            .map(([x, y]) => `${x}: ${show(y)}`)
            .join('; ');
          out.set(`${section}/${k}`, {
            section,
            text: [words(r), rest].filter(Boolean).join(' — '),
            cites: (r.cites ?? []).join(', ') || cites,
            quote: r.quote ?? '',
          });
        } else
          out.set(`${section}/${k}`, {
            section,
            text: show(v),
            cites,
            quote: typeof o.quote === 'string' ? o.quote : '',
          });
      }
    } else {
      out.set(section, { section, text: show(value), cites: '', quote: '' });
    }
  }
  return out;
}

/**
 * A version's policy file. The OpenAPI document leaves it untyped (`document: z.unknown()` in
 * programmes.routes.ts): it is the file as loaded, whose shape is the server's own PolicyFile.
 */
const documentOf = (v: ProgrammeDetail['policies'][number]) => v.document as PolicyFile;

export default function ProgrammePage() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  const prog = useQuery({
    queryKey: ['programme', id],
    queryFn: () => api<ProgrammeDetail>(`/api/programmes/${encodeURIComponent(id)}`),
  });
  const all = useProgrammes();
  const options = (all.data ?? []).flatMap((p) => p.versions.map((v) => `${p.id}@${v.version}`));
  const [left, setLeft] = useState('');
  const [right, setRight] = useState('');
  const docs = useQueries({
    queries: [left, right].map((key) => ({
      queryKey: ['programme', key.split('@')[0]],
      enabled: !!key,
      queryFn: () => api<ProgrammeDetail>(`/api/programmes/${encodeURIComponent(key.split('@')[0]!)}`),
    })),
  });
  const docOf = (key: string, p: ProgrammeDetail | undefined) => {
    const v = p?.policies.find((x) => `${p.id}@${x.version}` === key);
    return v && documentOf(v);
  };
  const leftDoc = docOf(left, docs[0]?.data);
  const rightDoc = docOf(right, docs[1]?.data);
  const diff = useMemo(() => {
    if (!leftDoc || !rightDoc) return null;
    const a = rulesOf(leftDoc, i18n.language);
    const b = rulesOf(rightDoc, i18n.language);
    const keys = [...new Set([...a.keys(), ...b.keys()])];
    return keys.map((k) => ({ k, a: a.get(k), b: b.get(k) }));
  }, [leftDoc, rightDoc, i18n.language]);

  if (prog.isPending) return <Loading />;
  if (!prog.data) return <ProblemMessage error={prog.error} />;
  const p = prog.data;
  return (
    <>
      <p>
        <Link to="/programmes">← {t('nav.programmes')}</Link>
      </p>
      <h1>{pick(p.title, i18n.language)}</h1>
      <p className="muted">{p.id}</p>
      {p.policies.map((v) => {
        const doc = documentOf(v);
        const rules = rulesOf(doc, i18n.language);
        return (
          <section key={v.version} className="card" style={{ marginBottom: 14 }} data-testid="policy-version">
            <h2 style={{ marginTop: 0 }}>
              {t('prog.version', { v: v.version, r: v.revision })} · {doc.effectiveFrom} –{' '}
              {doc.effectiveTo ?? t('prog.open')}
            </h2>
            {doc.summary && <p>{pick(doc.summary, i18n.language)}</p>}
            <table>
              <thead>
                <tr>
                  <th>{t('prog.rule')}</th>
                  <th>{t('prog.text')}</th>
                  <th>{t('prog.cites')}</th>
                  <th>{t('prog.quote')}</th>
                </tr>
              </thead>
              <tbody>
                {[...rules.entries()].map(([k, r]) => (
                  <tr key={k}>
                    <td>
                      <code>{k}</code>
                    </td>
                    <td>{r.text}</td>
                    <td>{r.cites}</td>
                    <td lang="zh-CN">{r.quote}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        );
      })}
      <h2>{t('prog.diff')}</h2>
      <div className="toolbar">
        <div className="field">
          <label htmlFor="diff-left">{t('prog.left')}</label>
          <select id="diff-left" value={left} onChange={(e) => setLeft(e.target.value)}>
            <option value="">{t('common.choose')}</option>
            {options.map((o) => (
              <option key={o}>{o}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="diff-right">{t('prog.right')}</label>
          <select id="diff-right" value={right} onChange={(e) => setRight(e.target.value)}>
            <option value="">{t('common.choose')}</option>
            {options.map((o) => (
              <option key={o}>{o}</option>
            ))}
          </select>
        </div>
      </div>
      {diff && (
        <table className="diff" data-testid="diff">
          <thead>
            <tr>
              <th>{t('prog.rule')}</th>
              <th>{left}</th>
              <th>{right}</th>
            </tr>
          </thead>
          <tbody>
            {diff.map(({ k, a, b }) => {
              const cls = !a ? 'added' : !b ? 'removed' : a.text !== b.text || a.cites !== b.cites ? 'changed' : '';
              return (
                <tr key={k}>
                  <td>
                    <code>{k}</code>
                  </td>
                  <td className={cls}>{a ? `${a.text}${a.cites ? ` [${a.cites}]` : ''}` : '—'}</td>
                  <td className={cls}>{b ? `${b.text}${b.cites ? ` [${b.cites}]` : ''}` : '—'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
}
