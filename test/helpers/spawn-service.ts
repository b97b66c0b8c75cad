import { type ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

export interface RunningService {
  readonly child: ChildProcess;
  readonly url: string;
  output(): string;
  /** Resolves when the output matches, or fails after timeoutMs. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Sends the signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const started = new Set<ChildProcess>();

/** Kills every service a test started that is still running (call from afterAll/afterEach). */
export async function killLeftoverServices(): Promise<void> {
  await Promise.all(
    [...started].map(
      (child) =>
        new Promise<void>((resolve) => {
          started.delete(child);
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}

/** Starts `node dist/src/main.js` as `npm start` would, and waits for the URL it prints. */
export function startService(env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<RunningService> {
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'dist', 'src', 'main.js')], {
    cwd: PROJECT_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.add(child);
  let output = '';
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      started.delete(child);
      resolve(code);
    }),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`service did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /running at (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({
          child,
          url: match[1],
          output: () => output,
          waitForOutput: async (pattern, waitMs = 15_000) => {
            for (let waited = 0; !pattern.test(output); waited += 50) {
              if (waited > waitMs) throw new Error(`output never matched ${pattern}:\n${output}`);
              await new Promise((r) => setTimeout(r, 50));
            }
          },
          stop: async (signal = 'SIGTERM') => {
            child.kill(signal);
            return exited;
          },
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(Object.assign(new Error(`service exited with ${code} before it was ready:\n${output}`), { exitCode: code, output }));
    });
  });
}

/**
 * The environment without DATABASE_URL, so the service uses its embedded PostgreSQL. The demo
 * city is off unless a test asks for it (`{ WUYU_DEMO: 'small' }`): lifecycle tests start empty.
 */
export function embeddedEnv(dataDir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, WUYU_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn', WUYU_DEMO: 'off', ...extra };
  delete env.DATABASE_URL;
  return env;
}
