import { createRequire } from 'node:module';
import * as fs from 'node:fs';

const require = createRequire(import.meta.url);

export default async function globalTeardown() {
  const { Client } = require('pg');
  const info = globalThis.__WUYU_TEST_TEMPLATE__;
  if (info) {
    const admin = new Client({ connectionString: info.adminUrl });
    await admin.connect();
    // Test files drop their own clones; sweep any a crashed file left behind, then the template.
    const leftovers = await admin.query(`SELECT datname FROM pg_database WHERE datname LIKE 'wuyu_t_${process.pid}_%'`);
    for (const { datname } of leftovers.rows) await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    await admin.query(`DROP DATABASE IF EXISTS ${info.template} WITH (FORCE)`);
    await admin.end();
  }
  const pg = globalThis.__WUYU_TEST_PG__;
  if (pg) {
    await pg.server.stop();
    fs.rmSync(pg.dataDir, { recursive: true, force: true });
  }
}
