/**
 * A write-off (核销) of a compensated loan, in two hands (R18): the bank or a manager asks, with the
 * day and basis of the bank's own write-off; a second person of the fund's staff approves or rejects
 * it. Approved, what is left stops counting against the bank's cap for the enterprise (R16);
 * recoveries go on after it (R8).
 */
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError, newKey } from '../api/client';
import type { Filing, WriteOff } from '../api/types';
import { can, useAuth } from '../auth/auth';
import { DateInput, dateTime, today } from '../components/bits';
import { Field } from '../components/Field';
import { ProblemMessage } from '../components/Problem';

export function WriteOffCard({ filing: f }: { filing: Filing }) {
  const { t } = useTranslation();
  const { user } = useAuth();
  const [on, setOn] = useState(today());
  const [reason, setReason] = useState('');
  const [note, setNote] = useState('');
  const writeOffs = useQuery({
    queryKey: ['write-offs', f.id],
    enabled: f.status === 'compensated' || f.status === 'written-off',
    retry: false,
    queryFn: () => api<{ items: WriteOff[] }>(`/api/filings/${encodeURIComponent(f.id)}/write-offs`),
  });
  const ask = useMutation({
    mutationFn: () =>
      api<WriteOff>(`/api/filings/${encodeURIComponent(f.id)}/write-off`, {
        method: 'POST',
        body: { on, reason },
        headers: { 'idempotency-key': newKey() },
      }),
    onSuccess: () => setReason(''),
  });
  const decide = useMutation({
    mutationFn: (decision: 'approve' | 'reject') =>
      api(`/api/filings/${encodeURIComponent(f.id)}/write-off/${decision}`, {
        method: 'POST',
        body: note.trim() ? { note: note.trim() } : {},
        headers: { 'idempotency-key': newKey() },
      }),
    onSuccess: () => setNote(''),
  });
  const waiting = writeOffs.data?.items.find((w) => w.state === 'requested');
  const decided = writeOffs.data?.items.filter((w) => w.state !== 'requested') ?? [];
  const askErr = ask.error instanceof ApiError ? ask.error : null;
  if (f.status !== 'compensated' && decided.length === 0) return null;
  function submit(e: FormEvent) {
    e.preventDefault();
    ask.mutate();
  }
  const mayDecide = waiting && can(user, 'manager', 'reviewer') && waiting.requestedBy !== user?.username;
  return (
    <section className="card" data-testid="write-off" style={{ marginTop: 14 }}>
      <h2 style={{ marginTop: 0 }}>{t('loan.writeOffTitle')}</h2>
      <p className="muted">{t('loan.writeOffExplain')}</p>
      {decided.length > 0 && (
        <ul>
          {decided.map((w) => (
            <li key={w.id}>
              {t(`loan.writeOffStates.${w.state}`)} · {w.on} · {w.reason} ·{' '}
              {t('loan.writeOffAsked', { who: w.requestedBy })}
              {' · '}
              {t('loan.writeOffDecided', { who: w.decidedBy ?? '' })} {w.decidedAt ? dateTime(w.decidedAt) : ''}
              {w.decisionNote ? ` · ${w.decisionNote}` : ''}
            </li>
          ))}
        </ul>
      )}
      {waiting && (
        <div data-testid="write-off-waiting">
          <p>
            <strong>{t('loan.writeOffStates.requested')}</strong> · {waiting.on} · {waiting.reason} ·{' '}
            {t('loan.writeOffAsked', { who: waiting.requestedBy })} {dateTime(waiting.requestedAt)}
          </p>
          {mayDecide ? (
            <div className="toolbar">
              <Field label={t('loan.writeOffNote')} name="writeOffNote">
                {(p) => <input {...p} value={note} onChange={(e) => setNote(e.target.value)} />}
              </Field>
              <button
                type="button"
                className="primary"
                disabled={decide.isPending}
                onClick={() => decide.mutate('approve')}
              >
                {t('loan.writeOffApprove')}
              </button>
              <button type="button" disabled={decide.isPending} onClick={() => decide.mutate('reject')}>
                {t('loan.writeOffReject')}
              </button>
            </div>
          ) : (
            <p className="muted">{t('loan.writeOffWaits')}</p>
          )}
          <ProblemMessage error={decide.error} />
        </div>
      )}
      {!waiting && f.status === 'compensated' && can(user, 'bank', 'manager') && (
        <form onSubmit={submit} noValidate className="grid form">
          <Field label={t('loan.on')} error={askErr?.forField('on')} name="writeOffOn">
            {(p) => <DateInput {...p} value={on} onChange={setOn} />}
          </Field>
          <Field label={t('loan.writeOffReason')} error={askErr?.forField('reason')} name="writeOffReason">
            {(p) => <input {...p} value={reason} onChange={(e) => setReason(e.target.value)} />}
          </Field>
          <div className="field">
            <span>&nbsp;</span>
            <button type="submit" className="primary" disabled={ask.isPending}>
              {t('loan.writeOff')}
            </button>
          </div>
        </form>
      )}
      {askErr && !askErr.errors.some((e) => ['on', 'reason'].includes(e.field)) && <ProblemMessage error={askErr} />}
    </section>
  );
}
