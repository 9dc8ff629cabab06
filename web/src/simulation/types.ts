/**
 * The simulation API's shapes, imported as types from the server's own code so that they cannot
 * drift: the request (src/modules/simulation/simulation.schemas.ts), the job and the book
 * (src/modules/simulation/simulation.types.ts), the report (src/core/risk/report.ts). Money is
 * yuan as decimal strings; probabilities are plain numbers. Type-only imports: nothing of the
 * server ends up in the web bundle.
 */
import type { SimulationInput } from '../../../src/modules/simulation/simulation.schemas';
export type { SimulationReport, TailRow, VariantReport } from '../../../src/core/risk/report';
export type { PdEstimate } from '../../../src/core/risk/pd-history';
export type { SimulationBook, SimulationJob } from '../../../src/modules/simulation/simulation.types';

export type VariantRequest = NonNullable<SimulationInput['variants']>[number];
/** The page simulates the live book (all funds or one). */
export type SimulationRequest = SimulationInput & { portfolio: { source: 'book'; fundId?: string } };
