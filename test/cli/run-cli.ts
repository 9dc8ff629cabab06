import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll } from 'vitest';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const BIN = resolve(import.meta.dirname, '../../bin/backstop.js');

/** Runs `backstop …` as a user would, in a child process. */
export function runCli(args: string[], opts: { input?: string; env?: Record<string, string> } = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    input: opts.input,
    env: { ...process.env, ...opts.env },
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const caseDir = mkdtempSync(join(tmpdir(), 'backstop-case-'));
afterAll(() => rmSync(caseDir, { recursive: true, force: true }));
let cases = 0;

export function writeCase(value: unknown): string {
  const dir = join(caseDir, String(++cases));
  mkdirSync(dir);
  const path = join(dir, 'CASE.json');
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
}
