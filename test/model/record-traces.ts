/**
 * Records what the system answers to each defect's scenario — replies and every figure after every
 * step — into test/model/traces/<defect>.json, for shown-able-to-fail.test.ts. The traces in the
 * repository were recorded from the code before the five defects were fixed (commit 98b4a69):
 *
 *   npx tsx test/model/record-traces.ts
 *
 * Run again only to record another system's answers; the test checks the recorded ones.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MILLION, YUAN, type Cmd, type WorldConfig } from './business-model';
import { recordTrace } from './checker';
import { openSystem } from './system';

const world = (capital: bigint): WorldConfig => ({
  capital,
  quota: { A: null, B: null },
  enterprises: [
    { size: 'small', sciTech: true, qualification: null },
    { size: 'medium', sciTech: true, qualification: null },
    { size: 'small', sciTech: false, qualification: null },
  ],
  start: '2025-09-03',
});

const fileB = (principal: bigint, bankRef: string, disbursedOn = '2025-09-03'): Cmd => ({
  t: 'file',
  actor: 'bank0',
  bank: 0,
  enterprise: 0,
  programme: 'B',
  mode: 'direct',
  principal,
  disbursedOn,
  bankRef,
  kind: 'credit',
});
const claimed = (today: string): { today: string; cmd: Cmd }[] => [
  { today, cmd: fileB(2n * MILLION, 'T-1') },
  {
    today,
    cmd: { t: 'classify', actor: 'bank0', loan: 0, classification: 'loss', overdueSince: null, on: today },
  },
  { today, cmd: { t: 'submit', actor: 'bank0', loan: 0 } },
];
const day = '2025-09-03';

export const SCENARIOS: { name: string; world: WorldConfig; script: { today: string; cmd: Cmd }[] }[] = [
  {
    name: 'R14',
    world: world(100n * MILLION),
    script: [
      ...claimed(day),
      { today: day, cmd: { t: 'repay', actor: 'bank0', loan: 0, amount: 1_900_000n * YUAN, on: day } },
      { today: day, cmd: { t: 'prepare', actor: 'manager', claim: 0 } },
      { today: day, cmd: { t: 'approve', actor: 'manager2', claim: 0 } },
    ],
  },
  {
    name: 'R18',
    world: world(100n * MILLION),
    script: [
      ...claimed(day),
      { today: day, cmd: { t: 'prepare', actor: 'manager', claim: 0 } },
      { today: day, cmd: { t: 'reject', actor: 'manager', claim: 0 } },
    ],
  },
  {
    name: 'R16-R17',
    world: world(100n * MILLION),
    script: [
      ...claimed(day),
      { today: day, cmd: { t: 'prepare', actor: 'manager', claim: 0 } },
      { today: day, cmd: { t: 'approve', actor: 'reviewer', claim: 0 } },
      { today: day, cmd: { t: 'pay', actor: 'manager', claim: 0 } },
      { today: '2025-09-04', cmd: fileB(29n * MILLION, 'T-2', '2025-09-04') },
    ],
  },
  {
    name: 'R15',
    world: world(5n * MILLION),
    script: [
      ...claimed(day),
      { today: day, cmd: { t: 'prepare', actor: 'manager', claim: 0 } },
      { today: day, cmd: { t: 'approve', actor: 'manager2', claim: 0 } },
      { today: day, cmd: { t: 'pay', actor: 'manager', claim: 0 } },
    ],
  },
  {
    name: 'R6',
    world: world(100n * MILLION),
    script: [
      { today: day, cmd: fileB(1n * MILLION, 'T-1', '2025-09-01') },
      {
        today: '2026-01-20',
        cmd: {
          t: 'classify',
          actor: 'bank0',
          loan: 0,
          classification: 'substandard',
          overdueSince: '2025-09-10',
          on: '2026-01-20',
        },
      },
    ],
  },
];

export const TRACES_DIR = join(dirname(fileURLToPath(import.meta.url)), 'traces');

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const sys = await openSystem();
  mkdirSync(TRACES_DIR, { recursive: true });
  for (const s of SCENARIOS) {
    const trace = await recordTrace(sys, s.name, s.world, s.script);
    const text = JSON.stringify(trace, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v), 2);
    writeFileSync(join(TRACES_DIR, `${s.name}.json`), `${text}\n`);
    console.log(`recorded ${s.name}: ${trace.steps.length} steps`);
  }
  await sys.close();
}
