/**
 * Names where people expect names (issue 18): a bank's, a guarantor's, a fund's, a programme's, an
 * industry's, in the page's language, the code on hover. Banks, guarantors, funds and programmes
 * come from the API caches the lists use; a role that may not read them (a bank reading the funds)
 * sees the code.
 */
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { label } from '../../../src/core/policy/labels';
import { api } from '../api/client';
import { useInstitutions } from '../api/accounts';
import { useProgrammes } from '../api/programmes';
import type { Fund, Institution } from '../api/types';
import { can, useAuth } from '../auth/auth';

const zh = (lang: string) => lang.startsWith('zh');

export function BankName({ id }: { id: string | null | undefined }) {
  const { i18n } = useTranslation();
  const banks = useInstitutions('bank', !!id);
  if (!id) return <>—</>;
  const bank = banks.data?.items.find((b) => b.id === id);
  const name = bank ? (zh(i18n.language) ? bank.name : (bank.nameEn ?? bank.name)) : id;
  return <span title={id}>{name}</span>;
}

/** Every institution the reader may see, of any kind (guarantors, re-guarantors, the national fund). */
function useAnyInstitutions(enabled: boolean) {
  return useQuery({
    queryKey: ['institutions', 'any'],
    enabled,
    staleTime: 5 * 60_000,
    queryFn: () => api<{ items: Institution[] }>('/api/institutions'),
  });
}

/** A guarantor (or a risk-sharing party of another kind: a re-guarantor, the national fund) by name. */
export function GuarantorName({ id, link = false }: { id: string | null | undefined; link?: boolean }) {
  const { i18n } = useTranslation();
  const all = useAnyInstitutions(!!id);
  if (!id) return <>—</>;
  const g = all.data?.items.find((x) => x.id === id);
  const name = g ? (zh(i18n.language) ? g.name : (g.nameEn ?? g.name)) : id;
  if (link && g?.kind === 'guarantor')
    return (
      <Link to={`/guarantors/${encodeURIComponent(id)}`} title={id}>
        {name}
      </Link>
    );
  return <span title={id}>{name}</span>;
}

export function FundName({ id }: { id: string | null | undefined }) {
  const { user } = useAuth();
  const mayRead = can(user, 'manager', 'reviewer', 'auditor', 'bureau');
  const funds = useQuery({
    queryKey: ['funds'],
    enabled: mayRead && !!id,
    staleTime: 5 * 60_000,
    queryFn: () => api<{ items: Fund[] }>('/api/funds'),
  });
  if (!id) return <>—</>;
  return <span title={id}>{funds.data?.items.find((f) => f.id === id)?.name ?? id}</span>;
}

/** A programme's title in the page's language (GET /api/programmes, which everyone may read). */
export function useProgrammeTitle(): (id: string) => string {
  const { i18n } = useTranslation();
  const programmes = useProgrammes();
  return (id) => {
    const p = programmes.data?.find((x) => x.id === id);
    return p ? (zh(i18n.language) ? p.title.zh : p.title.en) : id;
  };
}

/** A programme by its title, linking to its page unless `link` is false; the id on hover. */
export function ProgrammeName({ id, link = true }: { id: string | null | undefined; link?: boolean }) {
  const title = useProgrammeTitle();
  if (!id) return <>—</>;
  if (!link) return <span title={id}>{title(id)}</span>;
  return (
    <Link to={`/programmes/${encodeURIComponent(id)}`} title={id}>
      {title(id)}
    </Link>
  );
}

export function IndustryName({ code }: { code: string | null | undefined }) {
  const { i18n } = useTranslation();
  if (!code) return <>—</>;
  return <span title={code}>{label(code, zh(i18n.language) ? 'zh' : 'en')}</span>;
}

/** A ledger account by its name (the server's, in both languages), its id beneath and on hover. */
export function AccountName({ id, name }: { id: string; name: { zh: string; en: string } | undefined }) {
  const { i18n } = useTranslation();
  const text = name ? (zh(i18n.language) ? name.zh : name.en) : id;
  return (
    <span title={id} data-account={id}>
      {text}
      <br />
      <code className="muted small">{id}</code>
    </span>
  );
}
