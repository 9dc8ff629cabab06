/**
 * A manager enters the next year of the working-day calendar from the State Council's notice, or
 * corrects a year (pre-filled): the notice, each holiday's name and days off from–to, and the
 * Saturdays and Sundays worked (调休上班). Empty fields are named here first, as the filing form
 * does; the server's refusal (`errors[].field`: `holidays[1].to`, `makeUpWorkdays[0]` …) stands
 * beside the input it names, in the page's language. In force at once; the calendar is refetched.
 */
import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError, inLanguage } from '../api/client';
import { CALENDAR_KEY, putHolidayYear } from '../api/calendar';
import type { HolidayYearInput } from '../api/types';
import { Field } from '../components/Field';
import { DateInput } from '../components/bits';
import { ProblemMessage } from '../components/Problem';
import { weekdayOf } from './days';

/** What the manager is doing: entering the next year, or correcting one the calendar holds. */
export interface Editing {
  mode: 'enter' | 'correct';
  year: number;
  initial: HolidayYearInput | null;
}

/** The server takes at most 40 holidays and 40 make-up days a year. */
const MAX_ROWS = 40;
const HOLIDAY_PARTS = ['name', 'from', 'to'] as const;

interface HolidayRow {
  key: number;
  name: string;
  from: string;
  to: string;
}
interface DayRow {
  key: number;
  date: string;
}

let nextKey = 1;
const holidayRow = (h: Partial<HolidayRow> = {}): HolidayRow => ({ name: '', from: '', to: '', ...h, key: nextKey++ });
const dayRow = (date = ''): DayRow => ({ key: nextKey++, date });

