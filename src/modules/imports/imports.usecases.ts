/**
 * Bulk filing (issue 4 item 3): a bank's file of loans → filings, in chunks. Each row is judged by
 * the API's schema (`filingInput`) and the same filing steps as `POST /api/filings` (filing.plan.ts
 * planFiling, filing.store.ts insertFilings and reserveFilings); a chunk's filings, its rows' errors and the job's `lastLine` commit in one
 * transaction, so a crash resumes after `lastLine` and nothing is filed twice. The same file for
 * the same bank (by content hash) is the same job: importing it again files nothing twice.
 * Set-based: a chunk costs a fixed number of statements whatever its size (lookups, one insert of
 * filings and events, one of ledger accounts, one ledger batch, one chained audit append), and the
 * next chunk is prepared while the previous one commits.
 */
import { randomUUID } from 'node:crypto';
import { joinBilingual, type Bilingual } from '../../core/text';
import { scopeFor, type Actor } from '../auth/access';
import { filingErrors, ruleError } from '../filings/filings.errors';
import { createFilingsRepository } from '../filings/filings.repository';
import { filingInput } from '../filings/filings.schemas';
import {
  guarantorOf,
  planFiling,
  withOpenedCap,
  type FilingDesk,
  type FilingInput,
  type FilingPlan,
} from '../filings/filing.plan';
import { insertFilings, openedCaps, reserveFilings, storedFiling, storeSharedKeys } from '../filings/filing.store';
import type { Db } from '../shared/db';
import type { PolicyCatalog } from '../programmes/programmes.usecases';
import { createRegistryRepository } from '../registry/registry.repository';
import { decodeCursor, pageOf } from '../shared/paging';
import { Problem, type FieldError } from '../shared/problem';
import { fieldErrorsOf, withZh } from '../shared/request.errors';
import { importErrors } from './imports.errors';
import { columnOf, rowToFilingInput, type ColumnMap } from './imports.columns';
import { inspectFile, type FileInspection } from './imports.file';
import { createImportsRepository, type ImportJobRow } from './imports.repository';
import { heartbeat, lostJob, STALE_AFTER_MS } from './imports.recovery';
import { readRows, type RawRow } from './rows';
import { timed, type Timings } from '../filings/timings';
import { uniqueViolation } from '../shared/retry';
import { importRows } from '../shared/metrics';
import { PROCESS_ID } from '../shared/job-runs';

/**
 * Rows per transaction. ledger_apply takes its per-id advisory locks by 1,024 buckets, so a chunk
 * of any size holds at most 1,024 slots of the shared lock table. Chunks of 1,000 were no faster
 * on PostgreSQL on an idle machine (1,678 against 1,708 rows/s), faster on PGlite; see
 * docs/PERFORMANCE.md.
 */
export const DEFAULT_CHUNK_ROWS = 500;

/** What is wrong with a row: the file's column (or `rule:<id>`), a stable code, both languages. */
export interface RowError extends Bilingual {
  column: string;
  code: string;
}

/** A field error (the API's, or a rule's) as the row error of the file's column that holds the field. */
const rowError = (e: FieldError, columns: ColumnMap): RowError => ({
  column: columnOf(e.field, columns),
  code: e.code,
  zh: e.zh,
  en: e.en,
});

type JudgedRow = { line: number; values: Record<string, string> } & ({ input: FilingInput } | { errors: RowError[] });

/** Rows whose outcome is known only in the chunk's transaction: filed, duplicate or refused. */
interface ChunkCounts {
  filed: number;
  duplicates: number;
  rejected: number;
}

