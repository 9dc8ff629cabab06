/**
 * What the printed documents need from Debian, installed with apt-get when missing (as the browser
 * tests install chromium): the CJK font the server embeds (fonts-wqy-microhei) and, for the tests
 * that read the PDFs, poppler's pdftotext and pdftoppm (poppler-utils). Every test that makes the
 * server print a document calls it (documents, roles, fuzz), so none is skipped for a missing tool.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { DEBIAN_CJK_FONT } from '../../src/modules/documents/documents.font';

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

export function ensureDocumentTools({ poppler = false }: { poppler?: boolean } = {}): void {
  const missing = [
    ...(existsSync(DEBIAN_CJK_FONT) ? [] : ['fonts-wqy-microhei']),
    ...(poppler && !(has('pdftotext') && has('pdftoppm')) ? ['poppler-utils'] : []),
  ];
  if (!missing.length) return;
  const sudo = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
  const run = (args: string[]) =>
    execFileSync(sudo[0] ?? args[0]!, [...sudo.slice(1), ...(sudo.length ? args : args.slice(1))], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  run(['apt-get', 'update', '-qq']);
  run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...missing]);
}
