import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { Client } from 'pg';
import { loadConfig } from '../../config/app-config';
import { BackupError, restoreBackup, writeBackup } from '../../database/backup/backup';
import { createDataSource, migrate } from '../../database/data-source';
import { openDatabaseRuntime } from '../../database/database-runtime';
import { CliError } from '../cli-error';

/** Opens the configured database (embedded or DATABASE_URL) as a plain pg client; the evidence store of WUYU_DATA_DIR. */
async function withClient<T>(work: (client: Client, evidenceRoot: string, url: string) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const runtime = await openDatabaseRuntime(config);
  const client = new Client({ connectionString: runtime.url, application_name: 'wuyu-backup' });
  try {
    await client.connect();
    return await work(client, path.join(config.dataDir, 'evidence'), runtime.url);
  } catch (error) {
    if (error instanceof BackupError) throw new CliError(error.code, error.message);
    throw error;
  } finally {
    await client.end().catch(() => undefined);
    await runtime.stop();
  }
}

const describe = (summary: { tables: Record<string, string>; files: number; bytes: number }) => {
  const rows = Object.values(summary.tables).reduce((sum, digest) => sum + Number(digest.split(':')[0]), 0);
  return `${Object.keys(summary.tables).length} tables, ${rows} rows, ${summary.files} evidence files, ${summary.bytes} bytes`;
};

export function register(program: Command): void {
  program
    .command('backup')
    .description('write the database (one consistent snapshot) and the evidence files it names to <file> (gzip; ADR 1004)')
    .argument('<file>', 'the backup file to create (must not exist)')
    .action(async (file: string) => {
      if (fs.existsSync(file)) throw new CliError('FILE_EXISTS', `${file} already exists; choose a new name`);
      const summary = await withClient((client, evidenceRoot) => writeBackup(client, evidenceRoot, path.resolve(file)));
      process.stdout.write(`backup written to ${file}: ${describe(summary)}\n`);
    });

  program
    .command('restore')
    .description('restore <file> into the configured database, which must be new and empty (it is migrated first), and its evidence store; all or nothing')
    .argument('<file>', 'a file written by `wuyu backup`')
    .action(async (file: string) => {
      if (!fs.existsSync(file)) throw new CliError('FILE_NOT_FOUND', `${file} does not exist`);
      const summary = await withClient(async (client, evidenceRoot, url) => {
        const dataSource = createDataSource(url, { poolSize: 1 });
        await dataSource.initialize();
        try {
          await migrate(dataSource);
        } finally {
          await dataSource.destroy();
        }
        return restoreBackup(client, evidenceRoot, path.resolve(file));
      });
      process.stdout.write(`restored ${file}: ${describe(summary)}\n`);
    });
}