export function jobView(j: ImportJobRow) {
  const total = j.totalLines;
  return {
    id: j.id,
    bankId: j.bankId,
    fileName: j.fileName,
    status: lostJob(j) ? ('interrupted' as const) : j.status,
    bytes: j.bytes,
    lastLine: j.lastLine,
    filed: j.filed,
    duplicates: j.duplicates,
    rejected: j.rejected,
    progress: j.status === 'done' ? 1 : total ? Math.min(1, Math.round((j.lastLine / total) * 1000) / 1000) : null,
    createdBy: j.createdBy,
    startedAt: j.startedAt.toISOString(),
    finishedAt: j.finishedAt?.toISOString() ?? null,
    error: j.error ?? null,
    errorReport: `/api/imports/${j.id}/errors`,
  };
}
export type ImportJobView = ReturnType<typeof jobView>;

/** Judges one row with the API's schema; messages name the file's column, in Chinese and English. */
export function judgeRow(raw: RawRow, columns: ColumnMap): JudgedRow {
  const input = rowToFilingInput(raw.values, columns);
  const parsed = filingInput.safeParse(input);
  if (parsed.success) return { ...raw, input: parsed.data };
  const byColumn = new Map<string, RowError>();
  for (const [i, issue] of fieldErrorsOf(parsed.error, input).entries()) {
    // Every cell arrives as text, so a wrong type can only be an empty cell.
    const e: FieldError =
      parsed.error.issues[i]!.code === 'invalid_type'
        ? { field: issue.field, code: 'request.required', ...withZh('is required') }
        : issue;
    const row = rowError(e, columns);
    const prior = byColumn.get(row.column);
    // Two problems in one cell: one line, both texts, the first one's code.
    byColumn.set(row.column, prior ? { ...prior, ...joinBilingual([prior, row], { zh: '；', en: '; ' }) } : row);
  }
  return { ...raw, errors: [...byColumn.values()] };
}

function bankOf(actor: Actor, bankId: string | undefined): string {
  if (actor.role === 'bank') {
    if (bankId && bankId !== actor.bankId) throw importErrors.bankImportsForItself();
    return actor.bankId!;
  }
  if (!bankId) throw importErrors.bankRequired();
  return bankId;
}

/**
 * Looks the file over (a broken one is refused whole, nothing written) and opens its job — or
 * finds the job of the same file imported before by the same bank.
 */
export async function openImport({
  db,
  actor,
  bankId: named,
  fileName,
  path,
  fileHash,
  bytes,
  holder = PROCESS_ID,
}: {
  db: Db;
  actor: Actor;
  bankId?: string | undefined;
  fileName: string;
  path: string;
  fileHash: string;
  bytes: number;
  /** The process opening it (tests run several "processes" in one). */
  holder?: string;
}): Promise<{ job: ImportJobRow; created: boolean; inspection: FileInspection }> {
  const bankId = bankOf(actor, named);
  const bank = await createRegistryRepository({ db }).findInstitution(bankId);
  if (!bank || bank.kind !== 'bank') throw importErrors.bankUnknown(bankId);
  const inspection = await inspectFile(path);
  const { job, created } = await createImportsRepository({ db }).openJob({
    id: randomUUID(),
    bankId,
    fileName,
    fileHash,
    bytes,
    totalLines: inspection.lastLine,
    createdBy: actor.username,
    holder,
  });
  return { job, created, inspection };
}

/**
 * The job to run in this process, or undefined when another process is running it (its heartbeat is
 * fresh): a new job is its opener's; an unfinished one is claimed in one statement, so of several
 * processes handed the same file at once one runs it and the others answer the job as it stands.
 */
export async function claimImport({
  db,
  job,
  created,
  now = new Date(),
  holder = PROCESS_ID,
}: {
  db: Db;
  job: ImportJobRow;
  created: boolean;
  now?: Date;
  holder?: string;
}): Promise<ImportJobRow | undefined> {
  if (created) return job;
  if (job.status === 'done') return undefined;
  return createImportsRepository({ db }).claim(job.id, new Date(now.getTime() - STALE_AFTER_MS), holder);
}

export class ImportTakenOver extends Error {
  constructor(jobId: string) {
    super(`import ${jobId} was advanced by another run; this run stops`);
    this.name = 'ImportTakenOver';
  }
}

