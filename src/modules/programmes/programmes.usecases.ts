/**
 * Programmes and their policy versions, stored from `policies/` at start and versioned by content
 * hash: a changed file becomes a new revision; an old one is never edited (R3).
 */
import type { WorkingCalendar } from '../../core/calendar';
import { compilePolicy, type CompiledPolicy } from '../../core/policy';
import type { PolicyVersionFile } from './policy-files';
import type { PolicyVersionRow, ProgrammesRepository } from './programmes.repository';

export interface SyncedVersion {
  programme: string;
  version: string;
  revision: number;
  contentHash: string;
  added: boolean;
}

export async function syncPolicyFiles({
  repo,
  files,
}: {
  repo: ProgrammesRepository;
  files: PolicyVersionFile[];
}): Promise<SyncedVersion[]> {
  const out: SyncedVersion[] = [];
  for (const f of files) {
    const p = f.policy;
    await repo.upsertProgramme({ id: p.programme, titleZh: p.title.zh, titleEn: p.title.en });
    const existing = await repo.findVersionByHash(p.programme, f.contentHash);
    const row =
      existing ??
      (await repo.insertVersion({
        programmeId: p.programme,
        version: p.version,
        contentHash: f.contentHash,
        effectiveFrom: p.effectiveFrom,
        effectiveTo: p.effectiveTo,
        document: JSON.parse(f.text),
        sourcePath: f.path,
      }));
    out.push({
      programme: p.programme,
      version: row.version,
      revision: row.revision,
      contentHash: row.contentHash,
      added: !existing,
    });
  }
  return out;
}

/** The policies to judge new cases by: the latest revision of every stored version, counting deadlines on `calendar` (the one in force: calendar.usecases loadWorkingCalendar). */
export async function loadStoredPolicies({
  repo,
  calendar,
}: {
  repo: ProgrammesRepository;
  calendar: WorkingCalendar;
}): Promise<CompiledPolicy[]> {
  return latestRevisions(await repo.listVersions()).map((v) => compilePolicy(v.document, { calendar }));
}

/** The stored policies with their version ids: filings point at the id they were judged under (R3). */
export interface PolicyCatalog {
  /** The latest revision of every version, to judge new cases by. */
  current: readonly CompiledPolicy[];
  versionIdOf: (policy: CompiledPolicy) => number;
  /** Any stored revision by id, for loans filed under an older one. */
  byVersionId: (id: number) => CompiledPolicy | undefined;
  /** The working days every policy here counts its deadlines on (G6), and claims their SLA. */
  calendar: WorkingCalendar;
}

/**
 * The programme a loan was filed under as it stands today (the latest revision of its version): its
 * procedure — the dossier (R20), the due-diligence findings (R22) — unlike its terms, which R3 fixes
 * at filing (`byVersionId`).
 */
export function procedureOf(catalog: PolicyCatalog, policyVersionId: number): CompiledPolicy | undefined {
  const filed = catalog.byVersionId(policyVersionId);
  if (!filed) return undefined;
  return catalog.current.find((p) => p.programme === filed.programme && p.version === filed.version) ?? filed;
}

/** Every stored revision, compiled against `calendar` (the one in force: calendar.usecases loadWorkingCalendar). */
export async function loadPolicyCatalog({
  repo,
  calendar,
}: {
  repo: ProgrammesRepository;
  calendar: WorkingCalendar;
}): Promise<PolicyCatalog> {
  const rows = await repo.listVersions();
  const compiled = new Map(rows.map((r) => [r.id, compilePolicy(r.document, { calendar, stored: true })] as const));
  const latest = latestRevisions(rows);
  const ids = new Map(latest.map((r) => [compiled.get(r.id)!, r.id] as const));
  return {
    current: latest.map((r) => compiled.get(r.id)!),
    versionIdOf: (p) => {
      const id = ids.get(p);
      if (id === undefined) throw new Error(`policy ${p.programme} ${p.version} is not in the catalog`);
      return id;
    },
    byVersionId: (id) => compiled.get(id),
    calendar,
  };
}

export function latestRevisions(rows: PolicyVersionRow[]): PolicyVersionRow[] {
  const latest = new Map<string, PolicyVersionRow>();
  for (const r of rows) {
    const key = `${r.programmeId}\u0000${r.version}`;
    if ((latest.get(key)?.revision ?? 0) < r.revision) latest.set(key, r);
  }
  return [...latest.values()];
}

export interface ProgrammeView {
  id: string;
  title: { zh: string; en: string };
  versions: {
    version: string;
    revision: number;
    contentHash: string;
    effectiveFrom: string;
    effectiveTo: string | null;
    loadedAt: string;
  }[];
}

function view(p: { id: string; titleZh: string; titleEn: string }, rows: PolicyVersionRow[]): ProgrammeView {
  return {
    id: p.id,
    title: { zh: p.titleZh, en: p.titleEn },
    versions: rows
      .filter((r) => r.programmeId === p.id)
      .map((r) => ({
        version: r.version,
        revision: r.revision,
        contentHash: r.contentHash,
        effectiveFrom: r.effectiveFrom,
        effectiveTo: r.effectiveTo,
        loadedAt: r.loadedAt.toISOString(),
      })),
  };
}

export async function listProgrammes({ repo }: { repo: ProgrammesRepository }): Promise<ProgrammeView[]> {
  const [ps, rows] = await Promise.all([repo.listProgrammes(), repo.listVersions()]);
  return ps.map((p) => view(p, rows));
}

export async function getProgramme({ repo, id }: { repo: ProgrammesRepository; id: string }) {
  const p = await repo.findProgramme(id);
  if (!p) return undefined;
  const rows = await repo.listVersions(id);
  return {
    ...view(p, rows),
    policies: latestRevisions(rows).map((r) => ({ version: r.version, revision: r.revision, document: r.document })),
  };
}
