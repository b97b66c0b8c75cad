import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApp } from '../../src/app';
import { JsonLogger } from '../../src/common/logging/json-logger';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type AppConfig, loadConfig } from '../../src/config/app-config';
import { type AuthedClient, signedInAs } from './auth';
import { createTestDatabase, type TestDatabase } from './test-database';

export const TEST_AUTH_SECRET = 'test-secret-for-access-tokens-0123456789abcdef';

/** The real HTTP app (same createApp as main.ts) over a private test database. */
export interface TestApp {
  readonly app: INestApplication;
  readonly db: TestDatabase;
  /** Unauthenticated requests. */
  readonly http: ReturnType<typeof request>;
  /** A signed-in city administrator (whole deployment). */
  readonly admin: AuthedClient;
  close(): Promise<void>;
}

export async function startTestApp(overrides: Partial<AppConfig> = {}): Promise<TestApp> {
  const db = await createTestDatabase();
  // Each app keeps its files (evidence) in its own temporary data directory, never the project's ./data.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wuyu-test-data-'));
  // The scheduler (ADR 0813) is off unless a test turns it on: tests run its tasks when they choose.
  const config: AppConfig = { ...loadConfig({ LOG_LEVEL: 'error', AUTH_SECRET: TEST_AUTH_SECRET }), dataDir, schedulerIntervalSeconds: 0, ...overrides };
  const lines: string[] = [];
  const app = await createApp(config, db.dataSource, new JsonLogger('error', (line) => lines.push(line)));
  await app.init();
  const admin = await signedInAs(app, db.dataSource, [{ role: 'city_admin' }], 'city-admin');
  return {
    app,
    db,
    admin,
    http: request(app.getHttpServer()),
    async close() {
      await app.close();
      await db.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