class RefusedInChunk extends Error {}

export interface RunHooks {
  /** Called inside each chunk's transaction just before it commits (tests throw here to simulate a crash). */
  beforeCommit?: (chunk: number) => void | Promise<void>;
  /**
   * Called before each chunk's transaction starts, outside any transaction (tests take the job over
   * here, at a known point of the run).
   */
  beforeChunk?: (chunk: number) => void | Promise<void>;
  /**
   * Called inside each chunk's transaction once its rows are inserted, before it waits for the chunk
   * before it (tests hold a chunk there while the next one starts); `attempt` counts from 0.
   */
  afterInsert?: (chunk: number, attempt: number) => void | Promise<void>;
}

export interface ImportProgress {
  lastLine: number;
  totalLines: number;
  filed: number;
  duplicates: number;
  rejected: number;
}

/**
 * Files the job's rows after its `lastLine`, a chunk per transaction, pipelined: while a chunk's
 * reservations commit, the next chunk is read, judged, looked up and planned (outside any
 * transaction) and its filings inserted in its own transaction, which then waits for the earlier
 * chunk to commit before it takes the job's lock, reserves and commits (fileChunk). Chunks commit in
 * file order; at most one chunk is being prepared and two are in transactions, so memory stays
 * bounded. Stops cleanly between chunks when `signal` aborts. `timings` (optional) collects where
 * the time went, by step.
 */
export async function runImport({
  db,
  catalog,
  actor,
  today,
  job,
  path,
  inspection,
  chunkRows = DEFAULT_CHUNK_ROWS,
  onProgress,
  signal,
  hooks,
  timings,
  holder = PROCESS_ID,
}: {
  db: Db;
  catalog: PolicyCatalog;
  actor: Actor;
  today: string;
  job: ImportJobRow;
  path: string;
  inspection: FileInspection;
  chunkRows?: number;
  onProgress?: (p: ImportProgress) => void;
  signal?: AbortSignal;
  hooks?: RunHooks;
  timings?: Timings;
  /** The process running it, that claimed it (tests run several "processes" in one): only it commits chunks. */
  holder?: string;
}): Promise<ImportJobRow> {
  const repo = createImportsRepository({ db });
  if (job.status === 'done') return job;
  if (job.status === 'failed' || job.status === 'interrupted' || lostJob(job))
    await repo.setStatus(job.id, 'running', holder);
  const stopBeating = heartbeat(db, job.id, holder);
  const state = { lastLine: job.lastLine, filed: job.filed, duplicates: job.duplicates, rejected: job.rejected };
  const bank = await createRegistryRepository({ db }).findInstitution(job.bankId);
  const bankName = bank ? { zh: bank.name, en: bank.nameEn ?? bank.name } : undefined;
  const desk: FilingDesk = {
    catalog,
    actor,
    today,
    bankId: job.bankId,
    ...(bankName ? { bankName } : {}),
    agreements: [],
  };
  /** The chunks in transactions, oldest first: each commits only after the one before it has. */
  const committing: Promise<void>[] = [];
  let chunks = 0;
  let scheduledLastLine = job.lastLine;
  const commit = async (
    prepared: PreparedChunk,
    after: Promise<void> | null,
    expectedLastLine: number,
    chunk: number,
  ) => {
    const counts = await fileChunk({
      db,
      desk,
      columns: inspection.columns,
      jobId: job.id,
      holder,
      expectedLastLine,
      prepared,
      after,
      signal,
      chunk,
      hooks,
      timings,
    });
    if (counts === 'stopped') return;
    state.lastLine = prepared.rows.at(-1)!.line;
    state.filed += counts.filed;
    state.duplicates += counts.duplicates;
    state.rejected += counts.rejected;
    importRows.inc({ outcome: 'filed' }, counts.filed);
    importRows.inc({ outcome: 'duplicate' }, counts.duplicates);
    importRows.inc({ outcome: 'rejected' }, counts.rejected);
    onProgress?.({ ...state, totalLines: inspection.lastLine });
  };
  /** Prepares a chunk and starts its transaction once at most one other is in one. Returns false when aborted. */
  let lastNumbers = new Set<string>();
  const next = async (rows: JudgedRow[]): Promise<boolean> => {
    const prepared = await prepareChunk({ db, desk, columns: inspection.columns, rows, timings });
    if (committing.length === 2) await committing.shift();
    // A loan number the chunk in its transaction also files: this one waits for it to commit. Inserted
    // meanwhile, the number would make that chunk wait for this one if it had to be written again.
    const numbers = loanNumbers(prepared);
    if (committing.length && [...numbers].some((n) => lastNumbers.has(n))) await committing.shift();
    lastNumbers = numbers;
    await hooks?.beforeChunk?.(chunks);
    if (signal?.aborted) return false;
    const started = commit(prepared, committing.at(-1) ?? null, scheduledLastLine, chunks++);
    started.catch(() => {}); // awaited later; keeps an early failure from being reported as unhandled
    committing.push(started);
    scheduledLastLine = prepared.rows.at(-1)!.line;
    return true;
  };
  const settled = async () => {
    for (const c of committing.splice(0)) await c;
  };
  try {
    let rows: JudgedRow[] = [];
    for await (const raw of readRows(path, inspection.format)) {
      if (raw.line <= job.lastLine) continue;
      rows.push(judgeRow(raw, inspection.columns));
      if (rows.length >= chunkRows) {
        const chunk = rows;
        rows = [];
        if (!(await next(chunk))) break;
      }
    }
    if (rows.length && !signal?.aborted) await next(rows);
    await settled();
    if (signal?.aborted) return (await repo.find(job.id))!;
    await repo.setStatus(job.id, 'done', holder);
  } catch (e) {
    await Promise.allSettled(committing);
    if (!(e instanceof ImportTakenOver)) await repo.setStatus(job.id, 'failed', holder);
    throw e;
  } finally {
    stopBeating();
  }
  return (await repo.find(job.id))!;
}

