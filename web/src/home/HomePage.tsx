/**
 * 待办: the home page of every role — what waits on the signed-in person, most urgent first
 * (overdue rows marked red), each row linking to its claim or loan; the funds short of cash and
 * the banks near (amber) or past (red) their circuit breaker. The lists and counts come from
 * GET /api/home, scoped by the server.
 */
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { Home, HomeBreaker, HomeClaim } from '../api/types';
import { Badge, dateTime, Money } from '../components/bits';
import { Loading, ProblemMessage } from '../components/Problem';
import { formatRate } from '../lib/money';
import { useHome } from './home';
import { useAuth } from '../auth/auth';
import { BankName, GuarantorName, ProgrammeName } from '../components/names';

type CountKey = Exclude<keyof Home['counts'], 'todo'>;

/** The counts each role's strip shows, in order. */
const COUNTS: Record<Home['role'], CountKey[]> = {
  manager: ['toPrepare', 'toDecide', 'toPay', 'writeOffs', 'late', 'fundsShort', 'breakersNear', 'breakersTripped'],
  reviewer: ['toDecide', 'writeOffs', 'late', 'fundsShort', 'breakersNear', 'breakersTripped'],
  auditor: ['fundsShort', 'breakersNear', 'breakersTripped'],
  bureau: ['toDecide', 'late', 'fundsShort', 'breakersNear', 'breakersTripped'],
  bank: ['returned', 'late', 'inFlight'],
  guarantor: ['toConfirm'],
};
/** Where a count's chip leads: its section on this page. */
const SECTION_OF: Partial<Record<CountKey, string>> = {
  late: 'toPrepare',
  fundsShort: 'funds',
  breakersNear: 'breakers',
  breakersTripped: 'breakers',
};
const CHIP_CLASS: Partial<Record<CountKey, string>> = {
  late: 'late',
  breakersTripped: 'tripped',
  breakersNear: 'near',
  fundsShort: 'short',
};

export default function HomePage() {
  const { t } = useTranslation();
  const { user } = useAuth();
  const home = useHome();
  if (home.isPending) return <Loading />;
  if (home.error) return <ProblemMessage error={home.error} />;
  const h = home.data;
  const staff = h.role === 'manager' || h.role === 'reviewer' || h.role === 'auditor';
  const lateSection = h.role === 'bank' ? 'returned' : h.role === 'reviewer' ? 'toDecide' : 'toPrepare';
  return (
    <>
      <h1>{t('home.title')}</h1>
      <p className="muted">{t('home.asOf', { date: h.today })}</p>
      {h.role === 'guarantor' && user?.guarantorId && (
        <p data-testid="home-guarantor">
          {t('home.myGuarantor')} · <GuarantorName id={user.guarantorId} link />
        </p>
      )}
      <ul className="home-counts" data-testid="home-counts">
        {COUNTS[h.role].map((k) => (
          <li key={k} className={h.counts[k] > 0 ? (CHIP_CLASS[k] ?? '') : ''} data-testid={`count-${k}`}>
            <a href={`#${k === 'late' ? lateSection : (SECTION_OF[k] ?? k)}`}>
              <span className="value">{h.counts[k]}</span>
              {t(`home.count.${k}`)}
            </a>
          </li>
        ))}
      </ul>
      {h.counts.todo === 0 && h.role !== 'auditor' && <p className="ok-box">{t('home.nothing')}</p>}

      {h.bank && <BankCard bank={h.bank} />}
      {h.role === 'bank' && (
        <>
          <ClaimSection
            id="returned"
            list={h.returned}
            title={t('home.returned')}
            hint={t('home.returnedHint')}
            due="returned"
          />
          <ClaimSection id="inFlight" list={h.inFlight} title={t('home.inFlight')} due="due" showEmpty />
        </>
      )}
      {h.role === 'manager' && (
        <ClaimSection
          id="toPrepare"
          list={h.toPrepare}
          title={t('home.toPrepare')}
          hint={t('home.toPrepareHint')}
          due="due"
          more="/claims?tab=submitted"
          showEmpty
        />
      )}
      {(h.role === 'manager' || h.role === 'reviewer') && (
        <>
          <ClaimSection
            id="toDecide"
            list={h.toDecide}
            title={t('home.toDecide')}
            hint={t('home.toDecideHint')}
            due="due"
            more="/claims?tab=review"
            showEmpty
          />
          {h.role === 'manager' && (
            <ClaimSection
              id="toPay"
              list={h.toPay}
              title={t('home.toPay')}
              hint={t('home.toPayHint')}
              due="queue"
              more="/claims?tab=approved"
              showEmpty
            />
          )}
          <WriteOffs list={h.writeOffs} />
        </>
      )}
      {h.role === 'guarantor' && <ToConfirm list={h.toConfirm} />}
      {staff && (
        <>
          <Funds funds={h.funds} />
          <Breakers breakers={h.breakers} />
        </>
      )}
    </>
  );
}

