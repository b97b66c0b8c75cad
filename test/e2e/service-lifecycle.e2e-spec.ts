import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createTestDatabase } from '../helpers/test-database';
import { embeddedEnv, killLeftoverServices, PROJECT_ROOT, startService } from '../helpers/spawn-service';

async function signIn(url: string, username: string, password: string): Promise<Record<string, string>> {
  const response = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  expect(response.status).toBe(200);
  const { accessToken } = (await response.json()) as { accessToken: string };
  return { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' };
}

/**
 * The service as `npm start` runs it: embedded PostgreSQL by default (data kept between runs,
 * stopped cleanly on SIGTERM), DATABASE_URL when given, and a refusal to start on bad config.
 */
// Each test starts real services on an embedded PostgreSQL; on a loaded 2-core machine that takes a while.
jest.setTimeout(180_000);

describe('service lifecycle', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wuyu-lifecycle-'));
  let password = '';
  afterEach(() => killLeftoverServices());
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('starts on the embedded PostgreSQL, stops cleanly on SIGTERM and keeps its data for the next start', async () => {
    const first = await startService(embeddedEnv(dataDir));
    await first.waitForOutput(/No users yet/);
    const health = await fetch(`${first.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', database: 'up' });
    expect((await fetch(`${first.url}/api/regions`)).status).toBe(401);

    // The README's bootstrap, run while the service is up: the CLI shares the running database.
    const created = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'dist', 'src', 'cli', 'main.js'), 'user:create', '--username', 'admin', '--role', 'city_admin'], {
      env: embeddedEnv(dataDir),
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(created.status).toBe(0);
    password = /password: (\S+)/.exec(created.stdout)![1];
    const headers = await signIn(first.url, 'admin', password);
    const region = await fetch(`${first.url}/api/regions`, { method: 'POST', headers, body: JSON.stringify({ code: '150300', name: '乌海市', level: 'city' }) });
    expect(region.status).toBe(201);
    expect(await first.stop('SIGTERM')).toBe(0);
    // PostgreSQL shut down cleanly: no server left holding the cluster
    expect(fs.existsSync(path.join(dataDir, 'postgres', 'cluster', 'postmaster.pid'))).toBe(false);

    const second = await startService(embeddedEnv(dataDir));
    try {
      const regions = (await (await fetch(`${second.url}/api/regions`, { headers: await signIn(second.url, 'admin', password) })).json()) as { items: { code: string }[] };
      expect(regions.items.map((r) => r.code)).toEqual(['150300']);
    } finally {
      expect(await second.stop('SIGINT')).toBe(0);
    }
  });

  it('recovers when the previous run was killed (SIGKILL) and left its PostgreSQL running', async () => {
    const crashed = await startService(embeddedEnv(dataDir));
    await crashed.stop('SIGKILL');
    const next = await startService(embeddedEnv(dataDir));
    try {
      const regions = (await (await fetch(`${next.url}/api/regions`, { headers: await signIn(next.url, 'admin', password) })).json()) as { items: { code: string }[] };
      expect(regions.items.map((r) => r.code)).toEqual(['150300']);
    } finally {
      expect(await next.stop()).toBe(0);
    }
  });

  it('uses the server named by DATABASE_URL', async () => {
    const db = await createTestDatabase();
    await db.dataSource.destroy();
    try {
      const service = await startService({ ...process.env, DATABASE_URL: db.url, PORT: '0', LOG_LEVEL: 'warn', WUYU_DATA_DIR: path.join(dataDir, 'unused') });
      try {
        expect((await fetch(`${service.url}/health`)).status).toBe(200);
        expect(fs.existsSync(path.join(dataDir, 'unused', 'postgres'))).toBe(false);
      } finally {
        expect(await service.stop()).toBe(0);
      }
    } finally {
      await db.drop();
    }
  });

  it('refuses to start on bad configuration, naming the variable', () => {
    const result = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'dist', 'src', 'main.js')], {
      env: embeddedEnv(dataDir, { PORT: 'eighty', LOG_LEVEL: 'chatty' }),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(78);
    expect(result.stderr).toMatch(/PORT must be a whole number/);
    expect(result.stderr).toMatch(/LOG_LEVEL must be one of/);
  });
});
