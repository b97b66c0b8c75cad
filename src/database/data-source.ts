import { DataSource, type LoggerOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { ENTITIES } from './entities';
import { SnakeNamingStrategy } from './snake-naming.strategy';

/**
 * The one TypeORM DataSource definition, used by the app, the CLI and the migration commands.
 * `synchronize` is off everywhere: the schema changes only through migrations/ (ADR 0002).
 */
export function createDataSource(url: string, options: { logging?: LoggerOptions; poolSize?: number } = {}): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities: [...ENTITIES],
    migrations: [...MIGRATIONS],
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    namingStrategy: new SnakeNamingStrategy(),
    uuidExtension: 'pgcrypto',
    logging: options.logging ?? false,
    // Wrap every where/andWhere condition in parentheses, so a caller's `a OR b` cannot
    // swallow the data-scope condition added after it (test/integration/data-scope.int-spec.ts).
    isolateWhereStatements: true,
    // A request waits at most 10 s for a connection (e.g. while PostgreSQL restarts), then gets 503 DATABASE_UNAVAILABLE.
    extra: { max: options.poolSize ?? 20, application_name: 'wuyu', connectionTimeoutMillis: 10_000 },
  });
}

/** Applies pending migrations; returns the names applied. */
export async function migrate(dataSource: DataSource): Promise<string[]> {
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  return applied.map((migration) => migration.name);
}

/** SQL the entities would need beyond what the migrations built: empty when they agree. */
export async function pendingSchemaChanges(dataSource: DataSource): Promise<string[]> {
  const sqlInMemory = await dataSource.driver.createSchemaBuilder().log();
  return sqlInMemory.upQueries.map((query) => query.query);
}
