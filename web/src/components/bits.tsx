import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { Reason } from '../api/types';
import { yuanInChineseUppercase } from '../../../src/core/money/uppercase';
import { formatYuan, inUnit, isMoney, readableAmount, toFen } from '../lib/money';

/** An amount exact to the fen ("613,369,000.00"): tables, forms, anything to check against a file. */
export function Money({ value }: { value: string | null | undefined }) {
  return <span className="money">{formatYuan(value)}</span>;
}

/**
 * An amount as a person reads it — 6.13 亿元, 348.20 万元 (million/billion in English) — with the
 * exact yuan on hover; the figure is rounded half-up from BigInt fen (lib/money readableAmount).
 */
export function Amount({ value }: { value: string | null | undefined }) {
  const { t, i18n } = useTranslation();
  const r = readableAmount(value, i18n.language);
  if (!r) return <span className="money">{formatYuan(value)}</span>;
  const exact = `${formatYuan(value)} ${t('common.yuan')}`;
  return (
    <span className="money" title={exact} data-exact={formatYuan(value)}>
      {r.value} <small>{r.unit ? t(`unit.${r.unit}`) : t('common.yuan')}</small>
    </span>
  );
}

/**
 * Under a money input: what was typed, in 万元 and in 大写 (人民币大写, as on the payment forms), so
 * an extra zero shows at once. Nothing while the input is empty or not yet money.
 */
export function AmountEcho({ value }: { value: string }) {
  const { t } = useTranslation();
  const text = value.trim().replace(/,/g, '');
  if (!text || !isMoney(text)) return null;
  const fen = toFen(text)!;
  let words: string;
  try {
    words = yuanInChineseUppercase(fen);
  } catch {
    words = '—'; // beyond 万亿: too large to write
  }
  return (
    <span className="amount-echo" data-testid="amount-echo">
      <span data-testid="amount-wan">
        {inUnit(text, 'wan')} {t('unit.wan')}
      </span>
      {' · '}
      <span data-testid="amount-words" lang="zh-CN">
        {words}
      </span>
    </span>
  );
}

/**
 * A date typed and shown as YYYY-MM-DD whatever the browser's locale (a native date input shows
 * the locale's order, 03/01/2024 or 2024/3/1); the calendar button opens the native picker.
 */
export function DateInput({
  value,
  onChange,
  ...p
}: {
  value: string;
  onChange: (v: string) => void;
  id?: string;
  name?: string;
  required?: boolean;
  'aria-label'?: string;
  'aria-invalid'?: boolean;
  'aria-describedby'?: string;
}) {
  const { t } = useTranslation();
  const picker = useRef<HTMLInputElement>(null);
  return (
    <span className="date-input">
      <input
        {...p}
        type="text"
        inputMode="numeric"
        placeholder="YYYY-MM-DD"
        maxLength={10}
        autoComplete="off"
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
      <input
        ref={picker}
        type="date"
        className="date-picker"
        tabIndex={-1}
        aria-hidden="true"
        value={/^\d{4}-\d{2}-\d{2}$/.test(value) ? value : ''}
        onChange={(e) => e.target.value && onChange(e.target.value)}
      />
      <button
        type="button"
        className="link date-button"
        title={t('common.pickDate')}
        aria-label={t('common.pickDate')}
        onClick={() => picker.current?.showPicker?.()}
      >
        <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">
          <rect x="1.5" y="3" width="13" height="11.5" rx="1.5" fill="none" stroke="currentColor" />
          <path d="M1.5 6.5h13M5 1.5v3M11 1.5v3" stroke="currentColor" />
        </svg>
      </button>
    </span>
  );
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
