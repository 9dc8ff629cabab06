/**
 * One loan: its terms, its timeline (filed, balances, classification, claim, payment, recoveries)
 * and its ledger entries; servicing reports and the bank's claim form; its audit proof.
 */
import { Fragment, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate, useParams } from 'react-router-dom';
import { api, ApiError, newKey, qs, type Page } from '../api/client';
import type { Claim, Filing, FilingDetail, LedgerTransfer } from '../api/types';
import { can, useAuth } from '../auth/auth';
import { Badge, DateInput, dateOf, dateTime, Money, Reasons, today } from '../components/bits';
import { Field, MoneyField } from '../components/Field';
import { Loading, ProblemMessage } from '../components/Problem';
import { formatRate, formatYuan } from '../lib/money';
import { WriteOffCard } from './WriteOffCard';
import { ProofCard } from './ProofCard';
import { AccountName, BankName, GuarantorName, ProgrammeName } from '../components/names';

export default function LoanPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const { user } = useAuth();
  const created = (useLocation().state as { created?: boolean } | null)?.created;
  const filing = useQuery({
    queryKey: ['filing', id],
    queryFn: () => api<FilingDetail>(`/api/filings/${encodeURIComponent(id)}`),
  });
  const f = filing.data;
  const claims = useQuery({
    queryKey: ['claims-of', id],
    enabled: !!f,
    queryFn: async () => (await api<Page<Claim>>(`/api/claims${qs({ filingId: id, limit: 50 })}`)).items,
  });
  const ledger = useQuery({
    queryKey: ['ledger', id],
    enabled: !!f && can(user, 'manager', 'reviewer', 'auditor'),
    retry: false,
    queryFn: () =>
      api<{ items: LedgerTransfer[] }>(
        `/api/ledger/transfers${qs({ entityKind: 'filing', entityId: id, limit: 200 })}`,
      ),
  });

  if (filing.isPending) return <Loading />;
  if (filing.error || !f)
    return (
      <>
        <p>
          <Link to="/filings">← {t('nav.filings')}</Link>
        </p>
        <ProblemMessage error={filing.error} />
      </>
    );

  // The loan's own events already record its claims' submission and payment (with the claim's id):
  // those link to the claim; a claim's entry is added only where the loan has no event for it.
  const claimOf = (data: unknown) =>
    data && typeof data === 'object' && typeof (data as { claimId?: unknown }).claimId === 'string'
      ? (data as { claimId: string }).claimId
      : null;
  const recorded = new Set(f.events.map((e) => `${e.kind}:${claimOf(e.data) ?? ''}`));
  const timeline = [
    ...f.events.map((e) => {
      const claimId = claimOf(e.data);
      return {
        at: e.at,
        on: e.on,
        what: t(`event.${e.kind}`, { defaultValue: e.kind }),
        who: e.actor,
        data: e.data,
        ...(claimId ? { link: `/claims/${claimId}` } : {}),
      };
    }),
    ...(claims.data ?? []).flatMap((c) => [
      ...(recorded.has(`claim-submitted:${c.id}`)
        ? []
        : [
            {
              at: c.submittedAt,
              on: c.submittedOn,
              what: t('event.claim-submitted'),
              who: c.submittedBy,
              data: { compensation: c.compensation },
              link: `/claims/${c.id}`,
            },
          ]),
      ...(c.paidAt && !recorded.has(`claim-paid:${c.id}`)
        ? [
            {
              at: c.paidAt,
              on: dateOf(c.paidAt),
              what: t('event.claim-paid'),
              who: c.paidBy ?? '',
              data: { compensation: c.compensation },
              link: `/claims/${c.id}`,
            },
          ]
        : []),
    ]),
  ].sort((a, b) => a.on.localeCompare(b.on) || a.at.localeCompare(b.at));

  return (
    <>
      <p>
        <Link to="/filings">← {t('nav.filings')}</Link>
      </p>
      {created && (
        <p className="ok-box" role="status">
          {t('loan.created')}
        </p>
      )}
      <div className="row">
        <h1>{t('loan.title', { ref: f.bankRef })}</h1>
        <Badge kind="status" value={f.status} />
        <a className="btn" href={`/api/filings/${encodeURIComponent(f.id)}/documents/filing-confirmation.pdf`} download>
          {t('doc.filingConfirmation')}
        </a>
      </div>
      <div className="grid two">
        <section className="card">
          <dl className="props" data-testid="loan-props">
            <dt>{t('filing.enterprise')}</dt>
            <dd>
              <Link to={`/enterprises/${f.enterpriseId}`}>{f.enterpriseName ?? f.enterpriseId}</Link>
            </dd>
            <dt>{t('filing.bank')}</dt>
            <dd>
              <BankName id={f.bankId} />
            </dd>
            <dt>{t('filing.programme')}</dt>
            <dd>
              <ProgrammeName id={f.programme} /> @ {f.policyVersion}
            </dd>
            <dt>{t('filing.kind')}</dt>
            <dd>{t(`kind.${f.kind}`, { defaultValue: f.kind })}</dd>
            <dt>{t('filing.mode')}</dt>
            <dd>
              {t(`mode.${f.mode}`)}
              {f.parties.length > 0 && (
                <span data-testid="loan-parties">
                  {' ('}
                  {f.parties.map((p, i) => (
                    <Fragment key={`${p.party}-${i}`}>
                      {i > 0 && '，'}
                      {t(`party.${p.party}`, { defaultValue: p.party })}{' '}
                      {p.institutionId && (
                        <>
                          <GuarantorName id={p.institutionId} link />{' '}
                        </>
                      )}
                      {formatRate(p.share)}
                    </Fragment>
                  ))}
                  {')'}
                </span>
              )}
            </dd>
            {f.guarantorId && (
              <>
                <dt>{t('loan.guarantor')}</dt>
                <dd data-testid="guarantor-confirmation">
                  <GuarantorName id={f.guarantorId} link /> ·{' '}
                  {f.guarantorConfirmation
                    ? t('loan.guarantorConfirmed', { on: f.guarantorConfirmation.on, by: f.guarantorConfirmation.by })
                    : t('loan.guarantorUnconfirmed')}
                </dd>
              </>
            )}
            <dt>{t('filing.principal')}</dt>
            <dd>
              <Money value={f.principal} /> {t('common.yuan')}
            </dd>
            <dt>{t('filing.outstanding')}</dt>
            <dd data-testid="outstanding">
              <Money value={f.outstanding} /> {t('common.yuan')}
            </dd>
            <dt>{t('eval.ratio')}</dt>
            <dd>{formatRate(f.ratio)}</dd>
            <dt>{t('loan.reserved')}</dt>
            <dd>
              <Money value={f.reserved} /> {t('common.yuan')}
            </dd>
            <dt>{t('filing.disbursedOn')}</dt>
            <dd>{f.disbursedOn}</dd>
            <dt>{t('filing.maturesOn')}</dt>
            <dd>{f.maturesOn ?? '—'}</dd>
            <dt>{t('filing.filedOn')}</dt>
            <dd>{f.filedOn}</dd>
            <dt>{t('loan.classification')}</dt>
            <dd>
              <Badge kind="classification" value={f.classification} />
              {f.nonPerformingOn && ` · ${t('loan.nplSince', { on: f.nonPerformingOn })}`}
            </dd>
          </dl>
        </section>
        <section className="card">
          <h2 style={{ marginTop: 0 }}>{t('loan.timeline')}</h2>
          <ol className="timeline" data-testid="timeline">
            {timeline.map((e, i) => (
              <li key={i}>
                <strong>{e.on}</strong> {'link' in e && e.link ? <Link to={e.link}>{e.what}</Link> : e.what}{' '}
                <span className="muted">
                  · {e.who} · {dateTime(e.at)}
                </span>
                <EventData data={e.data} />
              </li>
            ))}
          </ol>
        </section>
      </div>
      <GuarantorConfirmation filing={f} />
      <WriteOffCard filing={f} />
      <Actions filing={f} claims={claims.data ?? []} />
      <h2>{t('loan.ledger')}</h2>
      {!can(user, 'manager', 'reviewer', 'auditor') ? (
        <p className="muted">{t('loan.ledgerStaffOnly')}</p>
      ) : ledger.error instanceof ApiError && ledger.error.status === 404 ? (
        <p className="muted">{t('loan.ledgerUnavailable')}</p>
      ) : ledger.error ? (
        <ProblemMessage error={ledger.error} />
      ) : (
        <table data-testid="ledger">
          <thead>
            <tr>
              <th>{t('ledger.at')}</th>
              <th>{t('ledger.code')}</th>
              <th>{t('ledger.debit')}</th>
              <th>{t('ledger.credit')}</th>
              <th className="num">{t('ledger.amount')}</th>
              <th>{t('ledger.state')}</th>
            </tr>
          </thead>
          <tbody>
            {(ledger.data?.items ?? []).map((x) => (
              <tr key={x.id}>
                <td>{dateTime(x.createdAt)}</td>
                <td>
                  {t(`ledgerName.${x.ledger}`, { defaultValue: x.ledger })} · <code>{x.code}</code>
                </td>
                <td>
                  <AccountName id={x.debit} name={x.debitName} />
                </td>
                <td>
                  <AccountName id={x.credit} name={x.creditName} />
                </td>
                <td className="num">
                  <Money value={x.amount} />
                </td>
                <td>{t(`transferKind.${x.kind}`, { defaultValue: x.kind })}</td>
              </tr>
            ))}
            {ledger.data?.items.length === 0 && (
              <tr>
                <td colSpan={6} className="muted">
                  {t('common.none')}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
      <h2>{t('loan.eligibility')}</h2>
      <Reasons reasons={f.reasons} />
      <ProofCard filingId={f.id} bankRef={f.bankRef} />
    </>
  );
}

function EventData({ data }: { data: unknown }) {
  const { t } = useTranslation();
  if (!data || typeof data !== 'object') return null;
  // Ids (the claim's, the recovery's) are left out: the entry links to its claim.
  const entries = Object.entries(data as Record<string, unknown>).filter(
    ([k, v]) => v !== null && v !== undefined && typeof v !== 'object' && !k.endsWith('Id'),
  );
  if (!entries.length) return null;
  const show = (k: string, v: unknown) => {
    const s = String(v);
    if (k === 'ratio') return formatRate(s);
    if (k === 'classification') return t(`classification.${s}`, { defaultValue: s });
    if (k === 'because') return t(`nplBecause.${s}`, { defaultValue: s });
    if (k === 'daysOverdue') return t('loan.days', { n: s });
    return /^-?\d+\.\d{2}$/.test(s) ? `${formatYuan(s)} ${t('common.yuan')}` : s;
  };
  return (
    <div className="muted">
      {entries.map(([k, v]) => `${t(`field.${k}`, { defaultValue: k })}: ${show(k, v)}`).join('；')}
    </div>
  );
}

/** The loan's guarantor confirms its part of a risk-sharing loan (its officers see only its own loans). */
function GuarantorConfirmation({ filing: f }: { filing: Filing }) {
  const { t } = useTranslation();
  const { user } = useAuth();
  const confirm = useMutation({
    mutationFn: () =>
      api<Filing>(`/api/filings/${encodeURIComponent(f.id)}/guarantor-confirmation`, { method: 'POST' }),
  });
  if (user?.role !== 'guarantor' || f.guarantorConfirmation || f.status === 'withdrawn') return null;
  return (
    <section className="card" data-testid="guarantor-confirm" style={{ marginTop: 14 }}>
      <h2 style={{ marginTop: 0 }}>{t('loan.confirmTitle')}</h2>
      <p>{t('loan.confirmExplain')}</p>
      <button type="button" className="primary" disabled={confirm.isPending} onClick={() => confirm.mutate()}>
        {t('loan.confirm')}
      </button>
      <ProblemMessage error={confirm.error} />
    </section>
  );
}

function Actions({ filing: f, claims }: { filing: Filing; claims: Claim[] }) {
  const { t } = useTranslation();
  const { user } = useAuth();
  const navigate = useNavigate();
  const [tab, setTab] = useState<'repayment' | 'balance' | 'classification'>('repayment');
  const [amount, setAmount] = useState('');
  const [on, setOn] = useState(today());
  const [classification, setClassification] = useState('substandard');
  const [overdueSince, setOverdueSince] = useState('');
  const servicing = useMutation({
    mutationFn: () => {
      const path = `/api/filings/${f.id}/${tab === 'repayment' ? 'repayments' : tab}`;
      const body =
        tab === 'repayment'
          ? { amount, on }
          : tab === 'balance'
            ? { outstanding: amount, on }
            : { classification, on, ...(overdueSince ? { overdueSince } : {}) };
      return api<Filing>(path, { method: 'POST', body, headers: { 'idempotency-key': newKey() } });
    },
    onSuccess: () => setAmount(''),
  });
  const claim = useMutation({
    mutationFn: () =>
      api<Claim>('/api/claims', { method: 'POST', body: { filingId: f.id }, headers: { 'idempotency-key': newKey() } }),
    onSuccess: (c) => navigate(`/claims/${c.id}`),
  });
  const live = !['withdrawn', 'repaid', 'compensated', 'written-off', 'recovered'].includes(f.status);
  const openClaim = claims.find((c) => !['rejected', 'withdrawn'].includes(c.state));
  const sErr = servicing.error instanceof ApiError ? servicing.error : null;

  if (!can(user, 'bank', 'manager') || !live) return null;
  function submit(e: FormEvent) {
    e.preventDefault();
    servicing.mutate();
  }
  return (
    <div className="grid two" style={{ marginTop: 14 }}>
      <section className="card">
        <h2 style={{ marginTop: 0 }}>{t('loan.servicing')}</h2>
        <div className="tabs" role="tablist">
          {(['repayment', 'balance', 'classification'] as const).map((k) => (
            <button
              key={k}
              type="button"
              role="tab"
              aria-selected={tab === k}
              onClick={() => {
                setTab(k);
                servicing.reset();
              }}
            >
              {t(`loan.${k}`)}
            </button>
          ))}
        </div>
        <form onSubmit={submit} noValidate className="grid form">
          {tab !== 'classification' ? (
            <MoneyField
              label={tab === 'repayment' ? t('loan.repaidYuan') : t('loan.outstandingYuan')}
              error={sErr?.forField(tab === 'repayment' ? 'amount' : 'outstanding')}
              name="amount"
              value={amount}
              onChange={setAmount}
            />
          ) : (
            <>
              <Field label={t('loan.classification')} error={sErr?.forField('classification')} name="classification">
                {(p) => (
                  <select {...p} value={classification} onChange={(e) => setClassification(e.target.value)}>
                    {['normal', 'special-mention', 'substandard', 'doubtful', 'loss'].map((c) => (
                      <option key={c} value={c}>
                        {t(`classification.${c}`)}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Field label={t('loan.overdueSince')} error={sErr?.forField('overdueSince')} name="overdueSince">
                {(p) => <DateInput {...p} value={overdueSince} onChange={setOverdueSince} />}
              </Field>
            </>
          )}
          <Field label={t('loan.on')} error={sErr?.forField('on')} name="on">
            {(p) => <DateInput {...p} value={on} onChange={setOn} />}
          </Field>
          <div className="field">
            <span>&nbsp;</span>
            <button type="submit" className="primary" disabled={servicing.isPending}>
              {t('loan.report')}
            </button>
          </div>
        </form>
        {sErr &&
          !sErr.errors.some((e) =>
            ['amount', 'outstanding', 'on', 'classification', 'overdueSince'].includes(e.field),
          ) && <ProblemMessage error={sErr} />}
        {servicing.isSuccess && (
          <p className="ok-box" role="status">
            {t('loan.reported')}
          </p>
        )}
      </section>
      {user?.role === 'bank' && (
        <section className="card" data-testid="claim-form">
          <h2 style={{ marginTop: 0 }}>{t('claim.file')}</h2>
          {openClaim ? (
            <p>
              {t('claim.exists')} <Link to={`/claims/${openClaim.id}`}>{openClaim.number}</Link>
            </p>
          ) : f.status !== 'non-performing' ? (
            <p className="muted">{t('claim.needNpl')}</p>
          ) : (
            <>
              <p>
                {t('claim.explain', { outstanding: '' })}
                <Money value={f.outstanding} /> {t('common.yuan')} × {formatRate(f.ratio)}
              </p>
              <button type="button" className="primary" disabled={claim.isPending} onClick={() => claim.mutate()}>
                {t('claim.submit')}
              </button>
              <ProblemMessage error={claim.error} />
            </>
          )}
        </section>
      )}
    </div>
  );
}