function Section({
  id,
  title,
  count,
  hint,
  children,
}: {
  id: string;
  title: string;
  count?: number;
  hint?: string;
  children: ReactNode;
}) {
  return (
    <section className="home-section" id={id} data-testid={`home-${id}`} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>
        {title}
        {count !== undefined && <span className={`badge ${count > 0 ? 'warn' : ''}`}>{count}</span>}
      </h2>
      {hint && <p className="muted">{hint}</p>}
      {children}
    </section>
  );
}

function More({ shown, count, to }: { shown: number; count: number; to?: string | undefined }) {
  const { t } = useTranslation();
  if (count <= shown) return null;
  return (
    <p className="muted">
      {t('home.showing', { shown, n: count })}
      {to && (
        <>
          {' · '}
          <Link to={to}>{t('home.more', { n: count })}</Link>
        </>
      )}
    </p>
  );
}

/** A list of claims: overdue rows marked, each linking to the claim and its loan. */
function ClaimSection({
  id,
  list,
  title,
  hint,
  due,
  more,
  showEmpty = false,
}: {
  id: string;
  list: { items: HomeClaim[]; count: number; late: number };
  title: string;
  hint?: string;
  due: 'due' | 'returned' | 'queue';
  more?: string;
  showEmpty?: boolean;
}) {
  const { t } = useTranslation();
  if (!showEmpty && list.count === 0) return null;
  return (
    <Section id={id} title={title} count={list.count} {...(hint ? { hint } : {})}>
      <table data-testid={`${id}-table`}>
        <thead>
          <tr>
            <th>{t('claim.id')}</th>
            <th>{t('filing.bankRef')}</th>
            <th>{t('home.borrower')}</th>
            <th>{t('filing.bank')}</th>
            <th>{t('claim.state')}</th>
            <th className="num">{t('claim.compensation')}</th>
            <th>
              {due === 'queue' ? t('claim.queuePosition') : due === 'returned' ? t('home.dueReturn') : t('home.due')}
            </th>
            <th>{due === 'returned' ? t('home.note') : t('claim.preparedBy')}</th>
          </tr>
        </thead>
        <tbody>
          {list.items.map((c) => (
            <tr key={c.id} data-claim={c.id} data-late={c.late} className={c.late ? 'late' : undefined}>
              <td>
                <Link to={`/claims/${c.id}`}>{c.number}</Link>
              </td>
              <td>
                <Link to={`/filings/${c.filingId}`}>{c.bankRef ?? c.filingId.slice(0, 8)}</Link>
              </td>
              <td>{c.enterpriseName ?? '—'}</td>
              <td>
                <BankName id={c.bankId} />
              </td>
              <td>
                <Badge kind="state" value={c.state} />
              </td>
              <td className="num">
                <Money value={c.compensation} />
              </td>
              <td>
                {due === 'queue' ? (c.queuePosition ? t('home.queuePosition', { n: c.queuePosition }) : '—') : c.due}{' '}
                {c.late && <span className="badge bad">{t('home.late')}</span>}
              </td>
              <td>{due === 'returned' ? (c.returnRequest?.note ?? '—') : (c.preparedBy ?? '—')}</td>
            </tr>
          ))}
          {list.items.length === 0 && (
            <tr>
              <td colSpan={8} className="muted">
                {t('common.none')}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <More shown={list.items.length} count={list.count} to={more} />
    </Section>
  );
}

function WriteOffs({ list }: { list: Home['writeOffs'] }) {
  const { t } = useTranslation();
  return (
    <Section id="writeOffs" title={t('home.writeOffs')} count={list.count} hint={t('home.writeOffsHint')}>
      <table data-testid="writeOffs-table">
        <thead>
          <tr>
            <th>{t('filing.bankRef')}</th>
            <th>{t('home.borrower')}</th>
            <th>{t('filing.bank')}</th>
            <th>{t('home.writeOffOn')}</th>
            <th>{t('home.reason')}</th>
            <th>{t('home.requested')}</th>
            <th>{t('home.requestedAt')}</th>
          </tr>
        </thead>
        <tbody>
          {list.items.map((w) => (
            <tr key={w.id}>
              <td>
                <Link to={`/filings/${w.filingId}`}>{w.bankRef}</Link>
              </td>
              <td>{w.enterpriseName}</td>
              <td>
                <BankName id={w.bankId} />
              </td>
              <td>{w.on}</td>
              <td>{w.reason}</td>
              <td>{w.requestedBy}</td>
              <td>{dateTime(w.requestedAt)}</td>
            </tr>
          ))}
          {list.items.length === 0 && (
            <tr>
              <td colSpan={7} className="muted">
                {t('common.none')}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <More shown={list.items.length} count={list.count} />
    </Section>
  );
}

function ToConfirm({ list }: { list: Home['toConfirm'] }) {
  const { t } = useTranslation();
  return (
    <Section id="toConfirm" title={t('home.toConfirm')} count={list.count}>
      <table data-testid="toConfirm-table">
        <thead>
          <tr>
            <th>{t('filing.bankRef')}</th>
            <th>{t('home.borrower')}</th>
            <th>{t('filing.bank')}</th>
            <th>{t('home.filedOn')}</th>
            <th className="num">{t('home.principal')}</th>
            <th className="num">{t('home.share')}</th>
            <th className="num">{t('home.shareOfPrincipal')}</th>
          </tr>
        </thead>
        <tbody>
          {list.items.map((f) => (
            <tr key={f.filingId}>
              <td>
                <Link to={`/filings/${f.filingId}`}>{f.bankRef}</Link>
              </td>
              <td>{f.enterpriseName ?? '—'}</td>
              <td>
                <BankName id={f.bankId} />
              </td>
              <td>{f.filedOn}</td>
              <td className="num">
                <Money value={f.principal} />
              </td>
              <td className="num">{formatRate(f.share)}</td>
              <td className="num">
                <Money value={f.shareOfPrincipal} />
              </td>
            </tr>
          ))}
          {list.items.length === 0 && (
            <tr>
              <td colSpan={7} className="muted">
                {t('common.none')}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <More shown={list.items.length} count={list.count} to="/filings" />
    </Section>
  );
}

function Funds({ funds }: { funds: Home['funds'] }) {
  const { t } = useTranslation();
  return (
    <Section id="funds" title={t('home.funds')} hint={t('home.fundsHint')}>
      <table data-testid="funds-table">
        <thead>
          <tr>
            <th>{t('home.fund')}</th>
            <th className="num">{t('home.cash')}</th>
            <th className="num">{t('home.needed')}</th>
            <th className="num">{t('home.claims')}</th>
            <th className="num">{t('home.shortfall')}</th>
            <th>{t('home.level')}</th>
          </tr>
        </thead>
        <tbody>
          {funds.map((f) => (
            <tr key={f.fundId} className={f.short ? 'short' : undefined} data-fund={f.fundId} data-short={f.short}>
              <td>{f.name}</td>
              <td className="num">
                <Money value={f.cash} />
              </td>
              <td className="num">
                <Money value={f.needed} />
              </td>
              <td className="num">{f.claims}</td>
              <td className="num">
                <Money value={f.shortfall} />
              </td>
              <td>
                <span className={`badge ${f.short ? 'bad' : 'ok'}`}>
                  {f.short ? t('home.short') : t('home.enough')}
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}

/** A share of a threshold as the server caps it (999: claims with nothing filed are past any). */
const pct = (p: number) => (p >= 999 ? '≥999' : String(p));

function bankName(b: { bankName: string; bankNameEn: string | null }, zh: boolean) {
  return (zh ? null : b.bankNameEn) ?? b.bankName;
}

function Breakers({ breakers }: { breakers: HomeBreaker[] }) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language.startsWith('zh');
  return (
    <Section id="breakers" title={t('home.breakers')} count={breakers.length} hint={t('home.breakersHint')}>
      {breakers.length === 0 ? (
        <p className="muted">{t('home.breakersNone')}</p>
      ) : (
        <table data-testid="breakers-table">
          <thead>
            <tr>
              <th>{t('home.bank')}</th>
              <th>{t('home.level')}</th>
              <th className="num">{t('home.claimRatio')}</th>
              <th className="num">{t('home.net')}</th>
              <th>{t('home.why')}</th>
            </tr>
          </thead>
          <tbody>
            {breakers.map((b) => (
              <tr key={b.bankId} className={`level-${b.level}`} data-bank={b.bankId} data-level={b.level}>
                <td>
                  <Link to={`/banks/${b.bankId}`}>{bankName(b, zh)}</Link>
                </td>
                <td>
                  <Badge kind="breaker" value={b.level} />
                </td>
                <td className="num">
                  {formatRate(b.claimRatio)} / {formatRate(b.thresholds.claimRatioAbove)}
                  <div className="muted small">{t('home.ofThreshold', { p: pct(b.claimRatioPercent) })}</div>
                </td>
                <td className="num">
                  <Money value={b.netCompensation} /> / <Money value={b.thresholds.netCompensationAbove} />
                  <div className="muted small">{t('home.ofThreshold', { p: pct(b.netCompensationPercent) })}</div>
                </td>
                <td>{zh ? b.why.zh : b.why.en}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}

/** A bank officer's own figures: the book, the quotas and the distance to the breaker. */
function BankCard({ bank }: { bank: NonNullable<Home['bank']> }) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language.startsWith('zh');
  const b = bank.breaker;
  return (
    <section className="home-section" id="myBank" data-testid="home-myBank" aria-labelledby="myBank-title">
      <h2 id="myBank-title">
        {t('home.myBank')} · {(zh ? null : bank.nameEn) ?? bank.name}
      </h2>
      <div className="grid two">
        <div className="card">
          <div className="grid kpis" style={{ gridTemplateColumns: 'repeat(2, minmax(0, 1fr))' }}>
            <div className="kpi">
              <div className="label">{t('home.loans')}</div>
              <div className="value">{bank.loans}</div>
            </div>
            <div className="kpi">
              <div className="label">{t('home.filed')}</div>
              <div className="value">
                <Money value={bank.filedPrincipal} />
              </div>
            </div>
            <div className="kpi">
              <div className="label">{t('home.outstanding')}</div>
              <div className="value">
                <Money value={bank.outstanding} />
              </div>
            </div>
            <div className="kpi">
              <div className="label">{t('home.npl')}</div>
              <div className="value">
                <Money value={bank.nplPrincipal} />
              </div>
            </div>
          </div>
          <h3>{t('home.quotas')}</h3>
          {bank.quotas.length === 0 ? (
            <p className="muted">{t('home.noQuota')}</p>
          ) : (
            <table data-testid="quotas-table">
              <thead>
                <tr>
                  <th>{t('home.fund')}</th>
                  <th>{t('home.programme')}</th>
                  <th className="num">{t('home.quota')}</th>
                  <th className="num">{t('home.quotaUsed')}</th>
                  <th className="num">{t('home.quotaUnused')}</th>
                </tr>
              </thead>
              <tbody>
                {bank.quotas.map((q) => (
                  <tr key={q.agreementId}>
                    <td title={q.fundId}>{q.fundName}</td>
                    <td>
                      <ProgrammeName id={q.programmeId} />
                    </td>
                    <td className="num">
                      <Money value={q.quota} />
                    </td>
                    <td className="num">
                      <Money value={q.used} />
                    </td>
                    <td className="num">
                      <Money value={q.unused} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
        <div className={`card breaker-card level-${b.level}`} data-testid="my-breaker" data-level={b.level}>
          <h3>
            {t('home.breaker')} <Badge kind="breaker" value={b.level} />
          </h3>
          <p>
            {t('home.claimRatio')}: <strong>{formatRate(b.claimRatio)}</strong> /{' '}
            {formatRate(b.thresholds.claimRatioAbove)}{' '}
            <span className="muted">({t('home.ofThreshold', { p: pct(b.claimRatioPercent) })})</span>
          </p>
          <p>
            {t('home.net')}: <Money value={b.netCompensation} /> / <Money value={b.thresholds.netCompensationAbove} />{' '}
            <span className="muted">({t('home.ofThreshold', { p: pct(b.netCompensationPercent) })})</span>
          </p>
          <p className="muted">{zh ? b.why.zh : b.why.en}</p>
        </div>
      </div>
    </section>
  );
}
