import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findProjectRoot } from './project-root';

/**
 * The app's configuration, read from the environment once at boot and validated; nothing
 * else reads process.env. A bad value stops the start with a message naming the variable.
 */
export interface AppConfig {
  readonly port: number;
  readonly host: string;
  /** postgres://… of an external server; undefined = start the embedded PostgreSQL. */
  readonly databaseUrl: string | undefined;
  /** Root of everything the app keeps on disk: embedded database, evidence files. */
  readonly dataDir: string;
  readonly logLevel: LogLevel;
  readonly corsOrigins: readonly string[];
  readonly bodyLimitBytes: number;
  readonly importMaxBytes: number;
  /** Largest evidence file (photo, scan, video) attached to a 写实记录. */
  readonly evidenceMaxBytes: number;
  /** HMAC key for access tokens: AUTH_SECRET, or generated once into <dataDir>/auth-secret (see ensureAuthSecret). */
  readonly authSecret: string;
  /** Login attempts allowed per client address per minute. */
  readonly loginAttemptsPerMinute: number;
  readonly accessTokenTtlSeconds: number;
  /** A running job's lease: renewed while its process lives; once expired the job is failed as INTERRUPTED (ADR 1000). */
  readonly jobLeaseSeconds: number;
  /**
   * How often the scheduler runs its housekeeping tasks (closing publicity batches whose window
   * has ended, spool retention, the portfolio hook's replay): SCHEDULER_INTERVAL_SECONDS,
   * default 60; 0 turns it off (ADR 0813).
   */
  readonly schedulerIntervalSeconds: number;
  /** Days a finished job's spooled upload is kept before the scheduler deletes it (SPOOL_RETENTION_DAYS, default 7; ADR 0814). */
  readonly spoolRetentionDays: number;
  /** Longest time to receive a whole request (headers and body); slower requests are cut off with 408. */
  readonly requestTimeoutMs: number;
  /**
   * The demo city loaded by `npm start` into an empty database (issue 8, ADR 0900): WUYU_DEMO =
   * off | small | district | city — default city on the embedded database, off with DATABASE_URL;
   * WUYU_DEMO_SEED picks the city (default 8).
   */
  readonly demo: { readonly scale: 'off' | 'small' | 'district' | 'city'; readonly seed: number };
}

export const DEMO_SETTINGS = ['off', 'small', 'district', 'city'] as const;

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

type Env = Readonly<Record<string, string | undefined>>;

function integerIn(env: Env, name: string, fallback: number, min: number, max: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) {
    problems.push(`${name} must be a whole number between ${min} and ${max}, got "${raw}"`);
    return fallback;
  }
  const value = Number(raw.trim());
  if (value < min || value > max) problems.push(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

export function loadConfig(env: Env = process.env, projectRoot = findProjectRoot()): AppConfig {
  const problems: string[] = [];

  const port = integerIn(env, 'PORT', 3000, 0, 65535, problems);
  const host = env.HOST?.trim() || '127.0.0.1';

  let databaseUrl: string | undefined = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl !== undefined) {
    try {
      const parsed = new URL(databaseUrl);
      if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
        problems.push(`DATABASE_URL must start with postgres:// or postgresql://, got "${parsed.protocol}"`);
      }
    } catch {
      problems.push('DATABASE_URL is not a valid URL (expected postgres://user@host:port/database)');
      databaseUrl = undefined;
    }
  }

  const dataDir = path.resolve(projectRoot, env.WUYU_DATA_DIR?.trim() || 'data');

  const logLevelRaw = (env.LOG_LEVEL?.trim() || 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevelRaw)) {
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`);
  }

  const corsOrigins = (env.CORS_ORIGINS ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin.length > 0);
  for (const origin of corsOrigins) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) problems.push(`CORS_ORIGINS entry "${origin}" must look like https://host[:port]`);
  }

  const bodyLimitBytes = integerIn(env, 'BODY_LIMIT_BYTES', 1_000_000, 1_000, 100_000_000, problems);
  const importMaxBytes = integerIn(env, 'IMPORT_MAX_BYTES', 200_000_000, 1_000, 2_000_000_000, problems);
  const evidenceMaxBytes = integerIn(env, 'EVIDENCE_MAX_BYTES', 20_000_000, 1_000, 500_000_000, problems);

  const authSecret = env.AUTH_SECRET?.trim() ?? '';
  if (authSecret !== '' && authSecret.length < 32) problems.push('AUTH_SECRET must be at least 32 characters (or unset, to generate one in the data directory)');
  const loginAttemptsPerMinute = integerIn(env, 'LOGIN_ATTEMPTS_PER_MINUTE', 20, 1, 10_000, problems);
  const accessTokenTtlSeconds = integerIn(env, 'ACCESS_TOKEN_TTL_SECONDS', 900, 30, 86_400, problems);
  const jobLeaseSeconds = integerIn(env, 'JOB_LEASE_SECONDS', 60, 2, 3_600, problems);
  const schedulerIntervalSeconds = integerIn(env, 'SCHEDULER_INTERVAL_SECONDS', 60, 0, 86_400, problems);
  const spoolRetentionDays = integerIn(env, 'SPOOL_RETENTION_DAYS', 7, 1, 3_650, problems);
  const requestTimeoutMs = integerIn(env, 'REQUEST_TIMEOUT_MS', 120_000, 1_000, 3_600_000, problems);

  const demoRaw = env.WUYU_DEMO?.trim().toLowerCase() || (databaseUrl === undefined ? 'city' : 'off');
  if (!(DEMO_SETTINGS as readonly string[]).includes(demoRaw)) problems.push(`WUYU_DEMO must be one of ${DEMO_SETTINGS.join(', ')}, got "${env.WUYU_DEMO}"`);
  const demoSeed = integerIn(env, 'WUYU_DEMO_SEED', 8, 0, 4_294_967_295, problems);

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    port,
    host,
    databaseUrl,
    dataDir,
    logLevel: logLevelRaw as LogLevel,
    corsOrigins,
    bodyLimitBytes,
    importMaxBytes,
    evidenceMaxBytes,
    authSecret,
    loginAttemptsPerMinute,
    accessTokenTtlSeconds,
    jobLeaseSeconds,
    schedulerIntervalSeconds,
    spoolRetentionDays,
    requestTimeoutMs,
    demo: { scale: demoRaw as AppConfig['demo']['scale'], seed: demoSeed },
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');

/**
 * Fills in the token-signing secret when AUTH_SECRET is not set: read from
 * <dataDir>/auth-secret, or generated there once (mode 600), so tokens survive restarts.
 */
export function ensureAuthSecret(config: AppConfig): AppConfig {
  if (config.authSecret !== '') return config;
  const file = path.join(config.dataDir, 'auth-secret');
  fs.mkdirSync(config.dataDir, { recursive: true });
  if (!fs.existsSync(file)) fs.writeFileSync(file, crypto.randomBytes(48).toString('base64url'), { mode: 0o600 });
  return { ...config, authSecret: fs.readFileSync(file, 'utf8').trim() };
}
