/** Claims: the bank's own list, the review queue (maker–checker) and the payment queue. */
import { useState } from 'react';
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { api, qs, type Page } from '../api/client';
import type { Claim, Fund, ResponseOf } from '../api/types';
import { can, useAuth } from '../auth/auth';
import { Badge, dateTime, Money } from '../components/bits';
import { ProblemMessage } from '../components/Problem';
import { Pager, useCursorPages } from '../components/Pager';
import { BankName } from '../components/names';

const TABS = {
  all: '',
  submitted: 'submitted',
  review: 'under-review',
  held: 'held',
  approved: 'approved',
  queued: 'queued',
  paid: 'paid',
  rejected: 'rejected',
} as const;
type Tab = keyof typeof TABS;

export default function ClaimsPage() {
  const { t } = useTranslation();
  const { user } = useAuth();
  const [params, setParams] = useSearchParams();
  const tab = (params.get('tab') ??
    (can(user, 'manager') ? 'submitted' : can(user, 'reviewer') ? 'review' : 'all')) as Tab;
  const search = params.get('q') ?? '';
  const [q, setQ] = useState(search);
  const pages = useCursorPages();
  const list = useQuery({
    queryKey: ['claims', tab, search, pages.cursor],
    queryFn: () =>
      api<Page<Claim>>(
        `/api/claims${qs({ state: TABS[tab] ?? '', q: search, limit: 50, cursor: pages.cursor, order: tab === 'queued' || tab === 'approved' ? 'asc' : 'desc' })}`,
      ),
    placeholderData: keepPreviousData,
  });
  const funds = useQuery({
    queryKey: ['funds'],
    queryFn: () => api<{ items: Fund[] }>('/api/funds'),
    enabled: can(user, 'manager') && tab === 'queued',
  });
  const payQueue = useMutation({
    mutationFn: async () => {
      let paid = 0;
      for (const f of funds.data?.items ?? [])
        paid += (
          await api<ResponseOf<'/api/funds/{id}/pay-queue', 'post'>>(`/api/funds/${f.id}/pay-queue`, { method: 'POST' })
        ).paid;
      return paid;
    },
  });

  return (
    <>
      <h1>{t('nav.claims')}</h1>
      <div className="tabs" role="tablist" aria-label={t('claim.queues')}>
        {(Object.keys(TABS) as Tab[]).map((k) => (
          <button
            key={k}
            type="button"
            role="tab"
            aria-selected={tab === k}
            onClick={() => {
              pages.reset();
              setParams(search ? { tab: k, q: search } : { tab: k }, { replace: true });
            }}
          >
            {t(`claim.tab.${k}`)}
          </button>
        ))}
      </div>
      <form
        className="toolbar"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          pages.reset();
          const next = new URLSearchParams(params);
          if (q.trim()) next.set('q', q.trim());
          else next.delete('q');
          setParams(next, { replace: true });
        }}
      >
        <div className="field">
          <label htmlFor="c-q">{t('claim.search')}</label>
          <input id="c-q" value={q} onChange={(e) => setQ(e.target.value)} placeholder={t('claim.searchHint')} />
        </div>
        <button type="submit">{t('common.search')}</button>
      </form>
      {tab === 'review' && <p className="muted">{t('claim.makerChecker')}</p>}
      {tab === 'queued' && (
        <div className="row">
          <p className="muted">{t('claim.queueExplain')}</p>
          {can(user, 'manager') && (
            <button type="button" onClick={() => payQueue.mutate()} disabled={payQueue.isPending}>
              {t('claim.payQueue')}
            </button>
          )}
          {payQueue.isSuccess && <span role="status">{t('claim.paidN', { n: payQueue.data })}</span>}
        </div>
      )}
      <ProblemMessage error={list.error ?? payQueue.error} />
      <table data-testid="claims-table">
        <thead>
          <tr>
            <th>{t('claim.id')}</th>
            <th>{t('filing.bankRef')}</th>
            <th>{t('claim.borrower')}</th>
            <th>{t('filing.bank')}</th>
            <th>{t('claim.state')}</th>
            <th className="num">{t('claim.outstanding')}</th>
            <th className="num">{t('claim.compensation')}</th>
            <th>{t('claim.submittedAt')}</th>
            <th>{t('claim.dueBy')}</th>
            <th>{t('claim.preparedBy')}</th>
            {tab === 'queued' && <th>{t('claim.queuePosition')}</th>}
          </tr>
        </thead>
        <tbody>
          {list.data?.items.map((c) => (
            <tr key={c.id} data-claim={c.id}>
              <td>
                <Link to={`/claims/${c.id}`}>{c.number}</Link>
              </td>
              <td>
                <Link to={`/filings/${c.filingId}`}>{c.bankRef ?? c.filingId.slice(0, 8)}</Link>
              </td>
              <td>{c.enterpriseName ?? '—'}</td>
              <td>
                <BankName id={c.bankId} />
              </td>
              <td>
                <Badge kind="state" value={c.state} />
                {c.overdue && <span className="badge bad">{t('claim.overdue')}</span>}
              </td>
              <td className="num">
                <Money value={c.outstanding} />
              </td>
              <td className="num">
                <Money value={c.compensation} />
              </td>
              <td>{dateTime(c.submittedAt)}</td>
              <td>{c.dueBy}</td>
              <td>{c.preparedBy ?? '—'}</td>
              {tab === 'queued' && <td>{c.queuePosition ?? '—'}</td>}
            </tr>
          ))}
          {list.data?.items.length === 0 && (
            <tr>
              <td colSpan={11} className="muted">
                {t('common.none')}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <Pager
        pages={pages}
        nextCursor={list.data?.nextCursor}
        total={list.data?.total}
        totalCapped={list.data?.totalCapped}
      />
    </>
  );
}
