/**
 * The filing form (备案): the loan's eligibility and terms are judged live by POST /api/evaluate
 * as the officer types (debounced), with every reason; on submit a refusal lists every failing
 * rule, and input errors stand beside their fields.
 */
import { useProgrammes } from '../api/programmes';
import { Fragment, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { api, ApiError, inLanguage, newKey, qs, type Page } from '../api/client';
import type { Decision, Enterprise, Filing, Institution, RequestOf } from '../api/types';
import { useAuth } from '../auth/auth';
import { DateInput, Money, Reasons, today } from '../components/bits';
import { Field, MoneyField } from '../components/Field';
import { ProblemMessage } from '../components/Problem';
import { formatRate, isMoney } from '../lib/money';
import { ProgrammeName, useProgrammeTitle } from '../components/names';

const KINDS = ['credit', 'ip-pledge', 'receivables-pledge', 'mortgage'];

interface FormState {
  bankId: string;
  programme: string;
  enterprise: string;
  bankRef: string;
  kind: string;
  principal: string;
  disbursedOn: string;
  maturesOn: string;
  mode: 'direct' | 'risk-sharing';
  bankShare: string;
}

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setV(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return v;
}

/** Maps the API's field names onto the form's. */
function fieldOf(apiField: string): keyof FormState | null {
  const f = apiField.replace(/^loan\./, '');
  if (f === 'enterpriseId' || f === 'creditCode' || f.startsWith('enterprise')) return 'enterprise';
  if (
    ['bankId', 'programme', 'bankRef', 'kind', 'principal', 'disbursedOn', 'maturesOn', 'mode', 'bankShare'].includes(f)
  )
    return f as keyof FormState;
  if (f === 'parties') return 'bankShare';
  return null;
}

export default function FilingFormPage() {
  const { t, i18n } = useTranslation();
  const { user } = useAuth();
  const navigate = useNavigate();
  const [form, setForm] = useState<FormState>({
    bankId: '',
    programme: '',
    enterprise: '',
    bankRef: '',
    kind: 'credit',
    principal: '',
    disbursedOn: today(),
    maturesOn: '',
    mode: 'direct',
    bankShare: '0.2',
  });
  const set = <K extends keyof FormState>(k: K, v: FormState[K]) => setForm((f) => ({ ...f, [k]: v }));
  const [submitError, setSubmitError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const key = useRef(newKey());

  const banks = useQuery({
    queryKey: ['institutions', 'bank'],
    queryFn: () => api<{ items: Institution[] }>('/api/institutions?kind=bank'),
    enabled: user?.role === 'manager',
  });
  const programmes = useProgrammes();
  const programmeTitle = useProgrammeTitle();
  const search = useDebounced(form.enterprise.trim(), 250);
  const matches = useQuery({
    queryKey: ['enterprise-search', search],
    queryFn: () => api<Page<Enterprise>>(`/api/enterprises${qs({ q: search, limit: 10 })}`),
    enabled: search.length >= 2,
  });
  const byId = useQuery({
    queryKey: ['enterprise', search],
    enabled: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(search),
    retry: false,
    queryFn: () => api<Enterprise>(`/api/enterprises/${encodeURIComponent(search)}`),
  });
  const enterprise = useMemo(() => {
    if (byId.data) return byId.data;
    const list = matches.data?.items ?? [];
    return (
      list.find((e) => e.id === search || e.creditCode === search.toUpperCase() || e.name === search) ??
      (list.length === 1 ? list[0] : undefined)
    );
  }, [matches.data, byId.data, search]);

  // Live eligibility: the public evaluate contract, judged on today's filing date.
  const evalInput = useDebounced(form, 300);
  const evaluation = useQuery({
    queryKey: ['evaluate', evalInput, enterprise?.id],
    enabled: !!enterprise && isMoney(evalInput.principal) && /^\d{4}-\d{2}-\d{2}$/.test(evalInput.disbursedOn),
    retry: false,
    queryFn: ({ signal }) =>
      api<Decision>('/api/evaluate', {
        method: 'POST',
        changesNothing: true,
        signal,
        body: {
          ...(evalInput.programme ? { programme: evalInput.programme } : {}),
          enterprise: {
            registeredInZone: enterprise!.registeredInZone,
            size: enterprise!.size,
            sciTech: enterprise!.sciTech,
            industry: enterprise!.industry,
            restrictedProcesses: enterprise!.restrictedProcesses,
            qualifications: enterprise!.qualifications.map((q) => ({
              kind: q.kind,
              validFrom: q.validFrom,
              validTo: q.validTo,
            })),
          },
          loan: {
            kind: evalInput.kind,
            principal: evalInput.principal.replace(/,/g, ''),
            disbursedOn: evalInput.disbursedOn,
            filedOn: today(),
            mode: evalInput.mode,
            ...(evalInput.mode === 'risk-sharing' ? { bankShare: evalInput.bankShare } : {}),
          },
        } satisfies RequestOf<'/api/evaluate', 'post'>,
      }),
  });

  const liveErrors = evaluation.error instanceof ApiError ? evaluation.error : null;
  // Required fields are checked here first, so an empty one is named in the page's language.
  const [tried, setTried] = useState(false);
  const required: (keyof FormState)[] = [
    ...(user?.role === 'manager' ? ['bankId' as const] : []),
    'bankRef',
    'enterprise',
    'principal',
    'disbursedOn',
  ];
  const missing = required.filter((k) => !String(form[k]).trim());
  const err = (k: keyof FormState): string | undefined => {
    if (tried && missing.includes(k)) return t('filing.required');
    for (const source of [submitError, liveErrors]) {
      const hit = source?.errors.find((e) => fieldOf(e.field) === k);
      if (hit) return inLanguage(hit);
    }
    if (k === 'principal' && form.principal && !isMoney(form.principal)) return t('filing.moneyFormat');
    return undefined;
  };
  const refusals = submitError?.errors.filter((e) => e.field.startsWith('rule:')) ?? [];
  const otherErrors =
    submitError && !refusals.length && !submitError.errors.some((e) => fieldOf(e.field)) ? submitError : null;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setTried(true);
    if (missing.length) return;
    setBusy(true);
    setSubmitError(null);
    const ent = form.enterprise.trim();
    const isCode = /^[0-9A-HJ-NPQRTUWXY]{18}$/i.test(ent);
    try {
      const filing = await api<Filing>('/api/filings', {
        method: 'POST',
        headers: { 'idempotency-key': key.current },
        body: {
          bankRef: form.bankRef.trim(),
          ...(user?.role === 'manager' ? { bankId: form.bankId } : {}),
          ...(form.programme ? { programme: form.programme } : {}),
          ...(enterprise
            ? { enterpriseId: enterprise.id }
            : isCode
              ? { creditCode: ent }
              : ent
                ? { enterpriseId: ent }
                : {}),
          loan: {
            kind: form.kind,
            principal: form.principal.replace(/,/g, ''),
            disbursedOn: form.disbursedOn,
            mode: form.mode,
            ...(form.maturesOn ? { maturesOn: form.maturesOn } : {}),
            ...(form.mode === 'risk-sharing' ? { bankShare: form.bankShare } : {}),
          },
        } satisfies RequestOf<'/api/filings', 'post'>,
      });
      navigate(`/filings/${filing.id}`, { state: { created: true } });
    } catch (x) {
      key.current = newKey();
      setSubmitError(x instanceof ApiError ? x : new ApiError(0, 'network', undefined, []));
    } finally {
      setBusy(false);
    }
  }

  const d = evaluation.data;
  return (
    <>
      <p>
        <Link to="/filings">← {t('nav.filings')}</Link>
      </p>
      <h1>{t('filing.new')}</h1>
      <div className="grid two">
        <form className="card" onSubmit={submit} noValidate aria-label={t('filing.new')}>
          <div className="grid form">
            {user?.role === 'manager' && (
              <Field label={t('filing.bank')} error={err('bankId')} name="bankId">
                {(p) => (
                  <select {...p} value={form.bankId} onChange={(e) => set('bankId', e.target.value)} required>
                    <option value="">{t('common.choose')}</option>
                    {banks.data?.items.map((b) => (
                      <option key={b.id} value={b.id}>
                        {b.name}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            )}
            <Field label={t('filing.bankRef')} error={err('bankRef')} name="bankRef">
              {(p) => <input {...p} value={form.bankRef} onChange={(e) => set('bankRef', e.target.value)} required />}
            </Field>
            <Field label={t('filing.programme')} error={err('programme')} name="programme">
              {(p) => (
                <select {...p} value={form.programme} onChange={(e) => set('programme', e.target.value)}>
                  <option value="">{t('filing.programmeAuto')}</option>
                  {programmes.data?.map((pr) => (
                    <option key={pr.id} value={pr.id}>
                      {i18n.language.startsWith('zh') ? pr.title.zh : pr.title.en}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
          <Field
            label={t('filing.enterprise')}
            error={err('enterprise')}
            name="enterprise"
            hint={
              enterprise ? (
                <span data-testid="enterprise-found">
                  {enterprise.name} · {enterprise.creditCode} · {t(`size.${enterprise.size}`)}
                </span>
              ) : (
                t('filing.enterpriseHint')
              )
            }
          >
            {(p) => (
              <>
                <input
                  {...p}
                  list="enterprise-options"
                  value={form.enterprise}
                  onChange={(e) => set('enterprise', e.target.value)}
                  autoComplete="off"
                  required
                />
                <datalist id="enterprise-options">
                  {matches.data?.items.map((e) => (
                    <option key={e.id} value={e.id}>
                      {e.name} {e.creditCode}
                    </option>
                  ))}
                </datalist>
              </>
            )}
          </Field>
          <div className="grid form">
            <Field label={t('filing.kind')} error={err('kind')} name="kind">
              {(p) => (
                <select {...p} value={form.kind} onChange={(e) => set('kind', e.target.value)}>
                  {KINDS.map((k) => (
                    <option key={k} value={k}>
                      {t(`kind.${k}`)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <MoneyField
              label={t('filing.principalYuan')}
              error={err('principal')}
              name="principal"
              value={form.principal}
              onChange={(v) => set('principal', v)}
              placeholder="8000000.00"
              required
            />
            <Field label={t('filing.mode')} error={err('mode')} name="mode">
              {(p) => (
                <select {...p} value={form.mode} onChange={(e) => set('mode', e.target.value as FormState['mode'])}>
                  <option value="direct">{t('mode.direct')}</option>
                  <option value="risk-sharing">{t('mode.risk-sharing')}</option>
                </select>
              )}
            </Field>
            <Field label={t('filing.disbursedOn')} error={err('disbursedOn')} name="disbursedOn">
              {(p) => <DateInput {...p} value={form.disbursedOn} onChange={(v) => set('disbursedOn', v)} required />}
            </Field>
            <Field label={t('filing.maturesOn')} error={err('maturesOn')} name="maturesOn">
              {(p) => <DateInput {...p} value={form.maturesOn} onChange={(v) => set('maturesOn', v)} />}
            </Field>
            {form.mode === 'risk-sharing' && (
              <Field
                label={t('filing.bankShare')}
                error={err('bankShare')}
                name="bankShare"
                hint={t('filing.bankShareHint')}
              >
                {(p) => (
                  <input
                    {...p}
                    inputMode="decimal"
                    value={form.bankShare}
                    onChange={(e) => set('bankShare', e.target.value)}
                  />
                )}
              </Field>
            )}
          </div>
          {refusals.length > 0 && (
            <div className="error-box" role="alert" data-testid="refusal">
              <strong>{t('filing.refused')}</strong>
              <ul>
                {refusals.map((r) => (
                  <li key={r.field} data-rule={r.field.slice(5)}>
                    {inLanguage(r)} <span className="cites">[{r.field.slice(5)}]</span>
                  </li>
                ))}
              </ul>
            </div>
          )}
          {otherErrors && <ProblemMessage error={otherErrors} />}
          <button type="submit" className="primary" disabled={busy}>
            {busy ? t('common.wait') : t('filing.submit')}
          </button>
        </form>
        <section className="card" aria-live="polite" data-testid="live-eval">
          <h2 style={{ marginTop: 0 }}>{t('eval.title')}</h2>
          {!enterprise && <p className="muted">{t('eval.needEnterprise')}</p>}
          {enterprise && evaluation.isFetching && !d && <p className="muted">{t('common.loading')}</p>}
          {liveErrors && <p className="muted">{t('eval.fixFields')}</p>}
          {d && !liveErrors && (
            <>
              <p
                className={d.eligible ? 'ok-box' : 'error-box'}
                data-testid="eligibility"
                data-eligible={d.eligible}
                title={d.programme}
              >
                {d.eligible
                  ? t('eval.eligible', { programme: programmeTitle(d.programme), version: d.policyVersion })
                  : t('eval.notEligible', { programme: programmeTitle(d.programme), version: d.policyVersion })}
              </p>
              {d.eligible && (
                <dl className="props">
                  <dt>{t('eval.ratio')}</dt>
                  <dd data-testid="ratio">{formatRate(d.ratio)}</dd>
                  {d.parties?.map((p) => (
                    <Fragment key={p.party}>
                      <dt>{t(`party.${p.party}`, { defaultValue: p.party })}</dt>
                      <dd>
                        {formatRate(p.share)} · <Money value={p.amount} />
                      </dd>
                    </Fragment>
                  ))}
                </dl>
              )}
              <h3>{t('eval.reasons')}</h3>
              <Reasons reasons={d.reasons} />
              {d.alternatives.length > 0 && (
                <>
                  <h3>{t('eval.alternatives')}</h3>
                  <ul>
                    {d.alternatives.map((a) => (
                      <li key={`${a.programme}@${a.policyVersion}`}>
                        <ProgrammeName id={a.programme} link={false} /> @ {a.policyVersion}:{' '}
                        {a.eligible
                          ? t('eval.eligibleShort', { ratio: formatRate(a.ratio) })
                          : t('eval.notEligibleShort')}
                      </li>
                    ))}
                  </ul>
                </>
              )}
            </>
          )}
        </section>
      </div>
    </>
  );
}
