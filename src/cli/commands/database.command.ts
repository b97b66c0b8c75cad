import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../config/app-config';
import { findProjectRoot } from '../../config/project-root';
import { createDataSource, migrate, pendingSchemaChanges } from '../../database/data-source';
import { openDatabaseRuntime } from '../../database/database-runtime';
import { CliError } from '../cli-error';

/** Opens the configured database (embedded or DATABASE_URL), runs `work`, closes everything. */
export async function withDatabase<T>(work: (dataSource: ReturnType<typeof createDataSource>) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const runtime = await openDatabaseRuntime(config);
  const dataSource = createDataSource(runtime.url, { poolSize: 5 });
  try {
    await dataSource.initialize();
    return await work(dataSource);
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await runtime.stop();
  }
}

function migrationSource(className: string, timestamp: number, up: string[], down: string[]): string {
  const lines = (queries: string[]) => queries.map((q) => `    await queryRunner.query(${JSON.stringify(q)});`).join('\n');
  return `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${className}${timestamp} implements MigrationInterface {
  name = '${className}${timestamp}';

  public async up(queryRunner: QueryRunner): Promise<void> {
${lines(up)}
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
${lines(down)}
  }
}
`;
}

export function register(program: Command): void {
  program
    .command('migrate')
    .description('apply pending migrations to the configured database (embedded unless DATABASE_URL is set)')
    .action(async () => {
      const applied = await withDatabase((dataSource) => migrate(dataSource));
      process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'schema is up to date\n');
    });

  program
    .command('migration:generate')
    .description('write migrations/<timestamp>-<Name>.ts with the SQL the entities need beyond the applied migrations')
    .argument('<name>', 'VerbNoun, e.g. CreateRoster')
    .action(async (name: string) => {
      if (!/^[A-Z][A-Za-z0-9]+$/.test(name)) throw new CliError('BAD_NAME', 'the migration name must be VerbNoun in PascalCase');
      await withDatabase(async (dataSource) => {
        await migrate(dataSource);
        const sql = await dataSource.driver.createSchemaBuilder().log();
        if (sql.upQueries.length === 0) {
          process.stdout.write('entities and migrations agree: nothing to generate\n');
          return;
        }
        const timestamp = Date.now();
        const file = path.join(findProjectRoot(), 'migrations', `${timestamp}-${name}.ts`);
        const up = sql.upQueries.map((q) => q.query);
        const down = sql.downQueries.map((q) => q.query).reverse();
        fs.writeFileSync(file, migrationSource(name, timestamp, up, down));
        process.stdout.write(`wrote ${path.relative(process.cwd(), file)}; read and edit it, then add it to migrations/index.ts\n`);
      });
    });

  program
    .command('schema:check')
    .description('fail when entities and migrations disagree')
    .action(async () => {
      const pending = await withDatabase(async (dataSource) => {
        await migrate(dataSource);
        return pendingSchemaChanges(dataSource);
      });
      if (pending.length > 0) throw new CliError('SCHEMA_DRIFT', `entities need SQL the migrations lack:\n${pending.join('\n')}`);
      process.stdout.write('entities and migrations agree\n');
    });
}
