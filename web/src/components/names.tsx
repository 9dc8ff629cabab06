/**
 * Names where people expect names (issue 18): a bank's, a fund's, an industry's, in the page's
 * language, the code on hover. Banks and funds come from the API caches the lists use; a role that
 * may not read them (a bank reading the funds) sees the code.
 */
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { label } from '../../../src/core/policy/labels';
import { api } from '../api/client';
import { useInstitutions } from '../api/accounts';
import type { Fund } from '../api/types';
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

export function IndustryName({ code }: { code: string | null | undefined }) {
  const { i18n } = useTranslation();
  if (!code) return <>—</>;
  return <span title={code}>{label(code, zh(i18n.language) ? 'zh' : 'en')}</span>;
}
