import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createDataSource, migrate } from '../../../src/database/data-source';
import { ensureDatabase } from '../../../src/database/database-runtime';
import { createUser, TEST_PASSWORD } from '../../helpers/auth';
import { spawnPostgres, type SpawnedPostgres } from '../../helpers/spawn-postgres';
import { embeddedEnv, killLeftoverServices, PROJECT_ROOT, type RunningService, startService } from '../../helpers/spawn-service';
import { TEST_AUTH_SECRET } from '../../helpers/test-app';

jest.setTimeout(240_000);

async function signIn(url: string, username: string, password: string): Promise<Record<string, string>> {
  const response = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  expect(response.status).toBe(200);
  return { authorization: `Bearer ${((await response.json()) as { accessToken: string }).accessToken}`, 'content-type': 'application/json' };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Issue 10, faults 2 and 3: PostgreSQL restarted under load, and the embedded PostgreSQL killed
 * uncleanly. Each runs real processes: a PostgreSQL of its own and the service as `npm start`.
 */
describe('database faults', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'wuyu-fault-db-'));
  afterEach(() => killLeftoverServices());
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('PostgreSQL restarted while requests run: 503 DATABASE_UNAVAILABLE and /health degraded during the outage, never a 500 or a partial answer, healthy again by itself', async () => {
    const pgDir = path.join(root, 'pg');
    let postgres: SpawnedPostgres = await spawnPostgres(pgDir);
    const port = postgres.port;
    let service: RunningService | undefined;
    try {
      const url = await ensureDatabase(postgres.url, 'wuyu');
      const dataSource = createDataSource(url, { poolSize: 2 });
      await dataSource.initialize();
      await migrate(dataSource);
      await createUser(dataSource, [{ role: 'city_admin' }], 'admin');
      await dataSource.query(`INSERT INTO regions (code, name, level) VALUES ('150300', '乌海市', 'city')`);
      await dataSource.query(`INSERT INTO regions (code, name, level, parent_id) SELECT '1503' || lpad(g::text, 2, '0'), '区' || g, 'district', (SELECT id FROM regions WHERE code = '150300') FROM generate_series(1, 40) g`);
      await dataSource.destroy();

      service = await startService({ ...process.env, DATABASE_URL: url, WUYU_DATA_DIR: path.join(root, 'app'), PORT: '0', LOG_LEVEL: 'error', AUTH_SECRET: TEST_AUTH_SECRET });
      const headers = await signIn(service.url, 'admin', TEST_PASSWORD);
      const expected = await (await fetch(`${service.url}/api/regions?pageSize=100`, { headers })).json();
      expect((expected as { total: number }).total).toBe(41);

      // Four clients read the regions and /health in a loop while PostgreSQL goes down and comes back.
      const seen = { ok: 0, unavailable: 0, healthDegraded: 0, healthOk: 0, other: [] as string[] };
      let running = true;
      const client = async () => {
        while (running) {
          const response = await fetch(`${service!.url}/api/regions?pageSize=100`, { headers }).catch((error: Error) => error);
          if (response instanceof Error) {
            seen.other.push(`network: ${response.message}`);
            continue;
          }
          const body = (await response.json()) as { code?: string };
          if (response.status === 200) {
            seen.ok += 1;
            if (JSON.stringify(body) !== JSON.stringify(expected)) seen.other.push(`200 with different data: ${JSON.stringify(body).slice(0, 200)}`);
          } else if (response.status === 503 && body.code === 'DATABASE_UNAVAILABLE' && response.headers.get('retry-after') === '5') seen.unavailable += 1;
          else seen.other.push(`${response.status} ${JSON.stringify(body).slice(0, 200)}`);
          await sleep(20);
        }
      };
      const health = async () => {
        while (running) {
          const response = await fetch(`${service!.url}/health`);
          const body = (await response.json()) as { status: string; message?: string };
          if (response.status === 200 && body.status === 'ok') seen.healthOk += 1;
          else if (response.status === 503 && body.status === 'degraded' && body.message) seen.healthDegraded += 1;
          else seen.other.push(`health ${response.status} ${JSON.stringify(body)}`);
          await sleep(100);
        }
      };
      const load = Promise.all([client(), client(), client(), client(), health()]);
      await sleep(1500);
      const okBefore = seen.ok;
      await postgres.stop();
      await sleep(3000);
      const degradedDuringOutage = seen.healthDegraded;
      const unavailableDuringOutage = seen.unavailable;
      postgres = await spawnPostgres(pgDir, port);
      // Recovered by itself: wait until reads succeed again, then keep going a little.
      const restartedAt = Date.now();
      const okAtRestart = seen.ok;
      while (seen.ok < okAtRestart + 20 && Date.now() - restartedAt < 60_000) await sleep(100);
      const healthOkAtRecovery = seen.healthOk;
      await sleep(1000);
      running = false;
      await load;

      expect(seen.other).toEqual([]);
      expect(okBefore).toBeGreaterThan(0);
      expect(unavailableDuringOutage).toBeGreaterThan(0);
      expect(degradedDuringOutage).toBeGreaterThan(0);
      expect(seen.ok).toBeGreaterThanOrEqual(okAtRestart + 20);
      expect(seen.healthOk).toBeGreaterThan(healthOkAtRecovery);
      const finalHealth = await fetch(`${service.url}/health`);
      expect(finalHealth.status).toBe(200);
      expect(await finalHealth.json()).toEqual({ status: 'ok', database: 'up' });
      expect(await service.stop('SIGTERM')).toBe(0);
    } finally {
      if (service) await killLeftoverServices();
      await postgres.stop();
    }
  });

  it('the embedded PostgreSQL killed with SIGKILL under a running service: /health degraded, and the next start recovers every committed row', async () => {
    const dataDir = path.join(root, 'embedded');
    const first = await startService(embeddedEnv(dataDir, { AUTH_SECRET: TEST_AUTH_SECRET }));
    const created = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'dist', 'src', 'cli', 'main.js'), 'user:create', '--username', 'admin', '--role', 'city_admin'], {
      env: embeddedEnv(dataDir, { AUTH_SECRET: TEST_AUTH_SECRET }),
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(created.status).toBe(0);
    const password = /password: (\S+)/.exec(created.stdout)![1];
    const headers = await signIn(first.url, 'admin', password);
    const city = await fetch(`${first.url}/api/regions`, { method: 'POST', headers, body: JSON.stringify({ code: '150300', name: '乌海市', level: 'city' }) });
    expect(city.status).toBe(201);
    for (let i = 1; i <= 20; i += 1) {
      const district = await fetch(`${first.url}/api/regions`, { method: 'POST', headers, body: JSON.stringify({ code: `1503${String(i).padStart(2, '0')}`, name: `区${i}`, level: 'district', parentId: ((await city.clone().json()) as { id: string }).id }) });
      expect(district.status).toBe(201);
    }

    // Kill the postmaster itself: no shutdown checkpoint, a stale postmaster.pid left behind.
    const pidFile = path.join(dataDir, 'postgres', 'cluster', 'postmaster.pid');
    const postmaster = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
    process.kill(postmaster, 'SIGKILL');
    for (let waited = 0; waited < 10_000; waited += 100) {
      try {
        process.kill(postmaster, 0);
        await sleep(100);
      } catch {
        break;
      }
    }
    const degraded = await fetch(`${first.url}/health`);
    expect(degraded.status).toBe(503);
    expect(await degraded.json()).toMatchObject({ status: 'degraded', database: 'down' });
    const refused = await fetch(`${first.url}/api/regions`, { headers });
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ code: 'DATABASE_UNAVAILABLE' });
    await first.stop('SIGKILL');
    expect(fs.existsSync(pidFile)).toBe(true);

    const next = await startService(embeddedEnv(dataDir, { AUTH_SECRET: TEST_AUTH_SECRET }));
    try {
      const regions = (await (await fetch(`${next.url}/api/regions?pageSize=100`, { headers: await signIn(next.url, 'admin', password) })).json()) as { total: number; items: { code: string }[] };
      expect(regions.total).toBe(21);
      expect(regions.items.map((r) => r.code)).toContain('150320');
    } finally {
      expect(await next.stop('SIGTERM')).toBe(0);
    }
  });
});
