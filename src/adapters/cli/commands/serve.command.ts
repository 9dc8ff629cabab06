import { Command } from 'commander';
import { startServer } from '../../http/server';

export function serveCommand(): Command {
  return new Command('serve')
    .description(
      'run the web app and API (embedded database in BACKSTOP_DATA, default ./data; PostgreSQL when DATABASE_URL is set)',
    )
    .option('--port <n>', 'port to listen on (env PORT)', process.env.PORT ?? '3000')
    .action(async (opts: { port: string }) => {
      await startServer({ port: Number(opts.port) });
    });
}
