import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { createApp } from './app';
import { JsonLogger } from './common/logging/json-logger';
import { type AppConfig, ConfigError, ensureAuthSecret, loadConfig } from './config/app-config';
import { createDataSource, migrate } from './database/data-source';
import { type DatabaseRuntime, openDatabaseRuntime } from './database/database-runtime';
import { takeOverSignalHandlers } from './database/embedded-postgres';
import { loadDemoOnFirstStart } from './modules/demo/demo-first-run';
import { type DemoLoadResult, formatDemoAccounts } from './modules/demo/demo-loader';

/**
 * `npm start`: validate config → start PostgreSQL (embedded unless DATABASE_URL) → apply
 * migrations → on an empty database, load the demo city unless WUYU_DEMO=off (ADR 0900) → serve HTTP. On SIGINT/SIGTERM: close HTTP and Nest, close the pool, then stop
 * PostgreSQL — in that order, so no request loses its database mid-flight.
 */
async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = ensureAuthSecret(loadConfig());
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Wuyu cannot start: ${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const logger = new JsonLogger(config.logLevel);

  let runtime: DatabaseRuntime | undefined;
  let dataSource: DataSource | undefined;
  let app: INestApplication | undefined;
  let stopping = false;

  const shutdown = async (signal: string, exitCode = 0): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.log({ message: 'shutting down', signal }, 'main');
    try {
      if (app) await app.close();
      if (dataSource?.isInitialized) await dataSource.destroy();
      if (runtime) await runtime.stop();
      logger.log({ message: 'stopped' }, 'main');
    } catch (error) {
      logger.error(error as Error, 'main');
      exitCode = 1;
    }
    process.exit(exitCode);
  };

  try {
    runtime = await openDatabaseRuntime(config, (line) => logger.debug({ message: line }, 'postgres'));
    // embedded-postgres installs signal handlers that stop PostgreSQL and exit at once; ours order the shutdown.
    takeOverSignalHandlers();
    process.on('SIGINT', () => void shutdown('SIGINT'));
    process.on('SIGTERM', () => void shutdown('SIGTERM'));
    logger.log({ message: runtime.embedded ? 'embedded PostgreSQL started' : 'using DATABASE_URL' }, 'main');

    dataSource = createDataSource(runtime.url);
    await dataSource.initialize();
    const applied = await migrate(dataSource);
    if (applied.length > 0) logger.log({ message: 'migrations applied', migrations: applied }, 'main');

    let demo: DemoLoadResult | null = null;
    try {
      demo = await loadDemoOnFirstStart(dataSource, config, (line) => process.stderr.write(`${line}\n`));
    } catch (error) {
      throw new Error(`the demo city did not load (${(error as Error).message}); delete ${config.dataDir} and start again, or start with WUYU_DEMO=off`);
    }

    app = await createApp(config, dataSource, logger);
    await app.listen(config.port, config.host);
    const url = await app.getUrl();
    const shownUrl = url.replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost');
    logger.log({ message: 'Wuyu is listening', url: shownUrl, docs: `${shownUrl}/api/docs` }, 'main');
    process.stderr.write(`\n  Wuyu (五育) is running at ${shownUrl}\n  API docs: ${shownUrl}/api/docs   health: ${shownUrl}/health\n\n`);
    if (demo) {
      process.stderr.write(
        `  Demo city (fictional data) with one account per role — passwords made just now, also in ${demo.accountsFile}:\n${formatDemoAccounts(demo.accounts)}\n  Sign in: POST ${shownUrl}/api/auth/login {"username","password"}. For production start with WUYU_DEMO=off.\n\n`,
      );
    }
    const [{ users }] = await dataSource.query('SELECT count(*)::int AS users FROM users');
    if (users === 0) {
      process.stderr.write('  No users yet. Create the first administrator (prints a generated password):\n    npm run wuyu -- user:create --username admin --role city_admin\n\n');
    }
  } catch (error) {
    logger.error(error as Error, 'main');
    process.stderr.write(`Wuyu failed to start: ${(error as Error).message}\n`);
    await shutdown('startup-failure', 1);
  }
}

void main();
