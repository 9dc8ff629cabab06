/**
 * The simulation's inputs: the live book (all funds or one), PD per grade — set by the manager or
 * estimated from the book's history (GET /api/simulations/book lists the grades with their
 * history; the manager's value is then the fallback for grades with too little), the policy variants
 * (the filed terms, each shipped programme, edited copies), scenarios, years, seed, correlation,
 * and the fund's cash with its top-ups for the exhaustion paths. Errors — the form's own and the
 * API's problem details (`errors[].field`) — are shown beside the field they name.
 */
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, inLanguage, localError, qs, type FieldError } from '../api/client';
import type { Fund, Programme } from '../api/types';
import { Field } from '../components/Field';
import { pick } from '../i18n';
import { formatYuan } from '../lib/money';
import { cleanMoney, errorFor, moneyOk, percentToProbability, percentToRate } from './convert';
import { formatProbability } from './SimulationResults';
import type { SimulationBook, SimulationRequest, VariantRequest } from './types';

export const MAX_VARIANTS = 8;
/** The live book grades loans by their five-category classification; active loans are these two (until the book says which it has). */
const BOOK_GRADES = ['normal', 'special-mention'];
type PdSource = 'manager' | 'history';
const DEFAULT_PD: Record<string, string> = { normal: '1.5', 'special-mention': '12' };

interface VariantRow {
  key: number;
  name: string;
  programme: string;
  ratio: string;
  capMode: 'keep' | 'amount' | 'none';
  cap: string;
}

let nextKey = 1;
const row = (v: Partial<VariantRow>): VariantRow => ({
  key: nextKey++,
  name: '',
  programme: '',
  ratio: '',
  capMode: 'keep',
  cap: '',
  ...v,
});

export interface FormValues {
  fundId: string;
  /** Grades beyond the book's own (named by an API error). */
  grades: string[];
  pdSource: PdSource;
  pd: Record<string, string>;
  variants: VariantRow[];
  scenarios: string;
  years: string;
  seed: string;
  rho: string;
  /** The copula, ν of the t, and whether the PDs from history carry their uncertainty into the losses. */
  copula: 'gaussian' | 't';
  nu: string;
  pdUncertainty: boolean;
  withFund: boolean;
  cash: string;
  topUps: string;
  recoveryRate: string;
  recoveryDelay: string;
  /** Stress: PD multipliers ("1.5, 2"), a correlation (%), one sector's shock. */
  stressPd: string;
  stressRho: string;
  shockSector: string;
  shockMultiplier: string;
  withReverse: boolean;
  reverseTarget: string;
  reverseYears: string;
  reverseOver: 'pd' | 'correlation';
  withTopUp: boolean;
  topUpTarget: string;
  topUpYears: string;
  topUpStep: string;
  /** φ of the global factor over the years, as a percentage ("50" = 0.5). */
  persistence: string;
  /** The fund's rules in the multi-year run (issue 19 item 6). */
  withRules: boolean;
  runOff: boolean;
  newFilings: 'none' | 'history' | 'share';
  newFilingsShare: string;
  review: 'none' | 'policy' | 'months';
  reviewMonths: string;
  breaker: boolean;
  pdByYearOfLife: string;
}

/** A multiplier such as "2" or "1.5" (a plain number, not money); null when not one. */
function multiplierOf(text: string): number | null {
  const s = text.trim();
  if (!/^\d+(\.\d{1,4})?$/.test(s)) return null;
  const m = Number(s);
  return m > 0 ? m : null;
}

