/**
 * A claim's stages after its preparation (R23): the programme's sign-offs in order — who gives each,
 * its SLA — with those signed (by whom, when), the one waiting (its due date, red when overdue) and
 * those not reached yet.
 */
import { useTranslation } from 'react-i18next';
import type { ClaimDetail } from '../api/types';
import { dateTime } from '../components/bits';
import { pick } from '../i18n';

export function StagesCard({ claim }: { claim: ClaimDetail }) {
  const { t, i18n } = useTranslation();
  if (!claim.preparedBy && !claim.signOffs.length) return null;
  return (
    <section className="card" data-testid="claim-stages">
      <h2 style={{ marginTop: 0 }}>{t('stages.title')}</h2>
      <ol className="stages">
        <li data-state="signed">
          <strong>{t('stages.preliminary')}</strong> · {claim.preparedBy ?? '—'}
        </li>
        {claim.stages.map((s, i) => {
          const signed = claim.signOffs.find((o) => o.stage === s.id);
          const waiting = claim.state === 'under-review' && claim.stage === i;
          return (
            <li key={s.id} data-testid={`stage-${s.id}`} data-state={signed ? 'signed' : waiting ? 'waiting' : 'ahead'}>
              <strong>{pick(s.title, i18n.language)}</strong>{' '}
              <span className="muted">
                ({s.by.map((r) => t(`role.${r}`)).join(' / ')} · {t('stages.workingDays', { n: s.workingDays })})
              </span>
              <div>
                {signed
                  ? t('stages.signed', { by: signed.by, at: dateTime(signed.at) })
                  : waiting
                    ? t('stages.waiting', { dueBy: claim.stageDueBy ?? '—' })
                    : t('stages.ahead')}
                {waiting && claim.stageOverdue && <span className="badge bad">{t('claim.overdue')}</span>}
              </div>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
