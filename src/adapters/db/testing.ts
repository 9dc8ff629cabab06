/**
 * A fresh database for each test file: in-memory PGlite, or — with BACKSTOP_TEST_DB=postgres
 * (`npm run test:pg`) — a new database on the PostgreSQL at DATABASE_URL (default 127.0.0.1:5432),
 * dropped on close.
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { openDatabase, type Database } from './database';

export const onPostgres = process.env.BACKSTOP_TEST_DB === 'postgres';

export async function openTestDatabase(): Promise<Database & { url?: string }> {
  if (!onPostgres) return openDatabase({ memory: true, url: '' });
  const admin = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `backstop_test_${randomBytes(6).toString('hex')}`;
  const sql = postgres(admin, { max: 1, onnotice: () => {} });
  await sql.unsafe(`create database ${name}`);
  await sql.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString() });
  return {
    ...database,
    url: url.toString(),
    close: async () => {
      await database.close();
      const drop = postgres(admin, { max: 1, onnotice: () => {} });
      await drop.unsafe(`drop database if exists ${name} with (force)`);
      await drop.end();
    },
  };
}
