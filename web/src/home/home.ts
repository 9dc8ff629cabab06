/** GET /api/home, shared by the home page and the header's count (one query, refreshed each minute). */
import { useQuery } from '@tanstack/react-query';
import { api } from '../api/client';
import type { Home } from '../api/types';

export const HOME_KEY = ['home'] as const;

export function useHome(enabled = true) {
  return useQuery({
    queryKey: HOME_KEY,
    queryFn: () => api<Home>('/api/home'),
    enabled,
    refetchInterval: 60_000,
  });
}
