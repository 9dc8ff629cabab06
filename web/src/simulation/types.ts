/**
 * The simulation API's shapes (src/modules/simulation/simulation.schemas.ts and
 * src/core/risk/report.ts): money is yuan as decimal strings; probabilities are plain numbers.
 */
export interface VariantRequest { id?: string; programme?: string; ratio?: string; capPerLoan?: string | null }

export interface SimulationRequest {
  portfolio: { source: 'book'; fundId?: string };
  pdByGrade: Record<string, number>;
  variants: VariantRequest[];
  correlation: { rho: number };
  scenarios: number;
  seed: number;
  years: number;
  fund?: { cash: string; topUps?: string[]; recoveryRate?: number; recoveryDelayYears?: number };
}

export interface TailRow { level: string; valueAtRisk: Record<string, string>; expectedShortfall: Record<string, string> }

export interface VariantReport {
  variant: string;
  expectedLoss: { exact: string; simulated: string; standardError: string };
  tail: TailRow[];
  exhaustion: { withinYears: number; probability: number; standardError: number }[];
  histogram: { from: string; to: string; probability: number }[];
}

export interface SimulationReport {
  loans: number;
  scenarios: number;
  years: number;
  seed: number;
  importanceShift: number;
  variants: VariantReport[];
  whatIf: { measure: string; values: string[] }[];
  notes: string[];
}

export interface SimulationJob {
  id: string;
  status: 'running' | 'done' | 'failed';
  /** Share of scenarios done, 0..1. */
  progress: number;
  createdBy: string;
  startedAt: string;
  finishedAt?: string;
  error?: string;
  result?: SimulationReport;
}