/** Rows planned between two turns of the event loop while a chunk is prepared. */
const PLAN_SLICE = 10;

/** A row's outcome as far as it is known before the chunk's transaction: its plan, or why it is not filed. */
type Outcome = { plan: FilingPlan } | { errors: RowError[] };

/** The loan numbers a chunk files (its rows planned). */
const loanNumbers = (prepared: PreparedChunk): Set<string> =>
  new Set([...prepared.outcomes.values()].flatMap((o) => ('plan' in o ? [o.plan.row.bankRef] : [])));

/** A chunk judged, looked up and planned outside its transaction. */
interface PreparedChunk {
  rows: JudgedRow[];
  /** By line, for the first row of each loan number in the chunk (the later ones are duplicates whatever the database holds). */
  outcomes: Map<number, Outcome>;
}

const NO_FUNDS: ReadonlySet<string> = new Set();

/**
 * Looks up what a chunk's rows name — enterprises with their qualifications, guarantors, the
 * bank's agreements in force, the funds where the enterprises have bad loans (R17): four queries,
 * whatever the chunk's size — and judges and plans each loan (planFiling, as the API does). Reads
 * only; the chunk's transaction checks the loan numbers against the filings and writes.
 */
async function prepareChunk({
  db,
  desk,
  columns,
  rows,
  timings,
}: {
  db: Db;
  desk: FilingDesk;
  columns: ColumnMap;
  rows: JudgedRow[];
  timings?: Timings | undefined;
}): Promise<PreparedChunk> {
  const valid = rows.filter((r): r is JudgedRow & { input: FilingInput } => 'input' in r);
  const imports = createImportsRepository({ db });
  const [{ byCode, quals }, guarantors, agreements] = await timed(timings, 'prepare: lookups', () =>
    Promise.all([
      imports.enterprisesByCreditCode([...new Set(valid.map((r) => r.input.creditCode!))]),
      imports.guarantors([...new Set(valid.map((r) => guarantorOf(r.input)).filter((g): g is string => g !== null))]),
      createFilingsRepository({ db }).agreementsFor(desk.bankId, desk.today),
    ]),
  );
  const badLoanFunds = await timed(timings, 'prepare: lookups', () =>
    createFilingsRepository({ db }).fundsWithBadLoans([...new Set([...byCode.values()].map((e) => e.id))]),
  );
  let started = performance.now();
  const chunkDesk = { ...desk, agreements };
  const outcomes = new Map<number, Outcome>();
  const seen = new Set<string>();
  for (const [i, r] of valid.entries()) {
    if (i % PLAN_SLICE === PLAN_SLICE - 1) {
      // Let the previous chunk's transaction go on between slices: its next statement waits for this loop otherwise.
      if (timings)
        timings['prepare: judge and plan'] = (timings['prepare: judge and plan'] ?? 0) + performance.now() - started;
      await new Promise((resolve) => setImmediate(resolve));
      started = performance.now();
    }
    if (seen.has(r.input.bankRef)) continue;
    seen.add(r.input.bankRef);
    const enterprise = byCode.get(r.input.creditCode!);
    if (!enterprise) {
      outcomes.set(r.line, { errors: [rowError(filingErrors.enterpriseNotRegisteredField('creditCode'), columns)] });
      continue;
    }
    try {
      const plan = planFiling({
        desk: chunkDesk,
        input: r.input,
        enterprise,
        quals: quals.get(enterprise.id) ?? [],
        badLoanFunds: badLoanFunds.get(enterprise.id) ?? NO_FUNDS,
        guarantors,
      });
      storedFiling(plan); // serialized now, while the previous chunk commits
      outcomes.set(r.line, { plan });
    } catch (e) {
      // A refusal by a rule names the rule (`rule:<id>`), any other problem the file's column.
      if (e instanceof Problem) outcomes.set(r.line, { errors: e.errors.map((x) => rowError(x, columns)) });
      else throw e;
    }
  }
  if (timings)
    timings['prepare: judge and plan'] = (timings['prepare: judge and plan'] ?? 0) + performance.now() - started;
  await timed(timings, 'prepare: enterprise caps opened before', () => leaveOutOpenedCaps(db, outcomes));
  await timed(timings, 'prepare: templates and cap accounts stored', () =>
    storeSharedKeys({ db, plans: [...outcomes.values()].flatMap((o) => ('plan' in o ? [o.plan] : [])) }),
  );
  return { rows, outcomes };
}

