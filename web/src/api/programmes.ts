import { useQuery } from '@tanstack/react-query';
import { api } from './client';
import type { ProgrammeSummary } from './types';

/** Every programme with its versions (GET /api/programmes answers `{ items }`). */
export function useProgrammes() {
  return useQuery({
    queryKey: ['programmes'],
    staleTime: 5 * 60_000,
    queryFn: async () => {
      const r = await api<{ items: ProgrammeSummary[] } | ProgrammeSummary[]>('/api/programmes');
      return Array.isArray(r) ? r : r.items;
    },
  });
}
