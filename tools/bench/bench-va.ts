/**
 * `npm run bench:va` — issue 6 speed check: the whole `wuyu va` CLI process (read CSV, fit,
 * write groups.csv, students.csv and model.json) on 1,000,000 students in 1,000 schools with
 * two priors and two covariates. Targets: ≤ 3 s for ols, ≤ 5 s for multilevel, peak RSS < 1 GB.
 *
 * The cohort is generated with the core's SeededRandom (seed 20240601) into a temporary
 * directory, rows in random school order (no help from sorted input). Each model runs
 * BENCH_RUNS times (default 5; the machine's 2 cores are shared, so best and median are
 * reported). Peak memory is the child's maximum resident set size from `/usr/bin/time -v`
 * when present, else from the child's own process.resourceUsage() (WUYU_REPORT_RSS=1); CPU
 * time (user + system) from the same source is printed because it is steadier than wall time
 * when other work shares the cores. The CLI's bare start-up (`wuyu --help`: loading every
 * registered command module) is timed separately, since it is part of every run.
 *
 * Options (environment): BENCH_STUDENTS (default 1e6), BENCH_SCHOOLS (1000), BENCH_RUNS (5),
 * BENCH_KEEP=1 to keep the temporary directory.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SeededRandom } from '../../src/scoring-core';

const students = Number(process.env.BENCH_STUDENTS ?? 1_000_000);
const schools = Number(process.env.BENCH_SCHOOLS ?? 1_000);
const runs = Number(process.env.BENCH_RUNS ?? 5);
const cliEntry = resolve(__dirname, '..', '..', 'src', 'cli', 'main.js');
const timeBinary = '/usr/bin/time';

function generateCohort(path: string): void {
  const random = new SeededRandom(20240601);
  const schoolEffects = Float64Array.from({ length: schools }, () => 3 * random.nextNormal());
  const descriptor = openSync(path, 'w');
  let chunk = 'student_id,school_id,outcome,prior1,prior2,female,hardship\n';
  for (let student = 0; student < students; student += 1) {
    const school = random.nextInt(schools);
    const prior1 = 100 + 15 * random.nextNormal();
    const prior2 = 0.6 * prior1 + 40 + 10 * random.nextNormal();
    const female = random.nextUniform() < 0.5 ? 1 : 0;
    const hardship = random.nextUniform() < 0.2 ? 1 : 0;
    const outcome = 15 + 0.55 * prior1 + 0.25 * prior2 + 2 * female - 3 * hardship + schoolEffects[school] + 8 * random.nextNormal();
    chunk += `S${String(student).padStart(7, '0')},SCH${String(school).padStart(4, '0')},${outcome.toFixed(1)},${prior1.toFixed(1)},${prior2.toFixed(1)},${female},${hardship}\n`;
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
  /** User + system CPU seconds of the child (steadier than wall time on a loaded machine). */
  cpuSeconds: number;
}

/** The CLI's start-up alone (`wuyu --help`): the part of every run that is not va's work. */
function startupOnce(): RunResult {
  return timeChild([cliEntry, '--help']);
}

function runOnce(model: string, directory: string, input: string): RunResult {
  return timeChild(vaArguments(model, directory, input));
}

function vaArguments(model: string, directory: string, input: string): string[] {
  return [
    cliEntry, 'va', '--input', input, '--id', 'student_id', '--group', 'school_id', '--outcome', 'outcome',
    '--prior', 'prior1,prior2', '--covariates', 'female,hardship', '--model', model,
    '--out-groups', join(directory, `${model}-groups.csv`), '--out-students', join(directory, `${model}-students.csv`),
    '--out-model', join(directory, `${model}-model.json`),
  ];
}

function timeChild(cliArguments: string[]): RunResult {
  const useTime = existsSync(timeBinary);
  const started = process.hrtime.bigint();
  const child = useTime
    ? spawnSync(timeBinary, ['-v', process.execPath, ...cliArguments], { encoding: 'utf8' })
    : spawnSync(process.execPath, cliArguments, { encoding: 'utf8', env: { ...process.env, WUYU_REPORT_RSS: '1' } });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (child.status !== 0) throw new Error(`${cliArguments.slice(1, 3).join(' ')} failed (${child.status}): ${child.stderr}`);
  const match = useTime ? /Maximum resident set size \(kbytes\): (\d+)/.exec(child.stderr) : /maxRSS (\d+)/.exec(child.stderr);
  const peakMegabytes = match === null ? NaN : Number(match[1]) / 1024;
  const user = /User time \(seconds\): ([\d.]+)/.exec(child.stderr);
  const system = /System time \(seconds\): ([\d.]+)/.exec(child.stderr);
  const cpuSeconds = user === null || system === null ? NaN : Number(user[1]) + Number(system[1]);
  return { seconds, peakMegabytes, cpuSeconds };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function main(): void {
  const directory = mkdtempSync(join(tmpdir(), 'wuyu-bench-va-'));
  const input = join(directory, 'cohort.csv');
  try {
    const generationStart = process.hrtime.bigint();
    generateCohort(input);
    const generationSeconds = Number(process.hrtime.bigint() - generationStart) / 1e9;
    process.stdout.write(
      `bench:va — ${students.toLocaleString('en')} students, ${schools} schools, 2 priors + 2 covariates; ` +
        `input ${(statSync(input).size / 1e6).toFixed(1)} MB generated in ${generationSeconds.toFixed(1)} s; ${runs} runs a model\n`,
    );
    const startup = Array.from({ length: runs }, startupOnce);
    process.stdout.write(
      `start-up   (wuyu --help, included in every run below) wall best ${Math.min(...startup.map((run) => run.seconds)).toFixed(2)} s, ` +
        `median ${median(startup.map((run) => run.seconds)).toFixed(2)} s; CPU median ${median(startup.map((run) => run.cpuSeconds)).toFixed(2)} s\n`,
    );
    const targets: Record<string, number> = { ols: 3, multilevel: 5 };
    for (const model of ['ols', 'multilevel']) {
      const results = Array.from({ length: runs }, () => runOnce(model, directory, input));
      const times = results.map((result) => result.seconds);
      const peaks = results.map((result) => result.peakMegabytes);
      const best = Math.min(...times);
      const middle = median(times);
      const peak = Math.max(...peaks);
      const cpu = median(results.map((result) => result.cpuSeconds));
      const verdict = middle <= targets[model] && peak < 1024 ? 'within target' : best <= targets[model] && peak < 1024 ? 'best within target' : 'OVER TARGET';
      process.stdout.write(
        `${model.padEnd(10)} wall best ${best.toFixed(2)} s, median ${middle.toFixed(2)} s (target ≤ ${targets[model]} s); ` +
          `CPU median ${cpu.toFixed(2)} s; peak RSS max ${peak.toFixed(0)} MB (target < 1024 MB); ` +
          `runs: ${times.map((time) => time.toFixed(2)).join(' ')} — ${verdict}\n`,
      );
    }
  } finally {
    if (process.env.BENCH_KEEP === '1') process.stdout.write(`kept ${directory}\n`);
    else rmSync(directory, { recursive: true, force: true });
  }
}

main();