/**
 * Each plan's G5 cap account as it stands (filing.plan withOpenedCap): a cap opened already as
 * the policy says is not opened again (its transfer and two accounts are left out of the chunk), one
 * a policy version changed is raised or lowered to it. Read once per chunk.
 */
async function leaveOutOpenedCaps(db: Db, outcomes: Map<number, Outcome>): Promise<void> {
  const plans = [...outcomes.values()].flatMap((o) => ('plan' in o ? [o.plan] : []));
  const opened = await openedCaps(db, plans);
  if (opened.size === 0) return;
  for (const [line, o] of outcomes) if ('plan' in o) outcomes.set(line, { plan: withOpenedCap(o.plan, opened) });
}

/** Thrown inside a chunk's transaction to roll it back when the chunk before it failed: that failure is the one reported. */
class EarlierChunkFailed extends Error {}
/** Thrown inside a chunk's transaction to roll it back when the import was aborted while the chunk before it committed. */
class StoppedBeforeChunk extends Error {}

/**
 * One chunk in one transaction. Its filings are inserted first, while the chunk before it (`after`)
 * may still be committing: they lock nothing that chunk needs. Then it waits for that chunk, takes
 * the job's lock (so two runners can never commit the same rows), reserves, audits and commits. A
 * row the ledger refuses (a limit reached mid-chunk) is taken out with the limit's reason and the
 * chunk is written again without it: the others are filed, nothing is half-written. A bank
 * reference filed meanwhile — by the chunk before it, a file's repeated loan number, or through the
 * API — is caught by its unique index and the chunk is written again, reporting it as a duplicate.
 */
