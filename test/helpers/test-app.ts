import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApp } from '../../src/app';
import { JsonLogger } from '../../src/common/logging/json-logger';
import { type AppConfig, loadConfig } from '../../src/config/app-config';
import { createTestDatabase, type TestDatabase } from './test-database';

/** The real HTTP app (same createApp as main.ts) over a private test database. */
export interface TestApp {
  readonly app: INestApplication;
  readonly db: TestDatabase;
  readonly http: ReturnType<typeof request>;
  close(): Promise<void>;
}

export async function startTestApp(overrides: Partial<AppConfig> = {}): Promise<TestApp> {
  const db = await createTestDatabase();
  const config: AppConfig = { ...loadConfig({ LOG_LEVEL: 'error' }), ...overrides };
  const lines: string[] = [];
  const app = await createApp(config, db.dataSource, new JsonLogger('error', (line) => lines.push(line)));
  await app.init();
  return {
    app,
    db,
    http: request(app.getHttpServer()),
    async close() {
      await app.close();
      await db.drop();
    },
  };
}
