import { Command } from 'commander';
import { policyJsonSchema } from '../../../core/policy';
import { loadPolicyFiles } from '../../../modules/programmes/policy-files';
import { fail } from '../cli-errors';

export function policyCommand(): Command {
  const policy = new Command('policy').description('the programmes and their policy versions');
  policy
    .command('list')
    .description('every policy version shipped in policies/')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => {
      const rows = loadPolicyFiles().map((f) => ({
        programme: f.policy.programme,
        version: f.policy.version,
        effectiveFrom: f.policy.effectiveFrom,
        effectiveTo: f.policy.effectiveTo,
        title: f.policy.title.zh,
        contentHash: f.contentHash.slice(0, 12),
      }));
      if (opts.json) return void process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      for (const r of rows)
        process.stdout.write(
          `${r.programme}  ${r.version}  ${r.effectiveFrom} → ${r.effectiveTo ?? '…'}  ${r.contentHash}  ${r.title}\n`,
        );
    });
  policy
    .command('show')
    .description("a programme's policy file (the version in force latest, or --version)")
    .argument('<programme>')
    .option('--version <v>', 'a particular version')
    .action((id: string, opts: { version?: string }) => {
      const files = loadPolicyFiles().filter(
        (f) => f.policy.programme === id && (!opts.version || f.policy.version === opts.version),
      );
      const file = files.at(-1);
      if (!file)
        fail(`programme: no policy ${id}${opts.version ? ` version ${opts.version}` : ''} (see backstop policy list)`);
      process.stdout.write(file.text.endsWith('\n') ? file.text : `${file.text}\n`);
    });
  policy
    .command('schema')
    .description('the JSON Schema of policy files (policies/policy.schema.json holds the same)')
    .action(() => {
      process.stdout.write(`${JSON.stringify(policyJsonSchema(), null, 2)}\n`);
    });
  return policy;
}
