import { useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, qs, type Page } from '../api/client';
import type { Enterprise } from '../api/types';
import { ProblemMessage } from '../components/Problem';
import { Pager, useCursorPages } from '../components/Pager';
import { IndustryName } from '../components/names';

export default function EnterprisesPage() {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const [search, setSearch] = useState('');
  const pages = useCursorPages();
  const list = useQuery({
    queryKey: ['enterprises', search, pages.cursor],
    placeholderData: keepPreviousData,
    queryFn: () => api<Page<Enterprise>>(`/api/enterprises${qs({ q: search, limit: 50, cursor: pages.cursor })}`),
  });
  return (
    <>
      <h1>{t('nav.enterprises')}</h1>
      <form
        className="toolbar"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          pages.reset();
          setSearch(q);
        }}
      >
        <div className="field">
          <label htmlFor="e-q">{t('ent.search')}</label>
          <input id="e-q" value={q} onChange={(e) => setQ(e.target.value)} placeholder={t('ent.searchHint')} />
        </div>
        <button type="submit">{t('common.search')}</button>
      </form>
      <ProblemMessage error={list.error} />
      <table data-testid="enterprises-table">
        <thead>
          <tr>
            <th>{t('ent.name')}</th>
            <th>{t('ent.creditCode')}</th>
            <th>{t('ent.size')}</th>
            <th>{t('ent.industry')}</th>
            <th>{t('ent.sciTech')}</th>
            <th>{t('ent.inZone')}</th>
            <th>{t('ent.qualifications')}</th>
          </tr>
        </thead>
        <tbody>
          {list.data?.items.map((e) => (
            <tr key={e.id}>
              <td>
                <Link to={`/enterprises/${e.id}`}>{e.name}</Link>
              </td>
              <td>
                <code>{e.creditCode}</code>
              </td>
              <td>{t(`size.${e.size}`)}</td>
              <td>
                <IndustryName code={e.industry} />
              </td>
              <td>{e.sciTech ? t('common.yes') : t('common.no')}</td>
              <td>{e.registeredInZone ? t('common.yes') : t('common.no')}</td>
              <td>{e.qualifications.map((x) => t(`qual.${x.kind}`, { defaultValue: x.kind })).join('、') || '—'}</td>
            </tr>
          ))}
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
