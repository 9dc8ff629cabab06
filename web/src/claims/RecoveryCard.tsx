/**
 * A paid claim's recoveries (R8): what the bank recovered, its costs (R19) and what flowed back to
 * the fund; and the bank's progress in recovering (追偿进展), stage by stage. The bank or a manager
 * reports both.
 */
import { useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError, newKey } from '../api/client';
import type { Recovery, RecoveryProgress } from '../api/types';
import { can, useAuth } from '../auth/auth';
import { DateInput, Money, today } from '../components/bits';
import { Field, MoneyField } from '../components/Field';
import { ProblemMessage } from '../components/Problem';

const STAGES = ['collection', 'litigation', 'judgment', 'enforcement', 'settlement', 'bankruptcy', 'ended'] as const;

export function RecoveryCard({ claimId }: { claimId: string }) {
  const { t } = useTranslation();
  const { user } = useAuth();
  const recoveries = useQuery({
    queryKey: ['recoveries', claimId],
    retry: false,
    queryFn: () => api<{ items: Recovery[] }>(`/api/claims/${claimId}/recoveries`),
  });
  const progress = useQuery({
    queryKey: ['recovery-progress', claimId],
    retry: false,
    queryFn: () => api<{ items: RecoveryProgress[] }>(`/api/claims/${claimId}/recovery-progress`),
  });
  const [amount, setAmount] = useState('');
  const [costs, setCosts] = useState('');
  const [on, setOn] = useState(today());
  const [stage, setStage] = useState<(typeof STAGES)[number]>('litigation');
  const [stageOn, setStageOn] = useState(today());
  const [note, setNote] = useState('');
  const recovery = useMutation({
    mutationFn: () =>
      api<Recovery>(`/api/claims/${claimId}/recoveries`, {
        method: 'POST',
        body: { amount, ...(costs.trim() ? { costs: costs.trim() } : {}), on },
        headers: { 'idempotency-key': newKey() },
      }),
    onSuccess: () => {
      setAmount('');
      setCosts('');
    },
  });
  const report = useMutation({
    mutationFn: () =>
      api<RecoveryProgress>(`/api/claims/${claimId}/recovery-progress`, {
        method: 'POST',
        body: { stage, on: stageOn, note },
        headers: { 'idempotency-key': newKey() },
      }),
    onSuccess: () => setNote(''),
  });
  const recErr = recovery.error instanceof ApiError ? recovery.error : null;
  const progErr = report.error instanceof ApiError ? report.error : null;
  const mayReport = can(user, 'bank', 'manager');

  return (
    <>
      <h2>{t('recovery.title')}</h2>
      <table>
        <thead>
          <tr>
            <th>{t('loan.on')}</th>
            <th className="num">{t('recovery.amount')}</th>
            <th className="num">{t('recovery.costs')}</th>
            <th className="num">{t('recovery.fundShare')}</th>
          </tr>
        </thead>
        <tbody>
          {recoveries.data?.items.map((r) => (
            <tr key={r.id}>
              <td>{r.recoveredOn}</td>
              <td className="num">
                <Money value={r.recovered} />
              </td>
              <td className="num">
                <Money value={r.costs} />
              </td>
              <td className="num">
                <Money value={r.refund} />
              </td>
            </tr>
          ))}
          {recoveries.data?.items.length === 0 && (
            <tr>
              <td colSpan={4} className="muted">
                {t('common.none')}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {mayReport && (
        <form
          className="toolbar"
          aria-label={t('recovery.report')}
          onSubmit={(e) => {
            e.preventDefault();
            recovery.mutate();
          }}
          noValidate
        >
          <MoneyField
            label={t('recovery.amountYuan')}
            error={recErr?.forField('amount')}
            name="recAmount"
            value={amount}
            onChange={setAmount}
          />
          <MoneyField
            label={t('recovery.costsYuan')}
            error={recErr?.forField('costs')}
            hint={t('recovery.costsHint')}
            name="recCosts"
            value={costs}
            onChange={setCosts}
          />
          <Field label={t('loan.on')} error={recErr?.forField('on')} name="recOn">
            {(p) => <DateInput {...p} value={on} onChange={setOn} />}
          </Field>
          <button type="submit">{t('recovery.report')}</button>
        </form>
      )}
      {recErr && !['amount', 'costs', 'on'].some((f) => recErr.forField(f)) && <ProblemMessage error={recErr} />}

      <h2>{t('recovery.progress')}</h2>
      <table>
        <thead>
          <tr>
            <th>{t('loan.on')}</th>
            <th>{t('recovery.stage')}</th>
            <th>{t('recovery.note')}</th>
          </tr>
        </thead>
        <tbody>
          {progress.data?.items.map((p) => (
            <tr key={p.id}>
              <td>{p.on}</td>
              <td>{t(`recovery.stages.${p.stage}`)}</td>
              <td>{p.note}</td>
            </tr>
          ))}
          {progress.data?.items.length === 0 && (
            <tr>
              <td colSpan={3} className="muted">
                {t('common.none')}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {mayReport && (
        <form
          className="toolbar"
          aria-label={t('recovery.reportProgress')}
          onSubmit={(e) => {
            e.preventDefault();
            report.mutate();
          }}
          noValidate
        >
          <Field label={t('recovery.stage')} error={progErr?.forField('stage')} name="stage">
            {(p) => (
              <select {...p} value={stage} onChange={(e) => setStage(e.target.value as (typeof STAGES)[number])}>
                {STAGES.map((s) => (
                  <option key={s} value={s}>
                    {t(`recovery.stages.${s}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('loan.on')} error={progErr?.forField('on')} name="stageOn">
            {(p) => <DateInput {...p} value={stageOn} onChange={setStageOn} />}
          </Field>
          <Field label={t('recovery.note')} error={progErr?.forField('note')} name="stageNote">
            {(p) => <input {...p} value={note} onChange={(e) => setNote(e.target.value)} />}
          </Field>
          <button type="submit">{t('recovery.reportProgress')}</button>
        </form>
      )}
      {progErr && !['stage', 'on', 'note'].some((f) => progErr.forField(f)) && <ProblemMessage error={progErr} />}
    </>
  );
}
