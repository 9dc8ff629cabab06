/**
 * 风险模拟 / Risk simulation (issue 6): the manager sets the inputs, the job runs on the server
 * (POST /api/simulations → 202 with its id), the page polls GET /api/simulations/{id} with a
 * progress bar, then shows the variants side by side with the loss histogram and the what-if
 * charts. The job id stays in the URL (?job=) so a reload finds the same run while the server
 * keeps it (jobs live in the server's memory).
 */
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { useProgrammes } from '../api/programmes';
import { api, ApiError } from '../api/client';
import type { Fund, PositionRow } from '../api/types';
import { Loading, ProblemMessage } from '../components/Problem';
import { fenToYuan, toFen } from '../lib/money';
import { SimulationForm } from './SimulationForm';
import { SimulationResults } from './SimulationResults';
import type { SimulationJob, SimulationRequest } from './types';

export default function SimulationPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const jobId = params.get('job');
  const funds = useQuery({ queryKey: ['funds'], queryFn: () => api<{ items: Fund[] }>('/api/funds') });
  const programmes = useProgrammes();
  const position = useQuery({
    queryKey: ['report', 'position', 'all'],
    queryFn: async () => (await api<{ items: PositionRow[] }>('/api/reports/position')).items,
    retry: false,
  });
  const start = useMutation({
    mutationFn: (req: SimulationRequest) => api<SimulationJob>('/api/simulations', { method: 'POST', body: req }),
    onSuccess: (job) => setParams({ job: job.id }),
  });
  const job = useQuery({
    queryKey: ['simulation', jobId],
    enabled: !!jobId,
    queryFn: () => api<SimulationJob>(`/api/simulations/${jobId}`),
    refetchInterval: (q) => (q.state.data?.status === 'running' ? 400 : false),
    staleTime: Infinity,
  });

  if (funds.isPending || programmes.isPending) return <Loading />;
  if (funds.error || programmes.error) return <ProblemMessage error={funds.error ?? programmes.error} />;

  /** The fund's cash now (all funds: summed in BigInt fen). */
  const cashOf = (fundId: string): string | null => {
    const rows = (position.data ?? []).filter((p) => !fundId || p.fundId === fundId);
    if (!rows.length) return null;
    let fen = 0n;
    for (const r of rows) fen += toFen(r.cash) ?? 0n;
    return fenToYuan(fen);
  };
  const apiError = start.error instanceof ApiError ? start.error : null;
  const current = job.data;
  const running = start.isPending || current?.status === 'running';

  return (
    <>
      <h1>{t('sim.title')}</h1>
      <p className="muted">{t('sim.explain')}</p>
      {position.isPending ? (
        <Loading />
      ) : (
        <SimulationForm
          funds={funds.data.items}
          programmes={programmes.data}
          defaultCash={cashOf}
          running={running}
          apiErrors={apiError?.errors ?? []}
          onRun={(req) => start.mutate(req)}
        />
      )}
      {start.error && <ProblemMessage error={start.error} />}
      {jobId && job.error && <ProblemMessage error={job.error} />}
      {current && (
        <div className="card" style={{ marginTop: 14 }} data-testid="sim-status" data-status={current.status}>
          <label htmlFor="sim-progress">{t('sim.progress')}</label>
          <progress id="sim-progress" className="progress" max={1} value={current.progress} />
          <p role="status">
            {current.status === 'running' && t('sim.runningPct', { pct: Math.floor(current.progress * 100) })}
            {current.status === 'done' && t('sim.done')}
            {current.status === 'failed' && <span className="error">{t('sim.failed')}</span>}
          </p>
        </div>
      )}
      {current?.status === 'done' && current.result && <SimulationResults report={current.result} />}
    </>
  );
}
