import * as path from 'node:path';
import { Client } from 'pg';
import type { AppConfig } from '../config/app-config';
import { startEmbeddedPostgres } from './embedded-postgres';

/**
 * Where the database is: the server named by DATABASE_URL, or the embedded PostgreSQL in
 * `<dataDir>/postgres` (started here, stopped by `stop`). Shared by the app and the CLI.
 */
export interface DatabaseRuntime {
  readonly url: string;
  readonly embedded: boolean;
  stop(): Promise<void>;
}

export const EMBEDDED_DATABASE_NAME = 'wuyu';

export async function ensureDatabase(adminUrl: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe database name: ${name}`);
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function openDatabaseRuntime(config: AppConfig, onLog?: (line: string) => void): Promise<DatabaseRuntime> {
  if (config.databaseUrl) {
    return { url: config.databaseUrl, embedded: false, stop: async () => undefined };
  }
  const embedded = await startEmbeddedPostgres({ dataDir: path.join(config.dataDir, 'postgres'), onLog });
  try {
    const url = await ensureDatabase(embedded.url, EMBEDDED_DATABASE_NAME);
    return { url, embedded: true, stop: () => embedded.stop() };
  } catch (error) {
    await embedded.stop();
    throw error;
  }
}