export function SimulationForm({
  funds,
  programmes,
  defaultCash,
  running,
  apiErrors,
  onRun,
}: {
  funds: Fund[];
  programmes: Programme[];
  /** The chosen fund's cash now (from its ledger), offered as the starting cash. */
  defaultCash: (fundId: string) => string | null;
  running: boolean;
  apiErrors: readonly FieldError[];
  onRun: (req: SimulationRequest) => void;
}) {
  const { t, i18n } = useTranslation();
  const [v, setV] = useState<FormValues>(() => ({
    fundId: funds[0]?.id ?? '',
    grades: [],
    pdSource: 'manager',
    pd: { ...DEFAULT_PD },
    variants: [
      row({}),
      row({ ratio: '50' }),
      ...programmes.slice(0, MAX_VARIANTS - 2).map((p) => row({ programme: p.id })),
    ],
    scenarios: '10000',
    years: '3',
    seed: '1',
    rho: '15',
    copula: 'gaussian',
    nu: '5',
    pdUncertainty: false,
    withFund: true,
    cash: '',
    topUps: '',
    recoveryRate: '20',
    recoveryDelay: '1',
    stressPd: '',
    stressRho: '',
    shockSector: '',
    shockMultiplier: '',
    withReverse: false,
    reverseTarget: '5',
    reverseYears: '3',
    reverseOver: 'pd',
    withTopUp: false,
    topUpTarget: '5',
    topUpYears: '3',
    topUpStep: '10000',
    persistence: '0',
    withRules: false,
    runOff: true,
    newFilings: 'history',
    newFilingsShare: '30',
    review: 'policy',
    reviewMonths: '1',
    breaker: true,
    pdByYearOfLife: '',
  }));
  const [local, setLocal] = useState<FieldError[]>([]);
  const [cashTouched, setCashTouched] = useState(false);
  const set = (patch: Partial<FormValues>) => setV((old) => ({ ...old, ...patch }));
  const setVariant = (key: number, patch: Partial<VariantRow>) =>
    set({ variants: v.variants.map((r) => (r.key === key ? { ...r, ...patch } : r)) });

  // The fund's cash now, until the manager types another figure.
  const suggested = defaultCash(v.fundId);
  useEffect(() => {
    if (!cashTouched && suggested !== null) setV((old) => ({ ...old, cash: suggested }));
  }, [suggested, cashTouched]);

  // The book's grades (and sectors) with each grade's history, for the chosen fund.
  const book = useQuery({
    queryKey: ['simulation', 'book', v.fundId],
    queryFn: () => api<SimulationBook>(`/api/simulations/book${qs({ fundId: v.fundId || undefined })}`),
    retry: false,
  });
  const bookGrades = book.data?.grades.length ? book.data.grades.map((g) => g.grade) : BOOK_GRADES;
  const grades = [...bookGrades, ...v.grades.filter((g) => !bookGrades.includes(g))];
  const historyOf = (g: string) => book.data?.grades.find((x) => x.grade === g)?.history;
  const estimated = (g: string) => historyOf(g)?.pd !== undefined;

  // A grade the API says is missing (a book with other classifications) gets its own PD input.
  useEffect(() => {
    const missing = apiErrors
      .map((e) => /^pdByGrade\.(.+)$/.exec(e.field)?.[1])
      .filter((g): g is string => !!g && !grades.includes(g));
    if (missing.length)
      setV((old) => ({ ...old, grades: [...old.grades, ...missing.filter((g) => !old.grades.includes(g))] }));
  }, [apiErrors, grades]);

  const historyHint = (g: string): string => {
    const h = historyOf(g);
    if (!h || !book.data) return '';
    const years = h.loanYears.toLocaleString('en-US', { maximumFractionDigits: 1 });
    if (h.pd !== undefined)
      return t('sim.histEstimate', {
        pd: formatProbability(h.pd),
        lo: formatProbability(h.interval?.[0] ?? NaN),
        hi: formatProbability(h.interval?.[1] ?? NaN),
        loans: h.loans.toLocaleString('en-US'),
        defaults: h.defaults.toLocaleString('en-US'),
        years,
      });
    return h.loanYears > 0 ? t('sim.histTooShort', { years, min: book.data.minLoanYears }) : t('sim.histNone');
  };

  const errors = local.length ? local : apiErrors;
  const err = (field: string) => errorFor(errors, field);
  const exactErr = (field: string) => {
    const hit = errors.find((e) => e.field === field);
    return hit && inLanguage(hit);
  };

  const autoName = (r: VariantRow) => {
    const shipped = programmes.find((p) => p.id === r.programme);
    const base = shipped ? pick(shipped.title, i18n.language) : r.programme || t('sim.asFiled');
    const edits = [
      r.ratio ? t('sim.editRatio', { v: r.ratio }) : '',
      r.capMode === 'none'
        ? t('sim.editNoCap')
        : r.capMode === 'amount' && r.cap
          ? t('sim.editCap', { v: formatYuan(cleanMoney(r.cap)) })
          : '',
    ]
      .filter(Boolean)
      .join(t('sim.editSep'));
    return (edits ? t('sim.nameWithEdits', { base, edits }) : base).slice(0, 60);
  };

  function build(): { req: SimulationRequest | null; problems: FieldError[] } {
    const problems: FieldError[] = [];
    const bad = (field: string, key: string) => problems.push(localError(field, t(key)));
    const pdByGrade: Record<string, number> = {};
    for (const g of grades) {
      const text = (v.pd[g] ?? '').trim();
      // from history, a grade's own value is only the fallback: left empty where history suffices
      if (v.pdSource === 'history' && text === '' && estimated(g)) continue;
      const p = percentToProbability(text);
      if (p === null) bad(`pdByGrade.${g}`, 'sim.errPercent');
      else pdByGrade[g] = p;
    }
    if (!v.variants.length) bad('variants', 'sim.errNoVariant');
    const variants: VariantRequest[] = v.variants.map((r, i) => {
      const out: VariantRequest = { id: r.name.trim() || autoName(r) };
      if (r.programme) out.programme = r.programme;
      if (r.ratio.trim()) {
        const rate = percentToRate(r.ratio);
        if (rate === null || Number(rate) > 1) bad(`variants[${i}].ratio`, 'sim.errPercent');
        else out.ratio = rate;
      }
      if (r.capMode === 'none') out.capPerLoan = null;
      if (r.capMode === 'amount') {
        if (!moneyOk(r.cap)) bad(`variants[${i}].capPerLoan`, 'sim.errMoney');
        else out.capPerLoan = cleanMoney(r.cap);
      }
      return out;
    });
    const whole = (field: string, text: string) => {
      const s = text.trim().replace(/,/g, '');
      if (!/^\d+$/.test(s)) {
        bad(field, 'sim.errWhole');
        return 0;
      }
      return Number(s);
    };
    const scenarios = whole('scenarios', v.scenarios);
    const years = whole('years', v.years);
    const seed = whole('seed', v.seed);
    const rho = percentToProbability(v.rho);
    if (rho === null || rho >= 1) bad('correlation.rho', 'sim.errRho');
    let nu: number | undefined;
    if (v.copula === 't') {
      const s = v.nu.trim();
      nu = /^\d+(\.\d{1,4})?$/.test(s) ? Number(s) : NaN;
      if (!(nu >= 1 && nu <= 1000)) bad('copula.nu', 'sim.errNu');
    }
    let fund: SimulationRequest['fund'];
    if (v.withFund) {
      if (!moneyOk(v.cash)) bad('fund.cash', 'sim.errMoney');
      const topUps = v.topUps
        .split(/[，,;；\s]+/)
        .map((s) => s.trim())
        .filter(Boolean);
      topUps.forEach((s, i) => {
        if (!moneyOk(s)) bad(`fund.topUps[${i}]`, 'sim.errMoney');
      });
      const recoveryRate = percentToProbability(v.recoveryRate || '0');
      if (recoveryRate === null) bad('fund.recoveryRate', 'sim.errPercent');
      const delay = whole('fund.recoveryDelayYears', v.recoveryDelay || '0');
      fund = {
        cash: cleanMoney(v.cash),
        ...(topUps.length ? { topUps } : {}),
        recoveryRate: recoveryRate ?? 0,
        recoveryDelayYears: delay,
      };
    }
    const stress: NonNullable<SimulationRequest['stress']> = [];
    v.stressPd
      .split(/[，,;；\s]+/)
      .filter(Boolean)
      .forEach((text) => {
        const m = multiplierOf(text);
        if (m === null) bad(`stress[${stress.length}].pdMultiplier`, 'sim.errMultiplier');
        else stress.push({ pdMultiplier: m });
      });
    if (v.stressRho.trim()) {
      const r = percentToProbability(v.stressRho);
      if (r === null || r >= 1) bad(`stress[${stress.length}].rho`, 'sim.errRho');
      else stress.push({ rho: r });
    }
    if (v.shockSector) {
      const m = multiplierOf(v.shockMultiplier);
      if (m === null) bad(`stress[${stress.length}].sectorShock.pdMultiplier`, 'sim.errMultiplier');
      else stress.push({ sectorShock: { sector: v.shockSector, pdMultiplier: m } });
    }
    let reverseStress: SimulationRequest['reverseStress'];
    if (v.withFund && v.withReverse) {
      const target = percentToProbability(v.reverseTarget);
      if (target === null || target <= 0 || target >= 1) bad('reverseStress.target', 'sim.errPercent');
      reverseStress = { target: target ?? 0, years: whole('reverseStress.years', v.reverseYears), over: v.reverseOver };
    }
    let topUp: SimulationRequest['topUp'];
    if (v.withFund && v.withTopUp) {
      const target = percentToProbability(v.topUpTarget);
      if (target === null || target >= 1) bad('topUp.target', 'sim.errPercent');
      if (!moneyOk(v.topUpStep)) bad('topUp.step', 'sim.errMoney');
      topUp = { target: target ?? 0, years: whole('topUp.years', v.topUpYears), step: cleanMoney(v.topUpStep) };
    }
    const persistence = v.persistence.trim() ? Number(v.persistence.trim()) / 100 : 0;
    if (!(Number.isFinite(persistence) && persistence > -1 && persistence < 1))
      bad('factorPersistence', 'sim.errPersistence');
    let fundRules: SimulationRequest['fundRules'];
    if (v.withFund && v.withRules) {
      const share = percentToProbability(v.newFilingsShare);
      if (v.newFilings === 'share' && share === null) bad('fundRules.newFilings', 'sim.errPercent');
      const months = Number(v.reviewMonths.trim());
      if (v.review === 'months' && !(v.reviewMonths.trim() !== '' && months >= 0 && months <= 120))
        bad('fundRules.review', 'sim.errMonths');
      const multipliers = v.pdByYearOfLife
        .split(/[，,;；\s]+/)
        .filter(Boolean)
        .map((text, i) => {
          const m = Number(text);
          if (!(/^\d+(\.\d{1,4})?$/.test(text) && m <= 100)) bad(`fundRules.pdByYearOfLife[${i}]`, 'sim.errMultiplier');
          return m;
        });
      fundRules = {
        runOff: v.runOff,
        newFilings: v.newFilings === 'history' ? 'history' : v.newFilings === 'share' ? (share ?? 0) : 0,
        ...(v.review === 'policy'
          ? { review: 'policy' as const }
          : v.review === 'months'
            ? { review: { months } }
            : {}),
        breaker: v.breaker,
        ...(multipliers.length ? { pdByYearOfLife: multipliers } : {}),
      };
    }
    if (problems.length) return { req: null, problems };
    return {
      req: {
        portfolio: { source: 'book', ...(v.fundId ? { fundId: v.fundId } : {}) },
        ...(v.pdSource === 'history' ? { pd: 'history' as const } : {}),
        pdByGrade,
        variants,
        correlation: { rho: rho! },
        copula: v.copula === 't' ? { kind: 't' as const, nu: nu! } : { kind: 'gaussian' as const },
        ...(v.pdSource === 'history' && v.pdUncertainty ? { pdUncertainty: true } : {}),
        scenarios,
        years,
        seed,
        ...(fund ? { fund } : {}),
        ...(stress.length ? { stress } : {}),
        ...(reverseStress ? { reverseStress } : {}),
        ...(topUp ? { topUp } : {}),
        ...(persistence !== 0 ? { factorPersistence: persistence } : {}),
        ...(fundRules ? { fundRules } : {}),
      },
      problems,
    };
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    const { req, problems } = build();
    setLocal(problems);
    if (req) onRun(req);
    else setTimeout(() => document.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(), 0);
  }

  return (
    <form className="card sim-form" onSubmit={submit} noValidate aria-label={t('sim.formLabel')}>
      <fieldset>
        <legend>{t('sim.book')}</legend>
        <div className="grid form">
          <Field label={t('sim.fund')} name="portfolio" error={err('portfolio')} hint={t('sim.fundHint')}>
            {(p) => (
              <select {...p} value={v.fundId} onChange={(e) => set({ fundId: e.target.value })}>
                <option value="">{t('sim.allFunds')}</option>
                {funds.map((f) => (
                  <option key={f.id} value={f.id}>
                    {f.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field
            label={t('sim.pdSource')}
            name="pd"
            error={err('pd')}
            hint={book.data ? t('sim.pdHistoryHint', { asOf: book.data.asOf }) : undefined}
          >
            {(p) => (
              <select {...p} value={v.pdSource} onChange={(e) => set({ pdSource: e.target.value as PdSource })}>
                <option value="manager">{t('sim.pdSourceManager')}</option>
                <option value="history">{t('sim.pdSourceHistory')}</option>
              </select>
            )}
          </Field>
          {grades.map((g) => {
            const grade = t(`classification.${g}`, { defaultValue: g });
            const fallback = v.pdSource === 'history';
            return (
              <Field
                key={g}
                label={fallback ? t('sim.pdFallback', { grade }) : t('sim.pd', { grade })}
                name={`pdByGrade.${g}`}
                error={err(`pdByGrade.${g}`)}
                hint={historyHint(g) || undefined}
              >
                {(p) => (
                  <input
                    {...p}
                    inputMode="decimal"
                    value={v.pd[g] ?? ''}
                    placeholder={fallback && estimated(g) ? t('sim.pdFromHistory') : undefined}
                    onChange={(e) => set({ pd: { ...v.pd, [g]: e.target.value } })}
                  />
                )}
              </Field>
            );
          })}
        </div>
        {book.data && (
          <p className="hint" data-testid="sim-book">
            {t('sim.bookSummary', {
              loans: book.data.loans.toLocaleString('en-US'),
              exposure: formatYuan(book.data.exposure),
              sectors: book.data.sectors.length,
            })}
            {book.data.sectors.length > 0 &&
              `（${book.data.sectors.map((x) => t('sim.sectorLoans', { sector: x.sector, loans: x.loans.toLocaleString('en-US') })).join(t('sim.editSep'))}）`}
          </p>
        )}
      </fieldset>

      <fieldset>
        <legend>{t('sim.variants')}</legend>
        <p className="hint">{t('sim.variantsHint')}</p>
        {exactErr('variants') && (
          <p className="field-error" role="alert">
            {exactErr('variants')}
          </p>
        )}
        <table className="variants">
          <colgroup>
            <col style={{ width: 36 }} />
            <col style={{ width: '24%' }} />
            <col />
            <col style={{ width: 120 }} />
            <col style={{ width: 280 }} />
            <col style={{ width: 64 }} />
          </colgroup>
          <thead>
            <tr>
              <th>#</th>
              <th>{t('sim.vName')}</th>
              <th>{t('sim.vTerms')}</th>
              <th>{t('sim.vRatio')}</th>
              <th>{t('sim.vCap')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {v.variants.map((r, i) => {
              const f = `variants[${i}]`;
              const cellErr = (name: string) => err(`${f}.${name}`);
              return (
                <tr key={r.key} data-testid={`variant-${i}`}>
                  <td>{i + 1}</td>
                  <td>
                    <input
                      aria-label={t('sim.vNameOf', { n: i + 1 })}
                      value={r.name}
                      placeholder={autoName(r)}
                      maxLength={60}
                      onChange={(e) => setVariant(r.key, { name: e.target.value })}
                      aria-invalid={!!cellErr('id') || undefined}
                    />
                    {cellErr('id') && (
                      <div className="field-error" role="alert">
                        {cellErr('id')}
                      </div>
                    )}
                    {exactErr(f) && (
                      <div className="field-error" role="alert">
                        {exactErr(f)}
                      </div>
                    )}
                  </td>
                  <td>
                    <select
                      aria-label={t('sim.vTermsOf', { n: i + 1 })}
                      value={r.programme}
                      onChange={(e) => setVariant(r.key, { programme: e.target.value })}
                      aria-invalid={!!cellErr('programme') || undefined}
                    >
                      <option value="">{t('sim.asFiledLong')}</option>
                      {programmes.map((p) => (
                        <option key={p.id} value={p.id}>
                          {pick(p.title, i18n.language)}（{p.id}）
                        </option>
                      ))}
                    </select>
                    {cellErr('programme') && (
                      <div className="field-error" role="alert">
                        {cellErr('programme')}
                      </div>
                    )}
                  </td>
                  <td>
                    <input
                      aria-label={t('sim.vRatioOf', { n: i + 1 })}
                      inputMode="decimal"
                      value={r.ratio}
                      placeholder={t('sim.unchanged')}
                      onChange={(e) => setVariant(r.key, { ratio: e.target.value })}
                      aria-invalid={!!cellErr('ratio') || undefined}
                    />
                    {cellErr('ratio') && (
                      <div className="field-error" role="alert">
                        {cellErr('ratio')}
                      </div>
                    )}
                  </td>
                  <td>
                    <div className="row">
                      <select
                        aria-label={t('sim.vCapModeOf', { n: i + 1 })}
                        value={r.capMode}
                        onChange={(e) => setVariant(r.key, { capMode: e.target.value as VariantRow['capMode'] })}
                      >
                        <option value="keep">{t('sim.capKeep')}</option>
                        <option value="amount">{t('sim.capAmount')}</option>
                        <option value="none">{t('sim.capNone')}</option>
                      </select>
                      {r.capMode === 'amount' && (
                        <input
                          aria-label={t('sim.vCapOf', { n: i + 1 })}
                          inputMode="decimal"
                          value={r.cap}
                          onChange={(e) => setVariant(r.key, { cap: e.target.value })}
                          aria-invalid={!!cellErr('capPerLoan') || undefined}
                        />
                      )}
                    </div>
                    {cellErr('capPerLoan') && (
                      <div className="field-error" role="alert">
                        {cellErr('capPerLoan')}
                      </div>
                    )}
                  </td>
                  <td>
                    <button
                      type="button"
                      className="link"
                      onClick={() => set({ variants: v.variants.filter((x) => x.key !== r.key) })}
                      disabled={v.variants.length <= 1}
                    >
                      {t('sim.remove')}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        <button
          type="button"
          onClick={() => set({ variants: [...v.variants, row({})] })}
          disabled={v.variants.length >= MAX_VARIANTS}
          style={{ marginTop: 8 }}
        >
          {t('sim.addVariant', { max: MAX_VARIANTS })}
        </button>
      </fieldset>

      <fieldset>
        <legend>{t('sim.model')}</legend>
        <div className="grid form four">
          <Field label={t('sim.scenarios')} name="scenarios" error={err('scenarios')} hint={t('sim.scenariosHint')}>
            {(p) => (
              <input
                {...p}
                inputMode="numeric"
                value={v.scenarios}
                onChange={(e) => set({ scenarios: e.target.value })}
              />
            )}
          </Field>
          <Field label={t('sim.years')} name="years" error={err('years')}>
            {(p) => (
              <input {...p} inputMode="numeric" value={v.years} onChange={(e) => set({ years: e.target.value })} />
            )}
          </Field>
          <Field label={t('sim.seed')} name="seed" error={err('seed')} hint={t('sim.seedHint')}>
            {(p) => <input {...p} inputMode="numeric" value={v.seed} onChange={(e) => set({ seed: e.target.value })} />}
          </Field>
          <Field label={t('sim.rho')} name="correlation.rho" error={err('correlation')} hint={t('sim.rhoHint')}>
            {(p) => <input {...p} inputMode="decimal" value={v.rho} onChange={(e) => set({ rho: e.target.value })} />}
          </Field>
          <Field
            label={t('sim.persistence')}
            name="factorPersistence"
            error={err('factorPersistence')}
            hint={t('sim.persistenceHint')}
          >
            {(p) => (
              <input
                {...p}
                inputMode="decimal"
                value={v.persistence}
                onChange={(e) => set({ persistence: e.target.value })}
              />
            )}
          </Field>
          <Field label={t('sim.copula')} name="copula.kind" error={err('copula.kind')} hint={t('sim.copulaHint')}>
            {(p) => (
              <select
                {...p}
                value={v.copula}
                onChange={(e) => set({ copula: e.target.value as FormValues['copula'] })}
                data-testid="sim-copula"
              >
                <option value="gaussian">{t('sim.copulaGaussian')}</option>
                <option value="t">{t('sim.copulaT')}</option>
              </select>
            )}
          </Field>
          {v.copula === 't' && (
            <Field label={t('sim.nu')} name="copula.nu" error={err('copula.nu')} hint={t('sim.nuHint')}>
              {(p) => <input {...p} inputMode="decimal" value={v.nu} onChange={(e) => set({ nu: e.target.value })} />}
            </Field>
          )}
          {v.pdSource === 'history' && (
            <label>
              <input
                type="checkbox"
                name="pdUncertainty"
                checked={v.pdUncertainty}
                onChange={(e) => set({ pdUncertainty: e.target.checked })}
              />{' '}
              {t('sim.pdUncertainty')}
              <small className="hint"> {t('sim.pdUncertaintyHint')}</small>
            </label>
          )}
        </div>
      </fieldset>

      <fieldset>
        <legend>
          <label>
            <input type="checkbox" checked={v.withFund} onChange={(e) => set({ withFund: e.target.checked })} />{' '}
            {t('sim.withFund')}
          </label>
        </legend>
        {v.withFund && (
          <div className="grid form four">
            <Field
              label={t('sim.cash')}
              name="fund.cash"
              error={err('fund.cash')}
              hint={suggested !== null ? t('sim.cashHint', { v: formatYuan(suggested) }) : undefined}
            >
              {(p) => (
                <input
                  {...p}
                  inputMode="decimal"
                  value={v.cash}
                  onChange={(e) => {
                    setCashTouched(true);
                    set({ cash: e.target.value });
                  }}
                />
              )}
            </Field>
            <Field label={t('sim.topUps')} name="fund.topUps" error={err('fund.topUps')} hint={t('sim.topUpsHint')}>
              {(p) => (
                <input
                  {...p}
                  value={v.topUps}
                  placeholder="0, 20000000"
                  onChange={(e) => set({ topUps: e.target.value })}
                />
              )}
            </Field>
            <Field label={t('sim.recoveryRate')} name="fund.recoveryRate" error={err('fund.recoveryRate')}>
              {(p) => (
                <input
                  {...p}
                  inputMode="decimal"
                  value={v.recoveryRate}
                  onChange={(e) => set({ recoveryRate: e.target.value })}
                />
              )}
            </Field>
            <Field label={t('sim.recoveryDelay')} name="fund.recoveryDelayYears" error={err('fund.recoveryDelayYears')}>
              {(p) => (
                <input
                  {...p}
                  inputMode="numeric"
                  value={v.recoveryDelay}
                  onChange={(e) => set({ recoveryDelay: e.target.value })}
                />
              )}
            </Field>
          </div>
        )}
        {v.withFund && (
          <label>
            <input
              type="checkbox"
              checked={v.withRules}
              onChange={(e) => set({ withRules: e.target.checked })}
              data-testid="sim-rules"
            />{' '}
            {t('sim.withRules')}
            <small className="hint"> {t('sim.withRulesHint')}</small>
          </label>
        )}
        {v.withFund && v.withRules && (
          <div className="grid form four" data-testid="sim-rules-form">
            <label>
              <input type="checkbox" checked={v.runOff} onChange={(e) => set({ runOff: e.target.checked })} />{' '}
              {t('sim.runOff')}
            </label>
            <Field label={t('sim.newFilings')} name="fundRules.newFilings" error={err('fundRules.newFilings')}>
              {(p) => (
                <select
                  {...p}
                  value={v.newFilings}
                  onChange={(e) => set({ newFilings: e.target.value as FormValues['newFilings'] })}
                >
                  <option value="none">{t('sim.newFilingsNone')}</option>
                  <option value="history">{t('sim.newFilingsHistory')}</option>
                  <option value="share">{t('sim.newFilingsShare')}</option>
                </select>
              )}
            </Field>
            {v.newFilings === 'share' && (
              <Field label={t('sim.newFilingsPercent')} name="fundRules.newFilingsShare">
                {(p) => (
                  <input
                    {...p}
                    inputMode="decimal"
                    value={v.newFilingsShare}
                    onChange={(e) => set({ newFilingsShare: e.target.value })}
                  />
                )}
              </Field>
            )}
            <Field label={t('sim.review')} name="fundRules.review" error={err('fundRules.review')}>
              {(p) => (
                <select
                  {...p}
                  value={v.review}
                  onChange={(e) => set({ review: e.target.value as FormValues['review'] })}
                >
                  <option value="none">{t('sim.reviewNone')}</option>
                  <option value="policy">{t('sim.reviewPolicy')}</option>
                  <option value="months">{t('sim.reviewMonths')}</option>
                </select>
              )}
            </Field>
            {v.review === 'months' && (
              <Field label={t('sim.reviewMonthsValue')} name="fundRules.reviewMonths">
                {(p) => (
                  <input
                    {...p}
                    inputMode="decimal"
                    value={v.reviewMonths}
                    onChange={(e) => set({ reviewMonths: e.target.value })}
                  />
                )}
              </Field>
            )}
            <label>
              <input type="checkbox" checked={v.breaker} onChange={(e) => set({ breaker: e.target.checked })} />{' '}
              {t('sim.breaker')}
            </label>
            <Field
              label={t('sim.pdByYearOfLife')}
              name="fundRules.pdByYearOfLife"
              error={err('fundRules.pdByYearOfLife')}
              hint={t('sim.pdByYearOfLifeHint')}
            >
              {(p) => (
                <input
                  {...p}
                  value={v.pdByYearOfLife}
                  placeholder="0.6, 1.3, 1"
                  onChange={(e) => set({ pdByYearOfLife: e.target.value })}
                />
              )}
            </Field>
          </div>
        )}
      </fieldset>

      <fieldset data-testid="sim-stress-form">
        <legend>{t('sim.stressSet')}</legend>
        <div className="grid form four">
          <Field label={t('sim.stressPd')} name="stress.pd" error={err('stress')} hint={t('sim.stressPdHint')}>
            {(p) => (
              <input
                {...p}
                value={v.stressPd}
                placeholder="1.5, 2"
                onChange={(e) => set({ stressPd: e.target.value })}
              />
            )}
          </Field>
          <Field label={t('sim.stressRho')} name="stress.rho" hint={t('sim.stressRhoHint')}>
            {(p) => (
              <input
                {...p}
                inputMode="decimal"
                value={v.stressRho}
                onChange={(e) => set({ stressRho: e.target.value })}
              />
            )}
          </Field>
          <Field label={t('sim.shockSector')} name="stress.sectorShock.sector">
            {(p) => (
              <select {...p} value={v.shockSector} onChange={(e) => set({ shockSector: e.target.value })}>
                <option value="">—</option>
                {(book.data?.sectors ?? []).map((x) => (
                  <option key={x.sector} value={x.sector}>
                    {x.sector}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('sim.shockMultiplier')} name="stress.sectorShock.pdMultiplier">
            {(p) => (
              <input
                {...p}
                inputMode="decimal"
                value={v.shockMultiplier}
                disabled={!v.shockSector}
                onChange={(e) => set({ shockMultiplier: e.target.value })}
              />
            )}
          </Field>
        </div>
        {v.withFund && (
          <>
            <label>
              <input type="checkbox" checked={v.withReverse} onChange={(e) => set({ withReverse: e.target.checked })} />{' '}
              {t('sim.withReverse')}
            </label>
            {v.withReverse && (
              <div className="grid form four">
                <Field label={t('sim.reverseTarget')} name="reverseStress.target" error={err('reverseStress.target')}>
                  {(p) => (
                    <input
                      {...p}
                      inputMode="decimal"
                      value={v.reverseTarget}
                      onChange={(e) => set({ reverseTarget: e.target.value })}
                    />
                  )}
                </Field>
                <Field label={t('sim.reverseYears')} name="reverseStress.years" error={err('reverseStress.years')}>
                  {(p) => (
                    <input
                      {...p}
                      inputMode="numeric"
                      value={v.reverseYears}
                      onChange={(e) => set({ reverseYears: e.target.value })}
                    />
                  )}
                </Field>
                <Field
                  label={t('sim.reverseOver')}
                  name="reverseStress.over"
                  error={exactErr('reverseStress') ?? err('reverseStress.over')}
                >
                  {(p) => (
                    <select
                      {...p}
                      value={v.reverseOver}
                      onChange={(e) => set({ reverseOver: e.target.value as 'pd' | 'correlation' })}
                    >
                      <option value="pd">{t('sim.reverseOverPd')}</option>
                      <option value="correlation">{t('sim.reverseOverCorrelation')}</option>
                    </select>
                  )}
                </Field>
              </div>
            )}
            <label>
              <input type="checkbox" checked={v.withTopUp} onChange={(e) => set({ withTopUp: e.target.checked })} />{' '}
              {t('sim.withTopUp')}
            </label>
            {v.withTopUp && (
              <div className="grid form four">
                <Field label={t('sim.topUpTarget')} name="topUp.target" error={err('topUp.target')}>
                  {(p) => (
                    <input
                      {...p}
                      inputMode="decimal"
                      value={v.topUpTarget}
                      onChange={(e) => set({ topUpTarget: e.target.value })}
                    />
                  )}
                </Field>
                <Field label={t('sim.reverseYears')} name="topUp.years" error={err('topUp.years')}>
                  {(p) => (
                    <input
                      {...p}
                      inputMode="numeric"
                      value={v.topUpYears}
                      onChange={(e) => set({ topUpYears: e.target.value })}
                    />
                  )}
                </Field>
                <Field label={t('sim.topUpStep')} name="topUp.step" error={err('topUp.step') ?? exactErr('topUp')}>
                  {(p) => (
                    <input
                      {...p}
                      inputMode="decimal"
                      value={v.topUpStep}
                      onChange={(e) => set({ topUpStep: e.target.value })}
                    />
                  )}
                </Field>
              </div>
            )}
          </>
        )}
      </fieldset>

      <button type="submit" className="primary" disabled={running}>
        {running ? t('sim.running') : t('sim.run')}
      </button>
    </form>
  );
}
