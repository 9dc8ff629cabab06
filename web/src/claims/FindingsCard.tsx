/**
 * 尽职审查 (R22) on a claim's page: the programme's list of the bank's failures, each with the share
 * of the compensation it withholds; the manager who prepared the claim records findings with a note
 * while it is under review, or takes one back; everyone sees the findings, the cut and the
 * compensation as cut (the server computes it: one rounding).
 */
import { useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api/client';
import type { Claim, DueDiligence } from '../api/types';
import { useAuth } from '../auth/auth';
import { dateTime, Money } from '../components/bits';
import { ProblemMessage } from '../components/Problem';
import { pick } from '../i18n';
import { formatBasisPoints } from '../lib/money';

export function FindingsCard({ claim }: { claim: Claim }) {
  const { t, i18n } = useTranslation();
  const { user } = useAuth();
  const path = `/api/claims/${encodeURIComponent(claim.id)}/findings`;
  const list = useQuery({ queryKey: ['findings', claim.id, claim.version], queryFn: () => api<DueDiligence>(path) });
  const [notes, setNotes] = useState<Record<string, string>>({});
  const record = useMutation({
    mutationFn: (findingId: string) =>
      api<Claim>(path, { method: 'POST', body: { findingId, note: notes[findingId] ?? '' } }),
  });
  const withdraw = useMutation({
    mutationFn: (findingId: string) => api<Claim>(`${path}/${encodeURIComponent(findingId)}`, { method: 'DELETE' }),
  });
  const d = list.data;
  if (!d || !d.items.length) return null;
  const mayRecord = claim.state === 'under-review' && claim.preparedBy === user?.username;
  if (!mayRecord && !d.items.some((i) => i.found)) return null;
  const err = [record.error, withdraw.error].find((e) => e instanceof ApiError) as ApiError | undefined;

  return (
    <section className="card" data-testid="claim-findings">
      <h2 style={{ marginTop: 0 }}>{t('findings.title')}</h2>
      <p data-testid="findings-summary">
        {t('findings.summary', { cut: formatBasisPoints(d.cutBp) })} <Money value={d.compensation} /> {t('common.yuan')}
      </p>
      {mayRecord && <p className="muted">{t('findings.hint')}</p>}
      <table>
        <thead>
          <tr>
            <th>{t('findings.item')}</th>
            <th>{t('findings.cut')}</th>
            <th>{t('findings.found')}</th>
            {mayRecord && <th />}
          </tr>
        </thead>
        <tbody>
          {d.items
            .filter((i) => mayRecord || i.found)
            .map((i) => (
              <tr key={i.id} data-testid={`finding-${i.id}`} data-found={i.found ? 'yes' : 'no'}>
                <td>{pick(i.title, i18n.language)}</td>
                <td>{formatBasisPoints(i.cutBp)}</td>
                <td>
                  {i.found ? (
                    <>
                      {i.found.note}
                      <div className="muted">
                        {i.found.by} · {dateTime(i.found.at)}
                      </div>
                    </>
                  ) : (
                    '—'
                  )}
                </td>
                {mayRecord && (
                  <td>
                    {i.found ? (
                      <button type="button" onClick={() => withdraw.mutate(i.id)} disabled={withdraw.isPending}>
                        {t('findings.withdraw')}
                      </button>
                    ) : (
                      <div className="row">
                        <input
                          aria-label={t('findings.note')}
                          placeholder={t('findings.note')}
                          value={notes[i.id] ?? ''}
                          onChange={(e) => setNotes({ ...notes, [i.id]: e.target.value })}
                        />
                        <button type="button" onClick={() => record.mutate(i.id)} disabled={record.isPending}>
                          {t('findings.record')}
                        </button>
                      </div>
                    )}
                  </td>
                )}
              </tr>
            ))}
        </tbody>
      </table>
      {err && <ProblemMessage error={err} />}
    </section>
  );
}
