import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { api, qs, type Page } from '../api/client';
import type { Enterprise, Filing } from '../api/types';
import { Badge, Money } from '../components/bits';
import { Loading, ProblemMessage } from '../components/Problem';
import { BankName, IndustryName } from '../components/names';

export default function EnterprisePage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const e = useQuery({
    queryKey: ['enterprise', id],
    queryFn: () => api<Enterprise>(`/api/enterprises/${encodeURIComponent(id)}`),
  });
  const loans = useQuery({
    queryKey: ['filings-of-enterprise', id],
    queryFn: () => api<Page<Filing>>(`/api/filings${qs({ enterpriseId: id, limit: 100 })}`),
    retry: false,
  });
  if (e.isPending) return <Loading />;
  if (!e.data) return <ProblemMessage error={e.error} />;
  const x = e.data;
  return (
    <>
      <p>
        <Link to="/enterprises">← {t('nav.enterprises')}</Link>
      </p>
      <h1>{x.name}</h1>
      <section className="card">
        <dl className="props">
          <dt>{t('ent.creditCode')}</dt>
          <dd>
            <code>{x.creditCode}</code>
          </dd>
          <dt>{t('ent.size')}</dt>
          <dd>{t(`size.${x.size}`)}</dd>
          <dt>{t('ent.industry')}</dt>
          <dd>
            <IndustryName code={x.industry} />
          </dd>
          <dt>{t('ent.sciTech')}</dt>
          <dd>{x.sciTech ? t('common.yes') : t('common.no')}</dd>
          <dt>{t('ent.inZone')}</dt>
          <dd>{x.registeredInZone ? t('common.yes') : t('common.no')}</dd>
          <dt>{t('ent.restricted')}</dt>
          <dd>{x.restrictedProcesses ? t('common.yes') : t('common.no')}</dd>
        </dl>
      </section>
      <h2>{t('ent.qualifications')}</h2>
      <table>
        <thead>
          <tr>
            <th>{t('ent.qualKind')}</th>
            <th>{t('ent.validFrom')}</th>
            <th>{t('ent.validTo')}</th>
            <th>{t('ent.certificate')}</th>
          </tr>
        </thead>
        <tbody>
          {x.qualifications.map((q) => (
            <tr key={q.id}>
              <td>{t(`qual.${q.kind}`, { defaultValue: q.kind })}</td>
              <td>{q.validFrom}</td>
              <td>{q.validTo}</td>
              <td>{q.certificateNo ?? '—'}</td>
            </tr>
          ))}
          {!x.qualifications.length && (
            <tr>
              <td colSpan={4} className="muted">
                {t('common.none')}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <h2>{t('ent.loans')}</h2>
      <table>
        <thead>
          <tr>
            <th>{t('filing.bankRef')}</th>
            <th>{t('filing.bank')}</th>
            <th className="num">{t('filing.principal')}</th>
            <th className="num">{t('filing.outstanding')}</th>
            <th>{t('filing.filedOn')}</th>
            <th>{t('filing.status')}</th>
          </tr>
        </thead>
        <tbody>
          {loans.data?.items.map((f) => (
            <tr key={f.id}>
              <td>
                <Link to={`/filings/${f.id}`}>{f.bankRef}</Link>
              </td>
              <td>
                <BankName id={f.bankId} />
              </td>
              <td className="num">
                <Money value={f.principal} />
              </td>
              <td className="num">
                <Money value={f.outstanding} />
              </td>
              <td>{f.filedOn}</td>
              <td>
                <Badge kind="status" value={f.status} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