async function fileChunk({
  db,
  desk,
  columns,
  jobId,
  holder,
  expectedLastLine,
  prepared,
  after,
  signal,
  chunk,
  hooks,
  timings,
}: {
  db: Db;
  desk: FilingDesk;
  columns: ColumnMap;
  jobId: string;
  holder: string;
  expectedLastLine: number;
  prepared: PreparedChunk;
  after: Promise<void> | null;
  signal?: AbortSignal | undefined;
  chunk: number;
  hooks?: RunHooks | undefined;
  timings?: Timings | undefined;
}): Promise<ChunkCounts | 'stopped'> {
  const refusedByLedger = new Map<number, RowError[]>();
  for (let attempt = 0; ; attempt++) {
    try {
      return await timed(timings, "transaction (all of the chunk's writes, commit included)", () =>
        db.transaction(async (tx) => {
          const repo = createImportsRepository({ db: tx });
          const filed = await timed(timings, 'filed loan numbers', () => filedRefsOf({ db: tx, desk, prepared }));
          const { errors, duplicates, plans } = settleChunk({ columns, prepared, filed, refusedByLedger });
          const filings = plans.map((p) => p.plan);
          // The chunk's one audit row (filing.chunk): keyed by the job and the chunk's first line, which a retry keeps.
          const chunkOf = { importId: jobId, firstLine: prepared.rows[0]!.line, lastLine: prepared.rows.at(-1)!.line };
          const at = filings.length ? await insertFilings({ db: tx, plans: filings, chunk: chunkOf, timings }) : null;
          await hooks?.afterInsert?.(chunk, attempt);
          await timed(timings, 'wait for the chunk before', async () => {
            if (after)
              await after.catch((e: unknown) => {
                throw new EarlierChunkFailed('the chunk before failed', { cause: e });
              });
          });
          if (signal?.aborted) throw new StoppedBeforeChunk();
          const locked = await timed(timings, 'lock job', () => repo.lock(jobId));
          // Another process took the job over (this one was thought dead), or ran these rows already.
          if (
            !locked ||
            locked.lastLine !== expectedLastLine ||
            locked.status === 'done' ||
            (locked.holder !== null && locked.holder !== holder)
          )
            throw new ImportTakenOver(jobId);
          const counts = { filed: plans.length, duplicates, rejected: errors.length - duplicates };
          // The row errors and the job's progress do not wait for the reservations: sent with them, and
          // rolled back with them when the ledger refuses one.
          const progress = timed(timings, 'row errors + job progress', () =>
            Promise.all([
              // The row's cells as [header, value] pairs: a jsonb object would not keep the file's column order.
              repo.addErrors(
                errors.flatMap((e) =>
                  e.errors.map((x) => ({
                    jobId,
                    line: e.line,
                    column: x.column,
                    code: x.code,
                    zh: x.zh,
                    en: x.en,
                    values: Object.entries(e.values),
                  })),
                ),
              ),
              repo.advance(jobId, { lastLine: prepared.rows.at(-1)!.line, ...counts }),
            ]),
          );
          const [out] = await Promise.all([
            at
              ? reserveFilings({ db: tx, plans: filings, actor: desk.actor, at, chunk: chunkOf, timings })
              : { written: true as const },
            progress,
          ]);
          if (!out.written) {
            out.refused.forEach((r, i) => {
              if (r) refusedByLedger.set(plans[i]!.line, [rowError(ruleError(r), columns)]);
            });
            throw new RefusedInChunk();
          }
          await hooks?.beforeCommit?.(chunk);
          return counts;
        }),
      );
    } catch (e) {
      if (e instanceof RefusedInChunk) continue;
      if (e instanceof StoppedBeforeChunk) return 'stopped';
      if (e instanceof EarlierChunkFailed) throw e.cause;
      if (uniqueViolation(e) && attempt < 5) continue;
      throw e;
    }
  }
}

