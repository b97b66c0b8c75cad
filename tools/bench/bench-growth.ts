/**
 * `npm run bench:growth` — issue 11 speed check: the whole `wuyu sgp` CLI process (read CSV, fit
 * 100 quantile regressions per order on worker threads, SGPs, write sgp.csv, groups.csv and the
 * coefficient JSON) on 100,000 students with one prior (target ≤ 15 s, peak RSS < 1 GB), and
 * the same students with two and three priors (reported).
 *
 * The cohort is generated with the core's SeededRandom (seed 20250311) into a temporary
 * directory; scores have 2 decimals, 300 schools. Each case runs BENCH_RUNS times (default 3;
 * the 2 cores are shared with other work, so best and median are reported). Peak memory is the
 * child's maximum resident set size from `/usr/bin/time -v` when present, else the CLI's own
 * report (process.resourceUsage().maxRSS, printed on stderr).
 *
 * Options (environment): BENCH_STUDENTS (default 100000), BENCH_RUNS (3), BENCH_PRIORS (e.g. "1"
 * or "1,2,3", default "1,2,3"), BENCH_KEEP=1 to keep the temporary directory.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SeededRandom } from '../../src/scoring-core';

const students = Number(process.env.BENCH_STUDENTS ?? 100_000);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const priorCases = (process.env.BENCH_PRIORS ?? '1,2,3').split(',').map(Number);
const cliEntry = resolve(__dirname, '..', '..', 'src', 'cli', 'main.js');
const timeBinary = '/usr/bin/time';

function generateCohort(path: string): void {
  const random = new SeededRandom(20250311);
  const descriptor = openSync(path, 'w');
  let chunk = 'student_id,school_id,score_now,score_last,score_before,score_earliest\n';
  for (let student = 0; student < students; student += 1) {
    const ability = random.nextNormal();
    const earliest = 420 + 45 * ability + 20 * random.nextNormal();
    const before = 230 + 0.55 * earliest + 20 * ability + 22 * random.nextNormal();
    const last = 140 + 0.5 * before + 0.25 * earliest + 15 * ability + 22 * random.nextNormal();
    const now = 25 + 0.62 * last + 0.22 * before + 0.12 * earliest + 0.0006 * (last - 470) ** 2 + 10 * ability + 18 * random.nextNormal();
    const school = random.nextInt(300);
    chunk += `S${String(student).padStart(6, '0')},SCH${school},${now.toFixed(2)},${last.toFixed(2)},${before.toFixed(2)},${earliest.toFixed(2)}\n`;
    if (chunk.length > 1 << 20) {
      writeSync(descriptor, chunk);
      chunk = '';
    }
  }
  writeSync(descriptor, chunk);
  closeSync(descriptor);
}

interface RunResult {
  seconds: number;
  peakMegabytes: number;
}

function runOnce(priorCount: number, directory: string, input: string): RunResult {
  const priors = ['score_last', 'score_before', 'score_earliest'].slice(0, priorCount).join(',');
  const cliArguments = [
    cliEntry, 'sgp', '--input', input, '--id', 'student_id', '--current', 'score_now', '--prior', priors, '--group', 'school_id',
    '--out-students', join(directory, `sgp-${priorCount}.csv`), '--out-groups', join(directory, `groups-${priorCount}.csv`),
    '--out-coefficients', join(directory, `coefficients-${priorCount}.json`),
  ];
  const useTime = existsSync(timeBinary);
  const started = process.hrtime.bigint();
  const child = useTime
    ? spawnSync(timeBinary, ['-v', process.execPath, ...cliArguments], { encoding: 'utf8' })
    : spawnSync(process.execPath, cliArguments, { encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (child.status !== 0) {
    throw new Error(`wuyu sgp failed (${child.status}): ${child.stderr}`);
  }
  const timeReport = /Maximum resident set size \(kbytes\): (\d+)/.exec(child.stderr);
  const ownReport = /peak RSS (\d+) MB/.exec(child.stderr);
  const peakMegabytes = timeReport !== null ? Number(timeReport[1]) / 1024 : Number(ownReport?.[1] ?? Number.NaN);
  return { seconds, peakMegabytes };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function main(): void {
  const directory = mkdtempSync(join(tmpdir(), 'wuyu-bench-growth-'));
  try {
    const input = join(directory, 'cohort.csv');
    generateCohort(input);
    process.stdout.write(`bench:growth — wuyu sgp, ${students} students, 100 quantiles per order, ${runs} runs each (2 shared cores)\n`);
    for (const priorCount of priorCases) {
      const results = Array.from({ length: runs }, () => runOnce(priorCount, directory, input));
      const times = results.map((r) => r.seconds);
      const peak = Math.max(...results.map((r) => r.peakMegabytes));
      const target = priorCount === 1 ? ' (target ≤ 15 s)' : '';
      process.stdout.write(
        `  ${priorCount} prior${priorCount > 1 ? 's' : ' '} (orders 1..${priorCount}): best ${Math.min(...times).toFixed(2)} s, ` +
          `median ${median(times).toFixed(2)} s${target}; peak RSS ${peak.toFixed(0)} MB (target < 1024)\n`,
      );
    }
  } finally {
    if (process.env.BENCH_KEEP === '1') process.stdout.write(`kept ${directory}\n`);
    else rmSync(directory, { recursive: true, force: true });
  }
}

main();
