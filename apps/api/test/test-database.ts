/**
 * A clean database for one test file: created on the PostgreSQL server named by TEST_DATABASE_URL (or
 * DATABASE_URL), brought to the current schema by the real migrations, dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source-options';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

export function serverUrl(): string {
  const url = process.env['TEST_DATABASE_URL'] || process.env['DATABASE_URL'];
  if (!url) throw new Error('Set TEST_DATABASE_URL (npm test does it, starting an embedded PostgreSQL if need be)');
  return url;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function admin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: serverUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const name = `mlp_test_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = withDatabase(serverUrl(), name);
  if (options.migrate !== false) {
    const ds = new DataSource(dataSourceOptions(url));
    await ds.initialize(); // migrationsRun: the real migrations
    await ds.destroy();
  }
  return {
    url,
    drop: () =>
      admin(async (c) => {
        await c.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [name]);
        await c.query(`DROP DATABASE IF EXISTS ${name}`);
      }),
  };
}
