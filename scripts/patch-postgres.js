#!/usr/bin/env node
/**
 * Run by `npm install` / `npm ci` (package.json "postinstall"): repairs the write scheduler of
 * postgres.js 3.4.10 (pinned in package.json) in node_modules, in its ESM and CommonJS copies.
 * Upstream (porsager/postgres#1154, #1208, unfixed in 3.4.10): small writes wait behind a
 * setImmediate that is armed only while `nextWriteTimer` is null, and a connection that closes
 * clears that immediate without setting the variable back to null or dropping the buffered bytes.
 * The pooled connection is then poisoned: its next StartupMessage is buffered and never sent, so
 * every use of it waits for connect_timeout, and the stale bytes are sent in front of a later
 * startup. When the primary dies under load (npm run test:ha) requests stalled that way. The repair:
 * the two teardown paths reset both (`nextWriteTimer = chunk = null`), and a write on a connection
 * whose socket is already gone fails its queries with CONNECTION_CLOSED (a catchable error, the
 * app answers 503) instead of throwing from a timer. Idempotent; says what it did.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PKG = resolve(ROOT, 'node_modules/postgres');
export const MARKER = '/* backstop: write scheduler repaired (scripts/patch-postgres.js) */';

const NEXT_WRITE = `  function nextWrite(fn) {
    const x = socket.write(chunk, fn)`;
const NEXT_WRITE_FIXED = `  function nextWrite(fn) {
    ${MARKER}
    if (!socket) {
      nextWriteTimer !== null && clearImmediate(nextWriteTimer)
      chunk = nextWriteTimer = null
      error(Errors.connection('CONNECTION_CLOSED', options))
      return false
    }
    const x = socket.write(chunk, fn)`;
const TEARDOWN = /^( +)clearImmediate\(nextWriteTimer\)\n/gm;

function patch(file) {
  if (!existsSync(file)) return `${file}: not found`;
  const text = readFileSync(file, 'utf8');
  if (text.includes(MARKER)) return 'already repaired';
  const teardowns = text.match(TEARDOWN)?.length ?? 0;
  if (!text.includes(NEXT_WRITE) || teardowns !== 2)
    return `not repaired: the code is not the one this script knows (nextWrite ${text.includes(NEXT_WRITE)}, teardowns ${teardowns})`;
  const fixed = text
    .replace(NEXT_WRITE, NEXT_WRITE_FIXED)
    .replace(
      TEARDOWN,
      (_, indent) => `${indent}clearImmediate(nextWriteTimer)\n${indent}nextWriteTimer = chunk = null\n`,
    );
  writeFileSync(file, fixed);
  return 'repaired';
}

/** Whether the installed driver's ESM copy (the one the app loads) carries the repair. */
export function postgresRepaired() {
  const file = resolve(PKG, 'src/connection.js');
  return existsSync(file) && readFileSync(file, 'utf8').includes(MARKER);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (!existsSync(resolve(PKG, 'package.json'))) process.exit(0);
  const { version } = JSON.parse(readFileSync(resolve(PKG, 'package.json'), 'utf8'));
  for (const rel of ['src/connection.js', 'cjs/src/connection.js']) {
    const outcome = patch(resolve(PKG, rel));
    if (outcome !== 'already repaired') console.log(`patch-postgres: postgres ${version} ${rel}: ${outcome}`);
  }
}
