import { createContext, useContext, useEffect, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, setCsrfToken, whenUnauthorised } from '../api/client';
import type { Role, User } from '../api/types';

interface AuthState {
  user: User | null;
  loading: boolean;
  signIn: (username: string, password: string) => Promise<User>;
  signOut: () => Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const qc = useQueryClient();
  const me = useQuery({
    queryKey: ['me'],
    queryFn: async () => {
      try {
        return (await api<{ user: User }>('/api/auth/me')).user;
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) return null;
        throw e;
      }
    },
    staleTime: Infinity,
    retry: false,
  });
  useEffect(() => whenUnauthorised(() => qc.setQueryData(['me'], null)), [qc]);

  const value: AuthState = {
    user: me.data ?? null,
    loading: me.isPending,
    async signIn(username, password) {
      const res = await api<{ user: User; csrfToken: string }>('/api/auth/login', {
        method: 'POST',
        changesNothing: true,
        body: { username, password },
      });
      setCsrfToken(res.csrfToken);
      // Drop the previous user's data but keep the observed ['me'] query (clear() would orphan it).
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' });
      qc.setQueryData(['me'], res.user);
      return res.user;
    },
    async signOut() {
      await api('/api/auth/logout', { method: 'POST', changesNothing: true }).catch(() => undefined);
      setCsrfToken(null);
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' });
      qc.setQueryData(['me'], null);
    },
  };
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const v = useContext(AuthContext);
  if (!v) throw new Error('useAuth outside AuthProvider');
  return v;
}

/** What each role sees in the navigation and may open (the server enforces it again). */
export const NAV: { path: string; key: string; roles: Role[] }[] = [
  { path: '/', key: 'nav.home', roles: ['manager', 'reviewer', 'bank', 'guarantor', 'auditor', 'bureau'] },
  { path: '/dashboard', key: 'nav.dashboard', roles: ['manager', 'reviewer', 'auditor', 'bureau'] },
  { path: '/simulation', key: 'nav.simulation', roles: ['manager', 'reviewer', 'auditor'] },
  { path: '/filings', key: 'nav.filings', roles: ['manager', 'reviewer', 'bank', 'guarantor', 'auditor', 'bureau'] },
  { path: '/claims', key: 'nav.claims', roles: ['manager', 'reviewer', 'bank', 'guarantor', 'auditor', 'bureau'] },
  {
    path: '/programmes',
    key: 'nav.programmes',
    roles: ['manager', 'reviewer', 'bank', 'guarantor', 'auditor', 'bureau'],
  },
  { path: '/enterprises', key: 'nav.enterprises', roles: ['manager', 'reviewer', 'bank', 'auditor', 'bureau'] },
  { path: '/banks', key: 'nav.banks', roles: ['manager', 'reviewer', 'bank', 'auditor', 'bureau'] },
  { path: '/guarantors', key: 'nav.guarantors', roles: ['manager', 'reviewer', 'guarantor', 'auditor'] },
  { path: '/reports', key: 'nav.reports', roles: ['manager', 'reviewer', 'bank', 'guarantor', 'auditor', 'bureau'] },
  { path: '/audit', key: 'nav.audit', roles: ['manager', 'reviewer', 'auditor', 'bureau'] },
  { path: '/users', key: 'nav.users', roles: ['manager', 'auditor'] },
];

/** Every role lands on its 待办 (the home page); the dashboard keeps its own entry. */
export const homeOf = (_role: Role) => '/';
export const can = (user: User | null, ...roles: Role[]) => !!user && roles.includes(user.role);
