/**
 * The simulation API's answers as plain types (no runtime code, no Node imports), so that the web
 * app can import them as types: the job (POST/GET /api/simulations) and the live book's grades
 * and sectors (GET /api/simulations/book).
 */
import type { SimulationReport } from '../../core/risk/report';

export interface SimulationJob {
  id: string;
  status: 'running' | 'done' | 'failed';
  /** Share of scenarios done, 0..1. */
  progress: number;
  createdBy: string;
  startedAt: string;
  finishedAt?: string;
  result?: SimulationReport;
  error?: string;
}

/** A grade's history as GET /api/simulations/book gives it: `pd` when there is enough of it (at least `minLoanYears`). */
export interface GradeHistoryView {
  loans: number;
  defaults: number;
  loanYears: number;
  pd?: number;
  /** Jeffreys 95% interval of the PD. */
  interval?: [number, number];
}

export interface SimulationBook {
  /** The day the history is counted to. */
  asOf: string;
  loans: number;
  /** Outstanding principal of the active loans, yuan. */
  exposure: string;
  grades: { grade: string; loans: number; exposure: string; history: GradeHistoryView }[];
  sectors: { sector: string; loans: number; exposure: string }[];
  minLoanYears: number;
}
