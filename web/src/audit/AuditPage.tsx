/** The audit log (newest first) with a “verify chain” button, and the ledger check for auditors. */
import { useState } from 'react';
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { AUDIT_ENTITY_KINDS, auditActionLabel, auditEntityKindLabel } from '../../../src/core/audit-words';
import { api, qs } from '../api/client';
import type { AuditVerifyReport, LedgerVerifyReport, ResponseOf } from '../api/types';
import { can, useAuth } from '../auth/auth';
import { dateTime } from '../components/bits';
import { ProblemMessage } from '../components/Problem';
import { Pager, useCursorPages } from '../components/Pager';

type Verify = AuditVerifyReport | LedgerVerifyReport;

const passed = (v: Verify) => v.ok;
const problems = (v: Verify) =>
  [...v.violations, ...('checks' in v ? v.checks.flatMap((c) => c.violations) : [])].map((x) => x.message).join('；');

type Entry = ResponseOf<'/api/audit', 'get'>['items'][number];

/** Where a record named in the log is shown in the app. */
const PAGES: Record<string, string> = {
  claim: '/claims/',
  filing: '/filings/',
  enterprise: '/enterprises/',
  bank: '/banks/',
  guarantor: '/guarantors/',
};

/** Kinds named as themselves whatever the kind linked to (an institution links as a bank or a guarantor). */
const PAGES_OWN_KIND = new Set(['institution']);

/** The record an entry names, as people know it (a claim's number, a loan's contract number, a name), the id on hover. */
function AuditEntity({ entry, lang }: { entry: Entry; lang: 'zh' | 'en' }) {
  const kind = auditEntityKindLabel(entry.entityKind, lang);
  const title = `${entry.entityKind} ${entry.entityId}`;
  const n = entry.entityName;
  if (!n)
    return (
      <span title={title}>
        {kind} <code>{entry.entityId}</code>
      </span>
    );
  const page = PAGES[n.kind];
  // A ledger batch or a recovery is named by what it is for: say what that is.
  const via =
    n.kind !== entry.entityKind && !PAGES_OWN_KIND.has(entry.entityKind) ? auditEntityKindLabel(n.kind, lang) : null;
  return (
    <>
      {kind}
      {via && ` · ${via}`}{' '}
      {page ? (
        <Link to={`${page}${encodeURIComponent(n.id)}`} title={title}>
          {n[lang]}
        </Link>
      ) : (
        <span title={title}>{n[lang]}</span>
      )}
    </>
  );
}

/**
 * Who did it: their name and role (unless the name says it already, as the demo's 张经理（托管机构）
 * does), the username beneath (and alone, for one no longer a user's).
 */
function AuditActor({ entry }: { entry: Entry }) {
  const { t } = useTranslation();
  const who = entry.actorName;
  if (!who) return <code>{entry.actor}</code>;
  const role = t(`role.${who.role}`, { defaultValue: who.role });
  return (
    <span title={entry.actor}>
      {who.displayName}
      {!who.displayName.includes(role) && <span className="muted"> · {role}</span>}
      <br />
      <code className="muted small">{entry.actor}</code>
    </span>
  );
}

export default function AuditPage() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language.startsWith('zh') ? 'zh' : 'en';
  const { user } = useAuth();
  const [actor, setActor] = useState('');
  const [entity, setEntity] = useState('');
  const [kind, setKind] = useState('');
  const [filter, setFilter] = useState({ actor: '', entity: '', entityKind: '' });
  const pages = useCursorPages();
  const log = useQuery({
    queryKey: ['audit', filter, pages.cursor],
    placeholderData: keepPreviousData,
    queryFn: () =>
      api<ResponseOf<'/api/audit', 'get'>>(
        `/api/audit${qs({ ...filter, limit: 50, cursor: pages.cursor, order: 'desc' })}`,
      ),
  });
  const verify = useMutation({ mutationFn: () => api<AuditVerifyReport>('/api/audit/verify') });
  const ledger = useMutation({
    mutationFn: () => api<LedgerVerifyReport>('/api/ledger/verify', { method: 'POST' }),
  });
  return (
    <>
      <div className="row">
        <h1>{t('nav.audit')}</h1>
        <span className="spacer" />
        <button
          type="button"
          className="primary"
          onClick={() => verify.mutate()}
          disabled={verify.isPending}
          data-testid="verify-chain"
        >
          {t('audit.verify')}
        </button>
        {can(user, 'auditor', 'manager') && (
          <button type="button" onClick={() => ledger.mutate()} disabled={ledger.isPending}>
            {t('audit.verifyLedger')}
          </button>
        )}
      </div>
      {verify.data && (
        <p className={passed(verify.data) ? 'ok-box' : 'error-box'} role="status" data-testid="verify-result">
          {passed(verify.data)
            ? t('audit.intact', { n: verify.data.rows })
            : t('audit.broken', { at: problems(verify.data) })}
        </p>
      )}
      {ledger.data && (
        <p className={passed(ledger.data) ? 'ok-box' : 'error-box'} role="status">
          {passed(ledger.data) ? t('audit.ledgerOk') : t('audit.ledgerBad', { detail: problems(ledger.data) })}
        </p>
      )}
      <ProblemMessage error={verify.error ?? ledger.error} />
      <form
        className="toolbar"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          pages.reset();
          setFilter({ actor: actor.trim(), entity: entity.trim(), entityKind: kind });
        }}
      >
        <div className="field">
          <label htmlFor="a-actor">{t('audit.actor')}</label>
          <input
            id="a-actor"
            value={actor}
            placeholder={t('audit.actorPlaceholder')}
            onChange={(e) => setActor(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="a-kind">{t('audit.entityKind')}</label>
          <select id="a-kind" value={kind} onChange={(e) => setKind(e.target.value)}>
            <option value="">{t('common.all')}</option>
            {Object.keys(AUDIT_ENTITY_KINDS).map((k) => (
              <option key={k} value={k}>
                {auditEntityKindLabel(k, lang)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="a-entity">{t('audit.entity')}</label>
          <input
            id="a-entity"
            value={entity}
            placeholder={t('audit.entityPlaceholder')}
            onChange={(e) => setEntity(e.target.value)}
          />
        </div>
        <button type="submit">{t('common.search')}</button>
      </form>
      <ProblemMessage error={log.error} />
      <table data-testid="audit-table">
        <thead>
          <tr>
            <th>#</th>
            <th>{t('ledger.at')}</th>
            <th>{t('audit.actor')}</th>
            <th>{t('audit.action')}</th>
            <th>{t('audit.entity')}</th>
            <th>{t('audit.hash')}</th>
          </tr>
        </thead>
        <tbody>
          {log.data?.items.map((r) => (
            <tr key={r.seq}>
              <td>{r.seq}</td>
              <td>{dateTime(r.at)}</td>
              <td data-testid="audit-actor">
                <AuditActor entry={r} />
              </td>
              <td data-testid="audit-action">
                <span title={r.action}>{auditActionLabel(r.action, lang)}</span>
              </td>
              <td data-testid="audit-entity">
                <AuditEntity entry={r} lang={lang} />
              </td>
              <td>
                <code>{r.hash.slice(0, 12)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager pages={pages} nextCursor={log.data?.nextCursor} />
    </>
  );
}
