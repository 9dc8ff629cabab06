/**
 * Filings: a server-side paged, sorted and filtered table. The URL holds the sort and filters;
 * pages are cursors from the server (`nextCursor`), with a stack for going back.
 */
import { useProgrammes } from '../api/programmes';
import { useMemo, useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { createColumnHelper, flexRender, getCoreRowModel, useReactTable } from '@tanstack/react-table';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { api, qs, type Page } from '../api/client';
import type { Filing, Institution } from '../api/types';
import { can, useAuth } from '../auth/auth';
import { Badge, Money } from '../components/bits';
import { ProblemMessage } from '../components/Problem';
import { Pager, useCursorPages } from '../components/Pager';
import { BankName, ProgrammeName } from '../components/names';

const SORTABLE = ['filedOn', 'principal', 'outstanding', 'bankRef', 'disbursedOn'] as const;
type Sort = (typeof SORTABLE)[number];
const STATUSES = ['active', 'repaid', 'withdrawn', 'non-performing', 'compensated', 'written-off', 'recovered'];
const KINDS = ['credit', 'ip-pledge', 'receivables-pledge', 'mortgage'];
const col = createColumnHelper<Filing>();

export default function FilingsPage() {
  const { t, i18n } = useTranslation();
  const { user } = useAuth();
  const [params, setParams] = useSearchParams();
  const pages = useCursorPages();
  const sort = (SORTABLE.includes(params.get('sort') as Sort) ? params.get('sort') : 'filedOn') as Sort;
  const order = params.get('order') === 'asc' ? 'asc' : 'desc';
  const filters = {
    status: params.get('status') ?? '',
    bankId: params.get('bankId') ?? '',
    programme: params.get('programme') ?? '',
    kind: params.get('kind') ?? '',
    mode: params.get('mode') ?? '',
    guarantorConfirmed: params.get('guarantorConfirmed') ?? '',
    q: params.get('q') ?? '',
  };
  const [q, setQ] = useState(filters.q);
  const cursor = pages.cursor;

  const page = useQuery({
    queryKey: ['filings', sort, order, filters, cursor],
    queryFn: ({ signal }) =>
      api<Page<Filing>>(`/api/filings${qs({ limit: 50, sort, order, ...filters, cursor })}`, { signal }),
    placeholderData: keepPreviousData,
  });
  const programmes = useProgrammes();
  const banks = useQuery({
    queryKey: ['institutions', 'bank'],
    enabled: user?.role !== 'bank',
    queryFn: () => api<{ items: Institution[] }>('/api/institutions?kind=bank'),
  });
  const zh = i18n.language.startsWith('zh');

  function update(patch: Record<string, string>) {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch))
      if (v) next.set(k, v);
      else next.delete(k);
    pages.reset();
    setParams(next, { replace: true });
  }
  function toggleSort(s: Sort) {
    update({ sort: s, order: s === sort && order === 'desc' ? 'asc' : 'desc' });
  }

  const columns = useMemo(
    () => [
      col.accessor('bankRef', {
        header: () => t('filing.bankRef'),
        cell: (c) => <Link to={`/filings/${c.row.original.id}`}>{c.getValue()}</Link>,
      }),
      col.accessor((f) => f.enterpriseName ?? f.enterpriseId, {
        id: 'enterprise',
        header: () => t('filing.enterprise'),
      }),
      col.accessor('bankId', { header: () => t('filing.bank'), cell: (c) => <BankName id={c.getValue()} /> }),
      col.accessor('programme', {
        header: () => t('filing.programme'),
        cell: (c) => <ProgrammeName id={c.getValue()} link={false} />,
      }),
      col.accessor('kind', {
        header: () => t('filing.kind'),
        cell: (c) => t(`kind.${c.getValue()}`, { defaultValue: c.getValue() }),
      }),
      col.accessor('principal', {
        header: () => t('filing.principal'),
        cell: (c) => <Money value={c.getValue()} />,
        meta: { num: true },
      }),
      col.accessor('outstanding', {
        header: () => t('filing.outstanding'),
        cell: (c) => <Money value={c.getValue()} />,
        meta: { num: true },
      }),
      col.accessor('disbursedOn', { header: () => t('filing.disbursedOn') }),
      col.accessor('filedOn', { header: () => t('filing.filedOn') }),
      col.accessor('mode', { header: () => t('filing.mode'), cell: (c) => t(`mode.${c.getValue()}`) }),
      col.accessor('status', {
        header: () => t('filing.status'),
        cell: (c) => <Badge kind="status" value={c.getValue()} />,
      }),
    ],
    [t],
  );

  const table = useReactTable({
    data: page.data?.items ?? [],
    columns,
    getCoreRowModel: getCoreRowModel(),
    manualSorting: true,
    manualPagination: true,
    manualFiltering: true,
  });

  return (
    <>
      <div className="row">
        <h1>{t('nav.filings')}</h1>
        <span className="spacer" />
        {can(user, 'bank', 'manager') && (
          <>
            <Link to="/filings/upload">{t('filing.upload')}</Link>{' '}
            <Link to="/filings/new" className="btn primary">
              {t('filing.new')}
            </Link>
          </>
        )}
      </div>
      <form
        className="toolbar"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          update({ q });
        }}
      >
        <div className="field">
          <label htmlFor="f-q">{t('filing.search')}</label>
          <input id="f-q" value={q} onChange={(e) => setQ(e.target.value)} placeholder={t('filing.searchHint')} />
        </div>
        <div className="field">
          <label htmlFor="f-status">{t('filing.status')}</label>
          <select id="f-status" value={filters.status} onChange={(e) => update({ status: e.target.value })}>
            <option value="">{t('common.all')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-programme">{t('filing.programme')}</label>
          <select
            id="f-programme"
            style={{ maxWidth: '24em' }}
            value={filters.programme}
            onChange={(e) => update({ programme: e.target.value })}
          >
            <option value="">{t('common.all')}</option>
            {programmes.data?.map((p) => (
              <option key={p.id} value={p.id} title={p.id}>
                {i18n.language.startsWith('zh') ? p.title.zh : p.title.en}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-kind">{t('filing.kind')}</label>
          <select id="f-kind" value={filters.kind} onChange={(e) => update({ kind: e.target.value })}>
            <option value="">{t('common.all')}</option>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`kind.${k}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-mode">{t('filing.mode')}</label>
          <select id="f-mode" value={filters.mode} onChange={(e) => update({ mode: e.target.value })}>
            <option value="">{t('common.all')}</option>
            <option value="direct">{t('mode.direct')}</option>
            <option value="risk-sharing">{t('mode.risk-sharing')}</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-confirmed">{t('filing.guarantorConfirmed')}</label>
          <select
            id="f-confirmed"
            value={filters.guarantorConfirmed}
            onChange={(e) => update({ guarantorConfirmed: e.target.value })}
          >
            <option value="">{t('common.all')}</option>
            <option value="false">{t('loan.guarantorUnconfirmed')}</option>
            <option value="true">{t('filing.confirmed')}</option>
          </select>
        </div>
        {user?.role !== 'bank' && (
          <div className="field">
            <label htmlFor="f-bank">{t('filing.bank')}</label>
            <select id="f-bank" value={filters.bankId} onChange={(e) => update({ bankId: e.target.value })}>
              <option value="">{t('common.all')}</option>
              {banks.data?.items.map((b) => (
                <option key={b.id} value={b.id}>
                  {zh ? b.name : (b.nameEn ?? b.name)}
                </option>
              ))}
              {filters.bankId && banks.data && !banks.data.items.some((b) => b.id === filters.bankId) && (
                <option value={filters.bankId}>{filters.bankId}</option>
              )}
            </select>
          </div>
        )}
        <button type="submit">{t('common.search')}</button>
      </form>
      <ProblemMessage error={page.error} />
      <table data-testid="filings-table" aria-busy={page.isFetching}>
        <thead>
          {table.getHeaderGroups().map((hg) => (
            <tr key={hg.id}>
              {hg.headers.map((h) => {
                const id = h.column.id as Sort;
                const sortable = SORTABLE.includes(id);
                const num = (h.column.columnDef.meta as { num?: boolean } | undefined)?.num;
                const aria = sortable && id === sort ? (order === 'asc' ? 'ascending' : 'descending') : undefined;
                return (
                  <th key={h.id} className={num ? 'num' : undefined} aria-sort={aria}>
                    {sortable ? (
                      <button type="button" className="sort" onClick={() => toggleSort(id)}>
                        {flexRender(h.column.columnDef.header, h.getContext())}
                        {id === sort ? (order === 'asc' ? ' ▲' : ' ▼') : ''}
                      </button>
                    ) : (
                      flexRender(h.column.columnDef.header, h.getContext())
                    )}
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody>
          {table.getRowModel().rows.map((r) => (
            <tr key={r.id}>
              {r.getVisibleCells().map((c) => (
                <td
                  key={c.id}
                  className={(c.column.columnDef.meta as { num?: boolean } | undefined)?.num ? 'num' : undefined}
                >
                  {flexRender(c.column.columnDef.cell, c.getContext())}
                </td>
              ))}
            </tr>
          ))}
          {page.data && page.data.items.length === 0 && (
            <tr>
              <td colSpan={columns.length} className="muted">
                {t('common.none')}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <Pager
        pages={pages}
        nextCursor={page.data?.nextCursor}
        total={page.data?.total}
        totalCapped={page.data?.totalCapped}
      />
    </>
  );
}
