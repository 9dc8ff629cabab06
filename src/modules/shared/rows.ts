/** A raw query's rows, whichever driver ran it (PGlite answers { rows }, postgres.js an array). */
export type Row = Record<string, unknown>;
export const rowsOf = (r: unknown): Row[] => (Array.isArray(r) ? r : ((r as { rows: Row[] }).rows ?? []));
