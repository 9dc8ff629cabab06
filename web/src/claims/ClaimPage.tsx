/** One claim: its figures and history, and the next step for whoever may take it (maker–checker). */
import { useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { api, ApiError } from '../api/client';
import type { Claim, ClaimDetail } from '../api/types';
import { can, useAuth } from '../auth/auth';
import { Badge, dateTime, Money, Reasons } from '../components/bits';
import { Field } from '../components/Field';
import { Loading, ProblemMessage } from '../components/Problem';
import { pick } from '../i18n';
import { Dossier } from './Dossier';
import { RecoveryCard } from './RecoveryCard';
import { FindingsCard } from './FindingsCard';
import { ReturnCard } from './ReturnCard';
import { StagesCard } from './StagesCard';
import { BankName, FundName } from '../components/names';

/** The server's own notes on a claim's steps, in the page's language; a reviewer's words as written. */
const SYSTEM_NOTES: Record<string, string> = {
  'circuit breaker (G4)': 'breaker',
  'circuit breaker lifted (G4)': 'breakerLifted',
  'earlier claims wait first': 'earlierFirst',
  'the fund lacks cash (R7a)': 'lacksCash',
};

export default function ClaimPage() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  const noteText = (note: string | null) =>
    note && SYSTEM_NOTES[note] ? t(`claim.notes.${SYSTEM_NOTES[note]}`) : (note ?? '');
  const { user } = useAuth();
  const claim = useQuery({
    queryKey: ['claim', id],
    queryFn: () => api<ClaimDetail>(`/api/claims/${encodeURIComponent(id)}`),
  });
  const [reason, setReason] = useState('');
  const step = useMutation({
    mutationFn: (s: 'prepare' | 'approve' | 'reject' | 'withdraw' | 'pay') =>
      api<Claim>(`/api/claims/${id}/${s}`, { method: 'POST', ...(s === 'reject' ? { body: { reason } } : {}) }),
  });

  if (claim.isPending) return <Loading />;
  const c = claim.data;
  if (!c)
    return (
      <>
        <p>
          <Link to="/claims">← {t('nav.claims')}</Link>
        </p>
        <ProblemMessage error={claim.error} />
      </>
    );
  const isPreparer = c.preparedBy === user?.username;
  // Under review, the waiting stage's roles decide (R23), never one who signed an earlier stage (R18).
  const waitingStage = c.state === 'under-review' ? c.stages[c.stage ?? 0] : undefined;
  const signedEarlier = c.signOffs.some((o) => o.by === user?.username);
  const mayDecide = !!waitingStage && !!user && waitingStage.by.includes(user.role);
  // Whether this user has a step to take now; if not, the card says who has (or that the claim is closed).
  const canAct =
    (c.state === 'submitted' && can(user, 'manager')) ||
    (c.state === 'under-review' && mayDecide) ||
    (c.state === 'approved' && can(user, 'manager')) ||
    (['submitted', 'under-review', 'held', 'returned'].includes(c.state) && user?.role === 'bank');
  const stepErr = step.error instanceof ApiError ? step.error : null;

  return (
    <>
      <p>
        <Link to="/claims">← {t('nav.claims')}</Link>
      </p>
      <div className="row">
        <h1>{t('claim.title', { id: c.number })}</h1>
        <Badge kind="state" value={c.state} />
        <a className="btn" href={`/api/claims/${encodeURIComponent(c.id)}/documents/approval-form.pdf`} download>
          {t('doc.approvalForm')}
        </a>
        {c.state === 'paid' && (
          <a className="btn" href={`/api/claims/${encodeURIComponent(c.id)}/documents/payment-notice.pdf`} download>
            {t('doc.paymentNotice')}
          </a>
        )}
      </div>
      {c.heldReason && <p className="error-box">{pick(c.heldReason, i18n.language)}</p>}
      <div className="grid two">
        <section className="card">
          <dl className="props" data-testid="claim-props">
            <dt>{t('filing.bankRef')}</dt>
            <dd>
              <Link to={`/filings/${c.filingId}`}>{c.bankRef ?? c.filingId}</Link>
            </dd>
            <dt>{t('claim.borrower')}</dt>
            <dd>{c.enterpriseName ?? '—'}</dd>
            <dt>{t('filing.bank')}</dt>
            <dd>
              <BankName id={c.bankId} />
            </dd>
            <dt>{t('claim.fund')}</dt>
            <dd>
              <FundName id={c.fundId} />
            </dd>
            <dt>{t('claim.outstanding')}</dt>
            <dd>
              <Money value={c.outstanding} /> {t('common.yuan')}
            </dd>
            <dt>{t('claim.compensation')}</dt>
            <dd data-testid="compensation">
              <strong>
                <Money value={c.compensation} />
              </strong>{' '}
              {t('common.yuan')}
            </dd>
            <dt>{t('claim.submittedAt')}</dt>
            <dd>
              {dateTime(c.submittedAt)} · {c.submittedBy}
            </dd>
            <dt>{t('claim.dueBy')}</dt>
            <dd>
              {c.dueBy}
              {c.overdue && <span className="badge bad">{t('claim.overdue')}</span>}
            </dd>
            <dt>{t('claim.preparedBy')}</dt>
            <dd>{c.preparedBy ?? '—'}</dd>
            <dt>{t('claim.decidedBy')}</dt>
            <dd>
              {c.decidedBy ?? '—'}
              {c.decidedAt && ` · ${dateTime(c.decidedAt)}`}
            </dd>
            {c.rejectionReason && (
              <>
                <dt>{t('claim.rejectionReason')}</dt>
                <dd>{c.rejectionReason}</dd>
              </>
            )}
            {c.queuePosition !== null && (
              <>
                <dt>{t('claim.queuePosition')}</dt>
                <dd>{c.queuePosition}</dd>
              </>
            )}
            <dt>{t('claim.paidAt')}</dt>
            <dd>
              {dateTime(c.paidAt)}
              {c.paidBy && ` · ${c.paidBy}`}
            </dd>
          </dl>
        </section>
        <section className="card" data-testid="claim-actions">
          <h2 style={{ marginTop: 0 }}>{t('claim.next')}</h2>
          {c.state === 'submitted' && can(user, 'manager') && (
            <button type="button" className="primary" onClick={() => step.mutate('prepare')} disabled={step.isPending}>
              {t('claim.prepare')}
            </button>
          )}
          {c.state === 'under-review' && mayDecide && (
            <>
              {isPreparer && (
                <p className="error" role="note" data-testid="maker-checker">
                  {t('claim.youPrepared')}
                </p>
              )}
              {signedEarlier && (
                <p className="error" role="note">
                  {t('stages.youSigned')}
                </p>
              )}
              {c.stages.length > 1 && waitingStage && (
                <p className="muted">{t('stages.deciding', { stage: pick(waitingStage.title, i18n.language) })}</p>
              )}
              <div className="row">
                <button
                  type="button"
                  className="primary"
                  onClick={() => step.mutate('approve')}
                  disabled={step.isPending || isPreparer || signedEarlier}
                >
                  {c.stages.length > 1 && c.stage !== c.stages.length - 1 ? t('stages.sign') : t('claim.approve')}
                </button>
              </div>
              <Field label={t('claim.rejectReason')} error={stepErr?.forField('reason')} name="reason">
                {(p) => <input {...p} value={reason} onChange={(e) => setReason(e.target.value)} />}
              </Field>
              <button
                type="button"
                className="danger"
                onClick={() => step.mutate('reject')}
                disabled={step.isPending || isPreparer}
              >
                {t('claim.reject')}
              </button>
            </>
          )}
          {c.state === 'approved' && can(user, 'manager') && (
            <button type="button" className="primary" onClick={() => step.mutate('pay')} disabled={step.isPending}>
              {t('claim.pay')}
            </button>
          )}
          {['submitted', 'under-review', 'held', 'returned'].includes(c.state) && user?.role === 'bank' && (
            <button type="button" onClick={() => step.mutate('withdraw')} disabled={step.isPending}>
              {t('claim.withdraw')}
            </button>
          )}
          {!canAct && (
            <p className="muted" data-testid="next-by">
              {t(`claim.nextBy.${c.state}`, { defaultValue: '' })}
            </p>
          )}
          {stepErr && !stepErr.forField('reason') && <ProblemMessage error={stepErr} />}
          {step.isSuccess && (
            <p className="ok-box" role="status">
              {t('claim.done')}
            </p>
          )}
        </section>
      </div>
      <StagesCard claim={c} />
      <ReturnCard claim={c} />
      <FindingsCard claim={c} />
      <Dossier claimId={c.id} claimState={c.state} />
      <h2>{t('claim.history')}</h2>
      <table data-testid="claim-history">
        <thead>
          <tr>
            <th>{t('ledger.at')}</th>
            <th>{t('claim.event')}</th>
            <th>{t('claim.state')}</th>
            <th>{t('claim.actor')}</th>
            <th>{t('claim.note')}</th>
          </tr>
        </thead>
        <tbody>
          {c.events.map((e, i) => (
            <tr key={i}>
              <td>{dateTime(e.at)}</td>
              <td>{t(`claim.ev.${e.event}`, { defaultValue: e.event })}</td>
              <td>
                {e.from ? `${t(`state.${e.from}`)} → ` : ''}
                {t(`state.${e.to}`)}
              </td>
              <td>{e.actor}</td>
              <td>{noteText(e.note)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {Array.isArray(c.reasons) && c.reasons.length > 0 && (
        <>
          <h2>{t('claim.reasons')}</h2>
          <Reasons reasons={c.reasons} />
        </>
      )}
      {c.state === 'paid' && <RecoveryCard claimId={c.id} />}
    </>
  );
}
