/**
 * 退回补正 (R21) on a claim's page: the fund's staff send an undecided claim back to the bank,
 * ticking the checklist items to add or replace and saying what is missing; while it is back, everyone
 * sees what was asked and by when, and the bank resubmits once it has added a file to each item named.
 */
import { useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api/client';
import type { Claim, Dossier } from '../api/types';
import { can, useAuth } from '../auth/auth';
import { dateTime } from '../components/bits';
import { Field } from '../components/Field';
import { ProblemMessage } from '../components/Problem';
import { pick } from '../i18n';

export function ReturnCard({ claim }: { claim: Claim }) {
  const { t, i18n } = useTranslation();
  const { user } = useAuth();
  const dossier = useQuery({
    queryKey: ['dossier', claim.id],
    queryFn: () => api<Dossier>(`/api/claims/${encodeURIComponent(claim.id)}/materials`),
  });
  const [items, setItems] = useState<string[]>([]);
  const [note, setNote] = useState('');
  const send = useMutation({
    mutationFn: () =>
      api<Claim>(`/api/claims/${encodeURIComponent(claim.id)}/return`, { method: 'POST', body: { items, note } }),
    onSuccess: () => {
      setItems([]);
      setNote('');
    },
  });
  const resubmit = useMutation({
    mutationFn: () => api<Claim>(`/api/claims/${encodeURIComponent(claim.id)}/resubmit`, { method: 'POST' }),
  });
  const title = (id: string) => {
    const item = dossier.data?.items.find((i) => i.id === id);
    return item ? pick(item.title, i18n.language) : id;
  };
  const mayReturn = ['submitted', 'under-review'].includes(claim.state) && can(user, 'manager', 'reviewer');
  const asked = claim.state === 'returned' ? claim.returnRequest : null;
  if (!mayReturn && !asked) return null;
  const sendErr = send.error instanceof ApiError ? send.error : null;

  return (
    <section className="card" data-testid="claim-return">
      <h2 style={{ marginTop: 0 }}>{t('claimReturn.title')}</h2>
      {asked && (
        <>
          <p className="error-box" data-testid="return-request">
            {t('claimReturn.asked', { by: asked.by, at: dateTime(asked.at), dueBy: asked.dueBy })}
          </p>
          {asked.items.length > 0 && dossier.data && (
            <ul>
              {asked.items.map((id) => (
                <li key={id}>{title(id)}</li>
              ))}
            </ul>
          )}
          <p style={{ whiteSpace: 'pre-wrap' }}>{asked.note}</p>
          {user?.role === 'bank' && (
            <>
              <p className="muted">{t('claimReturn.bankHint')}</p>
              <button type="button" className="primary" onClick={() => resubmit.mutate()} disabled={resubmit.isPending}>
                {t('claimReturn.resubmit')}
              </button>
              {resubmit.error && <ProblemMessage error={resubmit.error} />}
            </>
          )}
        </>
      )}
      {mayReturn && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            send.mutate();
          }}
        >
          <p className="muted">{t('claimReturn.hint')}</p>
          <fieldset data-testid="return-items">
            <legend>{t('claimReturn.items')}</legend>
            {(dossier.data?.items ?? []).map((i) => (
              <label key={i.id} style={{ display: 'block' }}>
                <input
                  type="checkbox"
                  name="items"
                  value={i.id}
                  checked={items.includes(i.id)}
                  onChange={(e) => setItems(e.target.checked ? [...items, i.id] : items.filter((x) => x !== i.id))}
                />{' '}
                {pick(i.title, i18n.language)}
              </label>
            ))}
          </fieldset>
          <Field label={t('claimReturn.note')} error={sendErr?.forField('note')} name="note">
            {(p) => <textarea {...p} rows={3} value={note} onChange={(e) => setNote(e.target.value)} />}
          </Field>
          <button type="submit" disabled={send.isPending}>
            {t('claimReturn.send')}
          </button>
          {sendErr && !sendErr.forField('note') && <ProblemMessage error={sendErr} />}
        </form>
      )}
    </section>
  );
}
