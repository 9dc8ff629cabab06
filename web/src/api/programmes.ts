import { useQuery } from '@tanstack/react-query';
import { api } from './client';
import type { ResponseOf } from './types';

/** Every programme with its versions (GET /api/programmes answers `{ items }`). */
export function useProgrammes() {
  return useQuery({
    queryKey: ['programmes'],
    staleTime: 5 * 60_000,
    queryFn: async () => (await api<ResponseOf<'/api/programmes', 'get'>>('/api/programmes')).items,
  });
}
