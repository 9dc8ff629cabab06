/**
 * People and API tokens: the users a manager adds, disables, enables and sets a new password for
 * (an auditor reads the list); each person's own password; the API tokens bank systems call with
 * (a bank officer's own, a manager's view of everyone's). The secret of a token is in the answer
 * to its creation only.
 */
import { useQuery } from '@tanstack/react-query';
import { api } from './client';
import type {
  ApiToken,
  Institution,
  NewApiToken,
  NotificationSettings,
  NotifyPreference,
  Role,
  UserAccount,
  UserInput,
} from './types';

export const ROLES: readonly Role[] = ['manager', 'reviewer', 'bank', 'guarantor', 'auditor', 'bureau'];

export const USERS_KEY = ['users'] as const;
export const TOKENS_KEY = ['api-tokens'] as const;
export const NOTIFICATIONS_KEY = ['notifications'] as const;
export const NOTIFY_PREFERENCES: readonly NotifyPreference[] = ['each', 'digest', 'off'];

/** My notification settings (GET /api/auth/notifications). */
export function useNotifications() {
  return useQuery({
    queryKey: NOTIFICATIONS_KEY,
    queryFn: () => api<NotificationSettings>('/api/auth/notifications'),
  });
}
export const setNotifications = (body: { email: string | null; notify: NotifyPreference }) =>
  api<NotificationSettings>('/api/auth/notifications', { method: 'PUT', body });

export function useUsers() {
  return useQuery({
    queryKey: USERS_KEY,
    queryFn: async () => (await api<{ items: UserAccount[] }>('/api/users')).items,
  });
}

/** The registered banks or guarantors (the same cache as the institutions pages). */
export function useInstitutions(kind: 'bank' | 'guarantor', enabled = true) {
  return useQuery({
    queryKey: ['institutions', kind],
    enabled,
    staleTime: 5 * 60_000,
    queryFn: () => api<{ items: Institution[] }>(`/api/institutions?kind=${kind}`),
  });
}

export function useTokens(enabled = true) {
  return useQuery({
    queryKey: TOKENS_KEY,
    enabled,
    queryFn: async () => (await api<{ items: ApiToken[] }>('/api/auth/tokens')).items,
  });
}

/** An institution's name in the page's language (its id while the list loads, or if it is gone). */
export function institutionName(list: Institution[] | undefined, id: string, lang: string): string {
  const i = list?.find((x) => x.id === id);
  if (!i) return id;
  return lang.startsWith('zh') ? i.name : (i.nameEn ?? i.name);
}

const userPath = (id: string) => `/api/users/${encodeURIComponent(id)}`;

export const createUser = (body: UserInput) => api<UserAccount>('/api/users', { method: 'POST', body });
export const setUserDisabled = (id: string, disabled: boolean) =>
  api<UserAccount>(userPath(id), { method: 'PATCH', body: { disabled } });
export const setUserNotifications = (id: string, body: { email: string | null; notify: NotifyPreference }) =>
  api<UserAccount>(userPath(id), { method: 'PATCH', body });
export const setUserPassword = (id: string, password: string) =>
  api<UserAccount>(`${userPath(id)}/password`, { method: 'PUT', body: { password } });
export const changeOwnPassword = (currentPassword: string, newPassword: string) =>
  api<void>('/api/auth/password', { method: 'POST', body: { currentPassword, newPassword } });
export const createToken = (name: string) => api<NewApiToken>('/api/auth/tokens', { method: 'POST', body: { name } });
export const revokeToken = (id: string) =>
  api<ApiToken>(`/api/auth/tokens/${encodeURIComponent(id)}`, { method: 'DELETE' });
