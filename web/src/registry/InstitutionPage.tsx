/** A bank or guarantor: its agreements and quotas, and (for a bank) its circuit breaker and why. */
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { api, ApiError } from '../api/client';
import type { Agreement, CircuitBreaker, Institution } from '../api/types';
import { Money } from '../components/bits';
import { Loading, ProblemMessage } from '../components/Problem';
import { pick } from '../i18n';
import { FundName, ProgrammeName } from '../components/names';
import { formatRate } from '../lib/money';

export default function InstitutionPage({ kind }: { kind: 'bank' | 'guarantor' }) {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  // Brackets as each language writes them: full-width in Chinese text.
  const [open, close] = i18n.language.startsWith('zh') ? ['（', '）'] : [' (', ')'];
  const inst = useQuery({
    queryKey: ['institution', id],
    queryFn: () => api<Institution>(`/api/institutions/${encodeURIComponent(id)}`),
  });
  const agreements = useQuery({
    queryKey: ['agreements'],
    retry: false,
    queryFn: () => api<{ items: Agreement[] }>('/api/agreements'),
  });
  const breaker = useQuery({
    queryKey: ['breaker', id],
    enabled: kind === 'bank',
    retry: false,
    queryFn: () => api<CircuitBreaker>(`/api/breakers/${encodeURIComponent(id)}`),
  });
  if (inst.isPending) return <Loading />;
  if (!inst.data) return <ProblemMessage error={inst.error} />;
  const i = inst.data;
  const mine = (agreements.data?.items ?? []).filter((a) => a.institutionId === id);
  const b = breaker.data;
  return (
    <>
      <p>
        <Link to={kind === 'bank' ? '/banks' : '/guarantors'}>
          ← {t(kind === 'bank' ? 'nav.banks' : 'nav.guarantors')}
        </Link>
      </p>
      <h1>{i18n.language.startsWith('zh') ? i.name : (i.nameEn ?? i.name)}</h1>
      <p className="muted">
        <code>{i.id}</code> · {t(`instKind.${i.kind}`, { defaultValue: i.kind })}
      </p>
      {kind === 'bank' && (
        <section className="card" data-testid="breaker">
          <h2 style={{ marginTop: 0 }}>{t('inst.breaker')}</h2>
          {b ? (
            <>
              <p className={b.tripped ? 'error-box' : 'ok-box'}>{pick(b.why, i18n.language)}</p>
              <dl className="props">
                <dt>{t('inst.filedPrincipal')}</dt>
                <dd>
                  <Money value={b.filedPrincipal} />
                </dd>
                <dt>{t('inst.claimedNpl')}</dt>
                <dd>
                  <Money value={b.claimedNplPrincipal} />
                </dd>
                <dt>{t('dash.claimRatio')}</dt>
                <dd>
                  {formatRate(b.claimRatio)}
                  {open}
                  {t('inst.threshold')} {formatRate(b.thresholds.claimRatioAbove)}
                  {close}
                </dd>
                <dt>{t('inst.paid')}</dt>
                <dd>
                  <Money value={b.compensationPaid} />
                </dd>
                <dt>{t('inst.refunded')}</dt>
                <dd>
                  <Money value={b.refunded} />
                </dd>
                <dt>{t('inst.netCompensation')}</dt>
                <dd>
                  <Money value={b.netCompensation} />
                  {open}
                  {t('inst.threshold')} <Money value={b.thresholds.netCompensationAbove} />
                  {close}
                </dd>
                <dt>{t('prog.cites')}</dt>
                <dd>{b.cites.join(', ')}</dd>
              </dl>
            </>
          ) : breaker.error instanceof ApiError && breaker.error.status === 404 ? (
            <p className="muted">{t('common.none')}</p>
          ) : (
            <ProblemMessage error={breaker.error} />
          )}
        </section>
      )}
      <h2>{t('inst.agreements')}</h2>
      <ProblemMessage error={agreements.error} />
      <table data-testid="agreements">
        <thead>
          <tr>
            <th>{t('inst.fund')}</th>
            <th>{t('filing.programme')}</th>
            <th>{t('inst.signedOn')}</th>
            <th>{t('inst.endsOn')}</th>
            <th className="num">{t('inst.quota')}</th>
          </tr>
        </thead>
        <tbody>
          {mine.map((a) => (
            <tr key={a.id}>
              <td>
                <FundName id={a.fundId} />
              </td>
              <td>
                <ProgrammeName id={a.programmeId} />
              </td>
              <td>{a.signedOn}</td>
              <td>{a.endsOn ?? '—'}</td>
              <td className="num">{a.quota ? <Money value={a.quota} /> : t('inst.noQuota')}</td>
            </tr>
          ))}
          {!mine.length && (
            <tr>
              <td colSpan={5} className="muted">
                {t('common.none')}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {kind === 'bank' && (
        <p>
          <Link to={`/filings?bankId=${encodeURIComponent(id)}`}>{t('inst.loans')}</Link>
        </p>
      )}
    </>
  );
}
