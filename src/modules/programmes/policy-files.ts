/**
 * The shipped policy files: `policies/<programme>/<version>.json`, each compiled and identified
 * by the SHA-256 of its bytes (a changed file is a new version; an old one is never edited).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { shippedCalendar, type WorkingCalendar } from '../../core/calendar';
import { compilePolicy, PolicyFileError, type CompiledPolicy } from '../../core/policy';

export const POLICIES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../policies');

export interface PolicyVersionFile {
  path: string;
  contentHash: string;
  text: string;
  policy: CompiledPolicy;
}

/** `calendar`: the working days its deadlines are counted on; the shipped years unless told otherwise (`backstop evaluate --holiday-year`). */
export function loadPolicyFile(path: string, calendar: WorkingCalendar = shippedCalendar): PolicyVersionFile {
  const text = readFileSync(path, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new PolicyFileError([{ field: '(file)', message: `${path}: not valid JSON: ${(e as Error).message}` }]);
  }
  try {
    return {
      path,
      text,
      contentHash: createHash('sha256').update(text).digest('hex'),
      policy: compilePolicy(json, { calendar }),
    };
  } catch (e) {
    if (e instanceof PolicyFileError)
      throw new PolicyFileError(
        e.issues.map((i) => ({ field: `${relative(process.cwd(), path)}: ${i.field}`, message: i.message })),
      );
    throw e;
  }
}

/** The folder of the programmes in force: BACKSTOP_POLICIES_DIR (a zone's own files), else the shipped `policies/`. */
export const policiesDir = (): string => process.env.BACKSTOP_POLICIES_DIR || POLICIES_DIR;

/** Every policy file under the folder, sorted by programme and effective date. */
export function loadPolicyFiles(dir = policiesDir(), calendar: WorkingCalendar = shippedCalendar): PolicyVersionFile[] {
  const files = readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) =>
      readdirSync(join(dir, d.name))
        .filter((f) => f.endsWith('.json'))
        .map((f) => join(dir, d.name, f)),
    );
  const loaded = files.map((f) => loadPolicyFile(f, calendar));
  for (const f of loaded) {
    const folder = relative(dir, dirname(f.path));
    if (folder !== f.policy.programme)
      throw new PolicyFileError([
        { field: `${relative(process.cwd(), f.path)}: programme`, message: `must match its folder name ${folder}` },
      ]);
  }
  return loaded.sort(
    (a, b) =>
      a.policy.programme.localeCompare(b.policy.programme) ||
      a.policy.effectiveFrom.localeCompare(b.policy.effectiveFrom),
  );
}
