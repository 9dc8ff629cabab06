import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { evaluateCase } from '../../../modules/programmes/evaluate.usecases';
import { loadPolicyFiles } from '../../../modules/programmes/policy-files';
import { fail } from '../cli-errors';

export function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (e) {
    fail(`${path}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    fail(`${path}: not valid JSON: ${(e as Error).message}`);
  }
}

export function evaluateCommand(): Command {
  return new Command('evaluate')
    .description('judge a case (enterprise, loan, optional default) against the policy in force; prints one JSON object')
    .argument('<CASE.json>', 'the case file, or - for standard input')
    .option('--programme <id>', 'judge under this programme only (default: every programme in force, the most favourable first)')
    .action((file: string, opts: { programme?: string }) => {
      const input = readJsonFile(file);
      const result = evaluateCase({ input, policies: loadPolicyFiles().map((f) => f.policy), ...(opts.programme ? { programme: opts.programme } : {}) });
      if (!result.ok) fail(result.errors.map((e) => `${e.field}: ${e.message}`).join('; '));
      process.stdout.write(`${JSON.stringify(result.decision, null, 2)}\n`);
    });
}
