#!/usr/bin/env node
// Builds the web app into web/dist when it is missing or older than any source file (npm install
// runs it through `prepare`, npm start through `prestart`, the browser tests through their setup).
// `node web/build.js --force` always builds.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = dirname(fileURLToPath(import.meta.url));
const stamp = join(web, 'dist', 'index.html');

function newest(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(
    0,
    ...readdirSync(path)
      .filter((f) => f !== 'dist' && f !== 'node_modules')
      .map((f) => newest(join(path, f))),
  );
}

export function webIsStale() {
  if (!existsSync(stamp)) return true;
  return newest(web) > statSync(stamp).mtimeMs;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (!process.argv.includes('--force') && !webIsStale()) process.exit(0);
  if (!existsSync(join(web, '..', 'node_modules', 'vite'))) {
    console.error('web: vite is not installed (npm install); the server will say so at /');
    process.exit(0);
  }
  process.stdout.write('web: building the web app (vite build) …\n');
  const run = spawnSync(
    process.execPath,
    [
      join(web, '..', 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--config',
      join(web, 'vite.config.ts'),
      '--logLevel',
      'warn',
    ],
    { stdio: 'inherit' },
  );
  process.exit(run.status ?? 1);
}