/** Which of the chunk's loan numbers the bank has filed already (read in the chunk's transaction). */
function filedRefsOf({
  db,
  desk,
  prepared,
}: {
  db: Db;
  desk: FilingDesk;
  prepared: PreparedChunk;
}): Promise<Set<string>> {
  const refs = new Set<string>();
  for (const r of prepared.rows) if ('input' in r) refs.add(r.input.bankRef);
  return createFilingsRepository({ db }).filedBankRefs(desk.bankId, [...refs]);
}

/** Each row's outcome once the filed loan numbers are known. */
function settleChunk({
  columns,
  prepared,
  filed,
  refusedByLedger,
}: {
  columns: ColumnMap;
  prepared: PreparedChunk;
  filed: Set<string>;
  refusedByLedger: Map<number, RowError[]>;
}) {
  const errors: { line: number; values: Record<string, string>; errors: RowError[] }[] = [];
  const fail = (r: JudgedRow, e: RowError[]) => errors.push({ line: r.line, values: r.values, errors: e });
  const firstLine = new Map<string, number>();
  const plans: { line: number; plan: FilingPlan }[] = [];
  let duplicates = 0;
  for (const r of prepared.rows) {
    if (!('input' in r)) {
      fail(r, r.errors);
      continue;
    }
    const ref = r.input.bankRef;
    if (filed.has(ref) || firstLine.has(ref)) {
      duplicates++;
      fail(r, [
        rowError(
          filed.has(ref)
            ? filingErrors.filedAlreadyField('bankRef')
            : importErrors.duplicateInFile('bankRef', firstLine.get(ref)!),
          columns,
        ),
      ]);
      continue;
    }
    firstLine.set(ref, r.line);
    const refused = refusedByLedger.get(r.line);
    if (refused) {
      fail(r, refused);
      continue;
    }
    const outcome = prepared.outcomes.get(r.line)!;
    if ('plan' in outcome) plans.push({ line: r.line, plan: outcome.plan });
    else fail(r, outcome.errors);
  }
  return { errors, duplicates, plans };
}

/**
 * Whose import jobs the actor sees: a bank its own, staff every bank's, a guarantor none (a bank's
 * file carries other loans and the bank's raw rows). `null` is none.
 */
function importsOf(actor: Actor): { bankId?: string } | null {
  const scope = scopeFor(actor);
  if (scope.kind === 'guarantor') return null;
  return scope.kind === 'bank' ? { bankId: scope.bankId } : {};
}

export async function getImport({ db, actor, id }: { db: Db; actor: Actor; id: string }): Promise<ImportJobRow> {
  const seen = importsOf(actor);
  const job = seen && (await createImportsRepository({ db }).find(id, seen.bankId));
  if (!job) throw importErrors.notFound(id);
  return job;
}

/** A page of the import jobs the actor sees, newest first. */
export async function listImports({
  db,
  actor,
  limit,
  cursor,
}: {
  db: Db;
  actor: Actor;
  limit: number;
  cursor?: string | undefined;
}): Promise<{ items: ImportJobRow[]; nextCursor: string | null }> {
  const after = decodeCursor(cursor, 'timestamp');
  const seen = importsOf(actor);
  const rows = seen
    ? await createImportsRepository({ db }).list(
        seen.bankId,
        limit + 1,
        after && { at: String(after.value), id: after.id },
      )
    : [];
  return pageOf(rows, limit, (job) => ({ value: job.startedAt.toISOString(), id: job.id }));
}
