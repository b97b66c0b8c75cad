import * as path from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../config/app-config';
import { DEMO_SCALES, type DemoImportKind, type DemoScale } from '../../modules/demo/demo-city';
import { DEFAULT_XLSX_KINDS, type DemoXlsxKinds, readDemoManifest, writeDemoCity } from '../../modules/demo/demo-files';
import { demoFilesDir, generateOrReuse, isDatabaseEmpty, phaseLine, phaseTotals, progressLine } from '../../modules/demo/demo-first-run';
import { formatDemoAccounts, loadDemoCity } from '../../modules/demo/demo-loader';
import { CliError } from '../cli-error';
import { migrate } from '../../database/data-source';
import { withDatabase } from './database.command';

function parseSeed(raw: string): number {
  if (!/^\d+$/.test(raw) || Number(raw) > 4_294_967_295) throw new CliError('BAD_SEED', `--seed must be a whole number 0–4294967295, got "${raw}"`);
  return Number(raw);
}

function parseScale(raw: string): DemoScale {
  if (!(DEMO_SCALES as readonly string[]).includes(raw)) throw new CliError('BAD_SCALE', `--scale must be one of ${DEMO_SCALES.join(', ')}, got "${raw}"`);
  return raw as DemoScale;
}

const DEMO_KINDS: readonly DemoImportKind[] = ['roster', 'scores', 'fitness', 'vision', 'art', 'labour', 'activities', 'applications'];

function parseXlsxKinds(raw: string): DemoXlsxKinds {
  if (raw.trim() === 'all') return 'all';
  const kinds = raw.split(',').map((k) => k.trim()).filter((k) => k !== '' && k !== 'none');
  const unknown = kinds.filter((k) => !(DEMO_KINDS as readonly string[]).includes(k));
  if (unknown.length > 0) throw new CliError('BAD_XLSX_KINDS', `--xlsx takes ${DEMO_KINDS.join(', ')}, all or none; not ${unknown.join(', ')}`);
  return kinds as DemoImportKind[];
}

export function register(program: Command): void {
  program
    .command('demo:generate')
    .description('write a deterministic demo city (rosters, scores, fitness, vision, art, labour, 写实记录 as the CSV files schools upload, manifest.json, true-school-effects.csv)')
    .requiredOption('--seed <n>', 'the city to make (same seed → same files)')
    .option('--scale <scale>', `${DEMO_SCALES.join(' | ')}`, 'city')
    .option('--out <dir>', 'output folder (default data/demo/<scale>-seed-<n>)')
    .option('--xlsx <kinds>', `kinds written as .xlsx instead of CSV: a comma-separated list of ${DEMO_KINDS.join(', ')}, or all`, DEFAULT_XLSX_KINDS.join(','))
    .action(async (options: { seed: string; scale: string; out?: string; xlsx: string }) => {
      const seed = parseSeed(options.seed);
      const scale = parseScale(options.scale);
      const out = path.resolve(options.out ?? demoFilesDir(loadConfig(), scale, seed));
      const started = process.hrtime.bigint();
      const manifest = await writeDemoCity(seed, scale, out, { xlsxKinds: parseXlsxKinds(options.xlsx) });
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const byKind = Object.entries(manifest.counts.rowsByKind).map(([kind, n]) => `${kind}=${n}`).join(' ');
      process.stdout.write(
        `wrote ${out} in ${seconds.toFixed(1)} s: ${manifest.schools.length} schools, ${manifest.counts.students} students (${manifest.counts.studentsInLastTerm} in the last term), ${manifest.files.length} files, ${manifest.counts.rows} rows (${byKind}), ${manifest.evidence.length} evidence files\n`,
      );
    });

  program
    .command('demo:load')
    .description('load a demo city into an empty database through the import pipeline and create one demo account per role (passwords printed and written to <data dir>/demo-accounts.txt)')
    .option('--dir <dir>', 'a folder written by demo:generate')
    .option('--seed <n>', 'generate (or reuse) this seed instead of --dir', '8')
    .option('--scale <scale>', `${DEMO_SCALES.join(' | ')} (with --seed)`, 'city')
    .option('--xlsx <kinds>', 'with --seed, when the files are generated: kinds written as .xlsx (as demo:generate)', DEFAULT_XLSX_KINDS.join(','))
    .option('--dry-run', 'validate every file (rosters are imported, since the records need them) and create no accounts')
    .action(async (options: { dir?: string; seed: string; scale: string; dryRun?: boolean; xlsx: string }) => {
      const config = loadConfig();
      const dir = options.dir ? path.resolve(options.dir) : demoFilesDir(config, parseScale(options.scale), parseSeed(options.seed));
      const manifest = options.dir ? readDemoManifest(dir) : await generateOrReuse(dir, parseScale(options.scale), parseSeed(options.seed), { xlsxKinds: parseXlsxKinds(options.xlsx) });
      await withDatabase(async (dataSource) => {
        // A brand-new database (createdb, then demo:load) has no tables yet: migrate like npm start does.
        await migrate(dataSource);
        if (!(await isDatabaseEmpty(dataSource))) throw new CliError('DATABASE_NOT_EMPTY', 'the demo city loads only into an empty database (no users, regions or students)');
        const result = await loadDemoCity(dataSource, config, dir, manifest, {
          dryRunRecords: Boolean(options.dryRun),
          accountsFile: path.join(config.dataDir, 'demo-accounts.txt'),
          onStep: (step) => process.stderr.write(`${progressLine(step)}\n`),
          onPhase: (phase) => process.stderr.write(`  ${phaseLine(phase)}\n`),
        });
        process.stdout.write(`loaded ${result.rows} rows in ${result.seconds.toFixed(1)} s, ${phaseTotals(result.phases)} (${Object.entries(result.rowsByKind).map(([k, n]) => `${k}=${n}`).join(' ')})\n`);
        if (result.accounts.length > 0) process.stdout.write(`demo accounts (also in ${result.accountsFile}):\n${formatDemoAccounts(result.accounts)}\n`);
      });
    });
}