export function YearForm({
  editing,
  onCancel,
  onSaved,
}: {
  editing: Editing;
  onCancel: () => void;
  onSaved: () => void;
}) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const base = useId();
  const [notice, setNotice] = useState(editing.initial?.notice ?? '');
  const [holidays, setHolidays] = useState<HolidayRow[]>(() =>
    editing.initial?.holidays.length ? editing.initial.holidays.map((h) => holidayRow(h)) : [holidayRow()],
  );
  const [days, setDays] = useState<DayRow[]>(() => (editing.initial?.makeUpWorkdays ?? []).map(dayRow));
  const [tried, setTried] = useState(false);
  const [submitError, setSubmitError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  // Opened: the form comes into view with the notice field focused.
  useEffect(() => {
    form.current?.scrollIntoView({ block: 'start' });
    form.current?.querySelector<HTMLElement>('input')?.focus({ preventScroll: true });
  }, []);

  // Required fields, named as the API names them, so one lookup serves both.
  const missing: string[] = [
    ...(notice.trim() ? [] : ['notice']),
    ...holidays.flatMap((h, i) => HOLIDAY_PARTS.filter((k) => !h[k].trim()).map((k) => `holidays[${i}].${k}`)),
    ...days.flatMap((d, i) => (d.date ? [] : [`makeUpWorkdays[${i}]`])),
  ];
  const err = (field: string): string | undefined => {
    if (tried && missing.includes(field)) return t('filing.required');
    const hit = submitError?.errors.find((e) => e.field === field);
    return hit && inLanguage(hit);
  };
  // Every field the form shows an error beside; the server's others are listed below the form.
  const placed = new Set([
    'year',
    'notice',
    'holidays',
    'makeUpWorkdays',
    ...holidays.flatMap((_, i) => [`holidays[${i}]`, ...HOLIDAY_PARTS.map((k) => `holidays[${i}].${k}`)]),
    ...days.map((_, i) => `makeUpWorkdays[${i}]`),
  ]);
  const unplaced = submitError?.sent.filter((e) => !placed.has(e.field)) ?? [];
  const otherErrors =
    submitError && (!submitError.sent.length || unplaced.length)
      ? unplaced.length
        ? new ApiError(submitError.status, submitError.title, submitError.detail, unplaced, submitError.detailZh)
        : submitError
      : null;
  const fieldErrorsShown = !!submitError && submitError.sent.length > unplaced.length;

  const focusFirstInvalid = () =>
    setTimeout(() => form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(), 0);
  // Removing a row moves the rows below it: the server's errors named them by their old places.
  const setHolidayRows = (rows: HolidayRow[]) => {
    setHolidays(rows);
    setSubmitError(null);
  };
  const setDayRows = (rows: DayRow[]) => {
    setDays(rows);
    setSubmitError(null);
  };
  const setHoliday = (key: number, patch: Partial<HolidayRow>) =>
    setHolidays((rows) => rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));

  async function submit(e: FormEvent) {
    e.preventDefault();
    setTried(true);
    if (missing.length) {
      focusFirstInvalid();
      return;
    }
    setBusy(true);
    setSubmitError(null);
    try {
      await putHolidayYear(editing.year, {
        notice: notice.trim(),
        holidays: holidays.map((h) => ({ name: h.name.trim(), from: h.from, to: h.to })),
        makeUpWorkdays: days.map((d) => d.date),
      });
      await qc.invalidateQueries({ queryKey: CALENDAR_KEY });
      onSaved();
    } catch (x) {
      setSubmitError(x instanceof ApiError ? x : new ApiError(0, 'network', undefined, []));
      focusFirstInvalid();
    } finally {
      setBusy(false);
    }
  }

  /** An input in a row, with its error beside it (announced, and tied to the input). */
  const cell = (
    field: string,
    input: (p: { 'aria-invalid'?: boolean; 'aria-describedby'?: string }) => ReactNode,
  ): ReactNode => {
    const message = err(field);
    const id = `${base}-${field.replace(/[^a-zA-Z0-9]/g, '-')}-err`;
    return (
      <>
        {input(message ? { 'aria-invalid': true, 'aria-describedby': id } : {})}
        {message && (
          <div className="field-error" id={id} role="alert" data-field-error={field}>
            {message}
          </div>
        )}
      </>
    );
  };
  const listError = (field: string) => {
    const message = err(field);
    return message ? (
      <p className="field-error" role="alert" data-field-error={field}>
        {message}
      </p>
    ) : null;
  };

  const title =
    editing.mode === 'enter'
      ? t('cal.formEnter', { year: editing.year })
      : t('cal.formCorrect', { year: editing.year });
  return (
    <form ref={form} className="card cal-form" onSubmit={submit} noValidate aria-label={title} data-testid="cal-form">
      <h2 style={{ marginTop: 0 }}>{title}</h2>
      <p className="hint">{editing.mode === 'enter' ? t('cal.formHint') : t('cal.correctHint')}</p>
      {listError('year')}
      <Field
        label={t('cal.noticeLabel')}
        error={err('notice')}
        name="notice"
        hint={t('cal.noticeHint', { year: editing.year })}
      >
        {(p) => <input {...p} value={notice} maxLength={500} onChange={(e) => setNotice(e.target.value)} required />}
      </Field>

      <fieldset>
        <legend>{t('cal.holidays')}</legend>
        <p className="hint">{t('cal.holidaysHint')}</p>
        {listError('holidays')}
        <table className="cal-rows" data-testid="cal-form-holidays">
          <colgroup>
            <col style={{ width: 36 }} />
            <col />
            <col style={{ width: '26%' }} />
            <col style={{ width: '26%' }} />
            <col style={{ width: 64 }} />
          </colgroup>
          <thead>
            <tr>
              <th>#</th>
              <th>{t('cal.name')}</th>
              <th>{t('cal.from')}</th>
              <th>{t('cal.to')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {holidays.flatMap((h, i) => {
              const f = `holidays[${i}]`;
              const rowError = err(f);
              return [
                <tr key={h.key} data-row={i}>
                  <td className="muted">{i + 1}</td>
                  <td data-label={t('cal.name')}>
                    {cell(`${f}.name`, (p) => (
                      <input
                        {...p}
                        aria-label={t('cal.holidayName', { n: i + 1 })}
                        value={h.name}
                        maxLength={50}
                        placeholder={t('cal.namePlaceholder')}
                        onChange={(e) => setHoliday(h.key, { name: e.target.value })}
                      />
                    ))}
                  </td>
                  <td data-label={t('cal.from')}>
                    {cell(`${f}.from`, (p) => (
                      <DateInput
                        {...p}
                        aria-label={t('cal.holidayFrom', { n: i + 1 })}
                        value={h.from}
                        onChange={(v) => setHoliday(h.key, { from: v })}
                      />
                    ))}
                  </td>
                  <td data-label={t('cal.to')}>
                    {cell(`${f}.to`, (p) => (
                      <DateInput
                        {...p}
                        aria-label={t('cal.holidayTo', { n: i + 1 })}
                        value={h.to}
                        onChange={(v) => setHoliday(h.key, { to: v })}
                      />
                    ))}
                  </td>
                  <td>
                    <button
                      type="button"
                      className="link"
                      aria-label={t('cal.removeHoliday', { n: i + 1 })}
                      onClick={() => setHolidayRows(holidays.filter((x) => x.key !== h.key))}
                      disabled={holidays.length <= 1}
                    >
                      {t('cal.remove')}
                    </button>
                  </td>
                </tr>,
                ...(rowError
                  ? [
                      <tr key={`${h.key}-err`}>
                        <td />
                        <td colSpan={4}>
                          <div className="field-error" role="alert" data-field-error={f}>
                            {rowError}
                          </div>
                        </td>
                      </tr>,
                    ]
                  : []),
              ];
            })}
          </tbody>
        </table>
        <button
          type="button"
          onClick={() => setHolidayRows([...holidays, holidayRow()])}
          disabled={holidays.length >= MAX_ROWS}
          style={{ marginTop: 8 }}
        >
          {t('cal.addHoliday')}
        </button>
      </fieldset>

      <fieldset>
        <legend>{t('cal.makeUp')}</legend>
        <p className="hint">{t('cal.makeUpHint')}</p>
        {listError('makeUpWorkdays')}
        {days.length > 0 && (
          <table className="cal-rows cal-days" data-testid="cal-form-makeup">
            <colgroup>
              <col style={{ width: 36 }} />
              <col />
              <col style={{ width: 90 }} />
              <col style={{ width: 64 }} />
            </colgroup>
            <thead>
              <tr>
                <th>#</th>
                <th>{t('cal.date')}</th>
                <th>{t('cal.weekday')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {days.map((d, i) => (
                <tr key={d.key} data-row={i}>
                  <td className="muted">{i + 1}</td>
                  <td data-label={t('cal.date')}>
                    {cell(`makeUpWorkdays[${i}]`, (p) => (
                      <DateInput
                        {...p}
                        aria-label={t('cal.makeUpN', { n: i + 1 })}
                        value={d.date}
                        onChange={(v) => setDays((rows) => rows.map((r) => (r.key === d.key ? { ...r, date: v } : r)))}
                      />
                    ))}
                  </td>
                  <td>{weekdayOf(d.date, i18n.language)}</td>
                  <td>
                    <button
                      type="button"
                      className="link"
                      aria-label={t('cal.removeMakeUp', { n: i + 1 })}
                      onClick={() => setDayRows(days.filter((x) => x.key !== d.key))}
                    >
                      {t('cal.remove')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {!days.length && <p className="muted">{t('cal.noMakeUp')}</p>}
        <button
          type="button"
          onClick={() => setDayRows([...days, dayRow()])}
          disabled={days.length >= MAX_ROWS}
          style={{ marginTop: 8 }}
        >
          {t('cal.addMakeUp')}
        </button>
      </fieldset>

      {otherErrors && <ProblemMessage error={otherErrors} />}
      {fieldErrorsShown && !otherErrors && <p className="field-error">{t('cal.fixFields')}</p>}
      <div className="row">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('common.wait') : t('cal.save')}
        </button>
        <button type="button" onClick={onCancel} disabled={busy}>
          {t('cal.cancel')}
        </button>
      </div>
    </form>
  );
}
