import { useTranslation } from 'react-i18next';
import type { Reason } from '../api/types';
import { formatYuan } from '../lib/money';

export function Money({ value }: { value: string | null | undefined }) {
  return <span className="money">{formatYuan(value)}</span>;
}

/** A status/state badge with its translated label. */
export function Badge({
  kind,
  value,
}: {
  kind: 'status' | 'state' | 'classification' | 'breaker' | 'dossier';
  value: string;
}) {
  const { t } = useTranslation();
  return <span className={`badge ${value}`}>{t(`${kind}.${value}`, { defaultValue: value })}</span>;
}

/** Every rule with its verdict: failing ones first and in red, each citing its POLICY ids. */
export function Reasons({ reasons, onlyFailing = false }: { reasons: Reason[]; onlyFailing?: boolean }) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language.startsWith('zh');
  const list = [...reasons]
    .filter((r) => r.applies !== false && (!onlyFailing || !r.ok))
    .sort((a, b) => Number(a.ok) - Number(b.ok));
  return (
    <ul className="reasons" data-testid="reasons">
      {list.map((r, i) => (
        <li key={`${r.rule}-${i}`} className={r.ok ? 'pass' : 'fail'} data-rule={r.rule} data-ok={r.ok}>
          <span className="mark" aria-label={r.ok ? t('eval.pass') : t('eval.fail')}>
            {r.ok ? '✓' : '✗'}
          </span>
          <span>
            {zh ? r.zh : r.en}{' '}
            <span className="cites">
              [{r.rule}
              {r.cites?.length ? ` · ${r.cites.join(', ')}` : ''}]
            </span>
          </span>
        </li>
      ))}
    </ul>
  );
}

/** Business dates and times are Beijing's (the server judges deadlines on Beijing days), whatever the browser's zone. */
const BEIJING = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const beijingParts = (d: Date) =>
  Object.fromEntries(BEIJING.formatToParts(d).map((p) => [p.type, p.value])) as Record<string, string>;

/** Today's date in Beijing, YYYY-MM-DD. */
export const today = () => {
  const p = beijingParts(new Date());
  return `${p.year}-${p.month}-${p.day}`;
};

/** The Beijing date (YYYY-MM-DD) of an ISO timestamp. */
export const dateOf = (iso: string) => {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso.slice(0, 10);
  const p = beijingParts(d);
  return `${p.year}-${p.month}-${p.day}`;
};

/** An ISO timestamp shown as YYYY-MM-DD HH:mm, Beijing time. */
export const dateTime = (iso: string | null | undefined) => {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = beijingParts(d);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
};
