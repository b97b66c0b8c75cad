import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../src/database/data-source';

/**
 * A private database for one test file, cloned from the migrated template the global setup
 * built: real PostgreSQL, real migrations, nothing shared with other files.
 */
export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  readonly dataSource: DataSource;
  drop(): Promise<void>;
}

function adminClient(): Client {
  const url = process.env.WUYU_TEST_ADMIN_URL;
  if (!url) throw new Error('WUYU_TEST_ADMIN_URL is not set: db tests run through the "db" Jest project (npm test)');
  return new Client({ connectionString: url });
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const template = process.env.WUYU_TEST_TEMPLATE_DB!;
  const runPid = template.replace('wuyu_template_', '');
  const name = `wuyu_t_${runPid}_${randomBytes(5).toString('hex')}`;
  const admin = adminClient();
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  } finally {
    await admin.end();
  }
  const url = new URL(process.env.WUYU_TEST_ADMIN_URL!);
  url.pathname = `/${name}`;
  const dataSource = createDataSource(url.toString(), { poolSize: 5 });
  await dataSource.initialize();
  return {
    url: url.toString(),
    name,
    dataSource,
    async drop() {
      if (dataSource.isInitialized) await dataSource.destroy();
      const client = adminClient();
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
