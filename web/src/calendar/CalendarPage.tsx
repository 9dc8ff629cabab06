/**
 * The working-day calendar (节假日日历) G6's filing deadline is counted on: the years it covers and
 * its last day — past which filings cannot be judged until the next year is entered — and each
 * year's holidays and make-up working days (调休上班), newest first. Every role reads it; a manager
 * enters the next year from the State Council's notice or corrects a year (YearForm).
 */
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { useCalendar } from '../api/calendar';
import type { HolidayYear } from '../api/types';
import { useAuth } from '../auth/auth';
import { dateTime, today } from '../components/bits';
import { Loading, ProblemMessage } from '../components/Problem';
import { daysIn, weekdayOf } from './days';
import { YearForm, type Editing } from './YearForm';

export default function CalendarPage() {
  const { t } = useTranslation();
  const { user } = useAuth();
  const q = useCalendar();
  const [editing, setEditing] = useState<Editing | null>(null);
  const [saved, setSaved] = useState<Editing | null>(null);
  if (q.isPending) return <Loading />;
  if (q.error) return <ProblemMessage error={q.error} />;
  const { covered, lastDay, years } = q.data;
  const manager = user?.role === 'manager';
  const newest = [...years].sort((a, b) => b.year - a.year);
  const next = (newest[0]?.year ?? Number(lastDay.slice(0, 4))) + 1;
  const past = today() > lastDay;

  const open = (e: Editing) => {
    setSaved(null);
    setEditing(e);
  };
  const done = (e: Editing) => {
    setEditing(null);
    setSaved(e);
  };
  const form = (e: Editing) => (
    <YearForm key={`${e.mode}-${e.year}`} editing={e} onCancel={() => setEditing(null)} onSaved={() => done(e)} />
  );

  return (
    <>
      <p>
        <Link to="/programmes">← {t('nav.programmes')}</Link>
      </p>
      <h1>{t('cal.title')}</h1>
      <p className="muted">{t('cal.intro')}</p>
      <section className="card" data-testid="cal-summary">
        <dl className="props">
          <dt>{t('cal.covered')}</dt>
          <dd data-testid="cal-covered">{covered}</dd>
          <dt>{t('cal.lastDay')}</dt>
          <dd data-testid="cal-last-day">{lastDay}</dd>
        </dl>
        <p className={past ? 'error-box' : 'warn-box'} role="note" data-testid="cal-beyond">
          {past && <strong style={{ marginRight: '0.4em' }}>{t('cal.pastLastDay', { today: today() })}</strong>}
          {manager ? t('cal.beyondManager', { lastDay, next }) : t('cal.beyondOthers', { lastDay, next })}
        </p>
        {manager && editing?.mode !== 'enter' && (
          <button type="button" className="primary" onClick={() => open({ mode: 'enter', year: next, initial: null })}>
            {t('cal.enterNext', { year: next })}
          </button>
        )}
      </section>
      {editing?.mode === 'enter' && <div style={{ marginTop: 14 }}>{form(editing)}</div>}
      <div className="cal-years" data-testid="cal-years">
        {newest.map((y) => (
          <YearCard
            key={y.year}
            y={y}
            canCorrect={manager && editing?.year !== y.year}
            onCorrect={() =>
              open({
                mode: 'correct',
                year: y.year,
                initial: { notice: y.notice, holidays: y.holidays, makeUpWorkdays: y.makeUpWorkdays },
              })
            }
            saved={saved?.year === y.year ? saved : null}
          >
            {editing?.mode === 'correct' && editing.year === y.year ? form(editing) : null}
          </YearCard>
        ))}
      </div>
    </>
  );
}

function YearCard({
  y,
  canCorrect,
  onCorrect,
  saved,
  children,
}: {
  y: HolidayYear;
  canCorrect: boolean;
  onCorrect: () => void;
  saved: Editing | null;
  children: ReactNode;
}) {
  const { t, i18n } = useTranslation();
  return (
    <section
      className="card"
      data-testid={`cal-year-${y.year}`}
      data-source={y.source}
      aria-labelledby={`cal-year-${y.year}-h`}
    >
      <div className="row">
        <h2 id={`cal-year-${y.year}-h`}>{t('cal.year', { year: y.year })}</h2>
        <span className={`badge${y.source === 'entered' ? ' active' : ''}`} data-testid="cal-source">
          {t(`cal.source.${y.source}`)}
        </span>
        <span className="spacer" />
        {canCorrect && (
          <button type="button" onClick={onCorrect}>
            {t('cal.correctYear', { year: y.year })}
          </button>
        )}
      </div>
      {saved && (
        <p className="ok-box" role="status" data-testid="cal-saved">
          {t(saved.mode === 'enter' ? 'cal.savedEnter' : 'cal.savedCorrect', { year: y.year })}
        </p>
      )}
      <dl className="props">
        <dt>{t('cal.notice')}</dt>
        <dd data-testid="cal-notice">{y.notice}</dd>
        <dt>{t('cal.sourceLabel')}</dt>
        <dd>
          {y.source === 'entered'
            ? t('cal.enteredBy', { by: y.enteredBy ?? '—', at: dateTime(y.enteredAt) })
            : t('cal.shippedHint')}
        </dd>
      </dl>
      {children ?? (
        <div className="grid two cal-tables">
          <div>
            <h3>{t('cal.holidays')}</h3>
            <table data-testid="cal-holidays">
              <colgroup>
                <col style={{ width: '24%' }} />
                <col style={{ width: '32%' }} />
                <col style={{ width: '32%' }} />
                <col style={{ width: '12%' }} />
              </colgroup>
              <thead>
                <tr>
                  <th>{t('cal.name')}</th>
                  <th>{t('cal.from')}</th>
                  <th>{t('cal.to')}</th>
                  <th className="num">{t('cal.days')}</th>
                </tr>
              </thead>
              <tbody>
                {[...y.holidays]
                  .sort((a, b) => a.from.localeCompare(b.from))
                  .map((h) => (
                    <tr key={`${h.name}-${h.from}`}>
                      <td className="nowrap">{h.name}</td>
                      <td>
                        <DateAndDay date={h.from} />
                      </td>
                      <td>
                        <DateAndDay date={h.to} />
                      </td>
                      <td className="num">{daysIn(h.from, h.to)}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
          <div>
            <h3>{t('cal.makeUp')}</h3>
            <table data-testid="cal-makeup">
              <colgroup>
                <col style={{ width: '50%' }} />
                <col style={{ width: '50%' }} />
              </colgroup>
              <thead>
                <tr>
                  <th>{t('cal.date')}</th>
                  <th>{t('cal.weekday')}</th>
                </tr>
              </thead>
              <tbody>
                {[...y.makeUpWorkdays].sort().map((d) => (
                  <tr key={d}>
                    <td>{d}</td>
                    <td>{weekdayOf(d, i18n.language)}</td>
                  </tr>
                ))}
                {!y.makeUpWorkdays.length && (
                  <tr>
                    <td colSpan={2} className="muted">
                      {t('cal.noMakeUp')}
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </section>
  );
}

/** A date with its weekday, which may go to the next line as a whole on a narrow screen. */
function DateAndDay({ date }: { date: string }) {
  const { t, i18n } = useTranslation();
  return (
    <>
      <span className="nowrap">{date}</span>
      <wbr />
      <span className="muted nowrap">{t('cal.dayInParens', { day: weekdayOf(date, i18n.language) })}</span>
    </>
  );
}
