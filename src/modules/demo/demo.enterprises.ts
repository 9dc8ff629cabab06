/**
 * The demo's enterprises: valid unified social credit codes (GB 32100-2015, with the embedded
 * organisation code's own GB 11714 check digit), realistic names, sizes, industries, sci-tech
 * listings and qualifications with validity intervals (F7, R4). Registered through the bulk use
 * case (`registerEnterprises`, what `POST /api/enterprises/bulk` runs), 1,000 to a transaction.
 */
import { addDays } from '../../core/calendar';
import { creditCodeCheckCharacter } from '../../core/registry/credit-code';
import type { Actor } from '../auth/access';
import { createRegistryRepository } from '../registry/registry.repository';
import { registerEnterprises } from '../registry/registry.usecases';
import { BULK_ENTERPRISES_MAX } from '../registry/registry.schemas';
import type { Db } from '../shared/db';
import { enterpriseName, INDUSTRIES } from './demo.data';
import type { Random } from './prng';

export type Size = 'micro' | 'small' | 'medium' | 'large';
type QualificationKind =
  'manufacturing-single-champion' | 'national-high-tech' | 'beijing-specialised-sme' | 'little-giant';

export interface DemoEnterprise {
  id: string;
  size: Size;
  industry: string;
  sciTech: boolean;
  registeredInZone: boolean;
  restrictedProcesses: boolean;
}

const ORG_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/** GB 11714 organisation code check digit over its first 8 characters (digits here). */
function orgCodeCheck(first8: string): string {
  const sum = first8.split('').reduce((s, c, i) => s + ORG_ALPHABET.indexOf(c) * ORG_WEIGHTS[i]!, 0);
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

/** A company's code: 9 (registered by market regulation) 1 (enterprise), an E-Town or Daxing area code, the org code, the check. */
export function demoCreditCode(n: number, area: '110302' | '110115'): string {
  const org8 = String(10_000_000 + ((n * 7_919) % 89_999_999)).slice(0, 8);
  const first17 = `91${area}${org8}${orgCodeCheck(org8)}`;
  return first17 + creditCodeCheckCharacter(first17);
}

export async function seedEnterprises({
  db,
  actor,
  rnd,
  count,
  asOf,
  progress,
}: {
  db: Db;
  actor: Actor;
  rnd: Random;
  count: number;
  asOf: string;
  progress: (done: number) => void;
}): Promise<DemoEnterprise[]> {
  const repo = createRegistryRepository({ db });
  const names = new Set<string>();
  const out: DemoEnterprise[] = [];
  // Each slice drawn in order (the same PRNG stream as ever), then registered in one bulk call: one transaction.
  for (let from = 1; from <= count; from += BULK_ENTERPRISES_MAX) {
    const inputs: ReturnType<typeof one>[] = [];
    for (let n = from; n < Math.min(from + BULK_ENTERPRISES_MAX, count + 1); n++) inputs.push(one(n));
    const { items } = await registerEnterprises({ repo, actor, input: { enterprises: inputs } });
    items.forEach((view, i) =>
      out.push({
        id: view.id,
        size: view.size,
        industry: view.industry,
        sciTech: view.sciTech,
        registeredInZone: view.registeredInZone,
        restrictedProcesses: inputs[i]!.restrictedProcesses,
      }),
    );
    progress(out.length);
  }
  return out;

  function one(n: number) {
    const industry = rnd.weighted(INDUSTRIES);
    let name = enterpriseName(industry, n, (k) => rnd.int(0, k - 1));
    for (let tries = 0; names.has(name) && tries < 20; tries++)
      name = enterpriseName(industry, n + tries + 1, (k) => rnd.int(0, k - 1));
    if (names.has(name)) name = name.replace('北京', '北京亦庄');
    names.add(name);
    const size = rnd.weighted<Size>([
      ['micro', 34],
      ['small', 44],
      ['medium', 19],
      ['large', 3],
    ]);
    const sciTech =
      !['wholesale-retail', 'logistics', 'finance', 'quasi-finance', 'real-estate'].includes(industry) &&
      rnd.chance(0.72);
    const qualifications: { kind: QualificationKind; validFrom: string; validTo: string; certificateNo: string }[] = [];
    const qual = (kind: QualificationKind, years: number, prefix: string) => {
      const validFrom = addDays(asOf, -rnd.int(120, 365 * (years + 1)));
      qualifications.push({
        kind,
        validFrom,
        validTo: addDays(addDays(validFrom, 365 * years), -1),
        certificateNo: `${prefix}${validFrom.slice(0, 4)}${String(rnd.int(10000, 99999))}`,
      });
    };
    if (sciTech && rnd.chance(0.4)) qual('national-high-tech', 3, 'GR');
    if (sciTech && rnd.chance(0.18)) qual('beijing-specialised-sme', 3, 'ZJTX');
    if (sciTech && rnd.chance(0.04)) qual('little-giant', 3, 'XJR');
    if (industry === 'advanced-manufacturing' && rnd.chance(0.03)) qual('manufacturing-single-champion', 3, 'DXGJ');
    return {
      creditCode: demoCreditCode(n, rnd.chance(0.85) ? '110302' : '110115'),
      name,
      size,
      industry,
      sciTech,
      registeredInZone: rnd.chance(0.97),
      restrictedProcesses: rnd.chance(0.01),
      qualifications,
    };
  }
}
