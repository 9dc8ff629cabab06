#!/usr/bin/env node
// npm run bench -- NAME [args…]: runs bench/NAME.bench.ts; each benchmark prints its figures and a last line of JSON.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const names = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace('.bench.ts', ''));
const [name, ...args] = process.argv.slice(2);
if (!name || !names.includes(name)) {
  console.error(`usage: npm run bench -- NAME   (one of: ${names.join(', ') || 'none yet'})`);
  process.exit(2);
}
// --expose-gc: a benchmark may collect its setup's garbage before it measures memory.
const run = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(here, `${name}.bench.ts`), ...args], {
  stdio: 'inherit',
});
process.exit(run.status ?? 1);
