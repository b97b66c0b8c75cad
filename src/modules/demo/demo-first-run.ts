import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../../config/app-config';
import type { DemoScale } from './demo-city';
import { type DemoManifest, readDemoManifest, type WriteDemoOptions, writeDemoCity } from './demo-files';
import { type DemoLoadPhase, type DemoLoadResult, type DemoLoadStep, loadDemoCity } from './demo-loader';

/** True when nothing has been set up yet: no users, no regions, no students. One cheap query. */
export async function isDatabaseEmpty(dataSource: DataSource): Promise<boolean> {
  const [row] = (await dataSource.query(
    'SELECT NOT (EXISTS (SELECT 1 FROM users) OR EXISTS (SELECT 1 FROM regions) OR EXISTS (SELECT 1 FROM students)) AS empty',
  )) as { empty: boolean }[];
  return row.empty;
}

/** The generated files of a seed and scale under the data directory (reused when already there). */
export function demoFilesDir(config: AppConfig, scale: DemoScale, seed: number): string {
  return path.join(config.dataDir, 'demo', `${scale}-seed-${seed}`);
}

export async function generateOrReuse(dir: string, scale: DemoScale, seed: number, options: WriteDemoOptions = {}): Promise<DemoManifest> {
  if (existsSync(path.join(dir, 'manifest.json'))) {
    const manifest = readDemoManifest(dir);
    if (manifest.seed === seed && manifest.scale === scale) return manifest;
  }
  return writeDemoCity(seed, scale, dir, options);
}

/** One progress line per step: `[ 7/38]  12.3 s  scores scores/2024-2025-1.csv  171,234 rows (3.1 s)`. */
export function progressLine(step: DemoLoadStep): string {
  const counter = `[${String(step.index).padStart(String(step.total).length)}/${step.total}]`;
  return `${counter} ${step.elapsedSeconds.toFixed(1).padStart(5)} s  ${step.step}  ${step.rows.toLocaleString('en')} rows (${step.seconds.toFixed(1)} s)`;
}

/** One line per phase: `phase imports: 41.2 s wall, CPU 9.1 s Node + 28.0 s PostgreSQL`. */
export function phaseLine(phase: DemoLoadPhase): string {
  return `phase ${phase.phase}: ${phase.wallSeconds.toFixed(1)} s wall, ${phase.cpu}`;
}

/** The phases' totals, for the last line of a load. */
export function phaseTotals(phases: readonly DemoLoadPhase[]): string {
  const node = phases.reduce((sum, p) => sum + p.nodeCpuSeconds, 0);
  const postgres = phases.every((p) => p.postgresCpuSeconds !== null) ? phases.reduce((sum, p) => sum + (p.postgresCpuSeconds ?? 0), 0) : null;
  return `CPU ${node.toFixed(1)} s Node${postgres === null ? '' : ` + ${postgres.toFixed(1)} s PostgreSQL`}`;
}

/**
 * The first-run hook of `npm start`: on an empty database, unless WUYU_DEMO=off, generate the
 * demo city (or reuse the files of an earlier attempt) and load it through the import pipeline,
 * printing progress; the accounts go to <dataDir>/demo-accounts.txt. Returns null when it did
 * nothing (turned off, or the database has data — the usual start, which costs one query).
 */
export async function loadDemoOnFirstStart(dataSource: DataSource, config: AppConfig, write: (line: string) => void): Promise<DemoLoadResult | null> {
  if (config.demo.scale === 'off') return null;
  if (!(await isDatabaseEmpty(dataSource))) return null;
  const scale = config.demo.scale;
  const seed = config.demo.seed;
  write(`  Empty database: loading the demo city (WUYU_DEMO=${scale}, WUYU_DEMO_SEED=${seed}; WUYU_DEMO=off turns this off).`);
  const started = process.hrtime.bigint();
  const dir = demoFilesDir(config, scale, seed);
  const manifest = await generateOrReuse(dir, scale, seed);
  write(`  generated ${manifest.counts.rows.toLocaleString('en')} rows for ${manifest.counts.studentsInLastTerm.toLocaleString('en')} students in ${manifest.schools.length} schools into ${dir} (${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s)`);
  const result = await loadDemoCity(dataSource, config, dir, manifest, {
    accountsFile: path.join(config.dataDir, 'demo-accounts.txt'),
    onStep: (step) => write(`  ${progressLine(step)}`),
    onPhase: (phase) => write(`  ${phaseLine(phase)}`),
  });
  write(`  demo city loaded: ${result.rows.toLocaleString('en')} rows in ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s (load ${phaseTotals(result.phases)})`);
  return result;
}
