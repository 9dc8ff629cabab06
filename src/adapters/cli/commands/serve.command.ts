import cluster from 'node:cluster';
import { Command } from 'commander';
import { startServer } from '../../http/server';
import { runPrimary, workerCount, WorkersError } from '../../http/cluster';
import { fail } from '../cli-errors';

export function serveCommand(): Command {
  return new Command('serve')
    .description(
      'run the web app and API (embedded database in BACKSTOP_DATA, default ./data; PostgreSQL when DATABASE_URL is set)',
    )
    .option('--port <n>', 'port to listen on (env PORT)', process.env.PORT ?? '3000')
    .option(
      '--workers <n>',
      'app processes behind the port, a number or "auto" (one per core); more than 1 needs PostgreSQL (env BACKSTOP_WORKERS)',
      process.env.BACKSTOP_WORKERS ?? '1',
    )
    .action(async (opts: { port: string; workers: string }) => {
      let count: number;
      try {
        count = workerCount(opts.workers);
      } catch (e) {
        if (e instanceof WorkersError) fail(e.message);
        throw e;
      }
      if (count > 1 && cluster.isPrimary) {
        await runPrimary({ count });
        process.exit(0);
      }
      await startServer({ port: Number(opts.port) });
    });
}
