import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, ApiError } from '../api/client';
import type { BreakerRow, Institution } from '../api/types';
import { Loading, ProblemMessage } from '../components/Problem';
import { formatRate, formatYuan } from '../lib/money';

export default function InstitutionsPage({ kind }: { kind: 'bank' | 'guarantor' }) {
  const { t, i18n } = useTranslation();
  const list = useQuery({
    queryKey: ['institutions', kind],
    queryFn: () => api<{ items: Institution[] }>(`/api/institutions?kind=${kind}`),
  });
  const breakers = useQuery({
    queryKey: ['breakers'],
    enabled: kind === 'bank',
    retry: false,
    queryFn: async () => {
      try {
        return await api<{ items: BreakerRow[] }>('/api/breakers');
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) return { items: [] };
        throw e;
      }
    },
  });
  if (list.isPending) return <Loading />;
  if (!list.data) return <ProblemMessage error={list.error} />;
  const base = kind === 'bank' ? '/banks' : '/guarantors';
  const br = new Map((breakers.data?.items ?? []).map((b) => [b.bankId, b]));
  return (
    <>
      <h1>{t(kind === 'bank' ? 'nav.banks' : 'nav.guarantors')}</h1>
      <table>
        <thead>
          <tr>
            <th>{t('inst.name')}</th>
            <th>{t('inst.id')}</th>
            <th>{t('inst.inZone')}</th>
            {kind === 'bank' && (
              <>
                <th className="num">{t('dash.claimRatio')}</th>
                <th className="num">{t('inst.netCompensation')}</th>
                <th>{t('dash.breaker')}</th>
              </>
            )}
          </tr>
        </thead>
        <tbody>
          {list.data.items.map((i) => {
            const b = br.get(i.id);
            return (
              <tr key={i.id}>
                <td>
                  <Link to={`${base}/${i.id}`}>{i18n.language.startsWith('zh') ? i.name : (i.nameEn ?? i.name)}</Link>
                </td>
                <td>
                  <code>{i.id}</code>
                </td>
                <td>{i.registeredInZone ? t('common.yes') : t('common.no')}</td>
                {kind === 'bank' && (
                  <>
                    <td className="num">{formatRate(b?.claimRatio)}</td>
                    <td className="num">{b ? formatYuan(b.netCompensation) : '—'}</td>
                    <td>
                      {b ? (
                        <span className={`badge ${b.tripped ? 'tripped' : 'ok'}`}>
                          {t(b.tripped ? 'breaker.tripped' : 'breaker.ok')}
                        </span>
                      ) : (
                        '—'
                      )}
                    </td>
                  </>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}
