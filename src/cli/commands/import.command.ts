import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../config/app-config';
import type { ImportReport } from '../../modules/imports/import-report';
import type { ImportProgress } from '../../modules/imports/imports.service';
import { importJobHandler, type ImportJobPayload } from '../../modules/imports/import-job.handler';
import { JobsService } from '../../modules/jobs/jobs.service';
import { JobsWorker } from '../../modules/jobs/jobs.worker';
import { ImportsService } from '../../modules/imports/imports.service';
import { EVERYTHING } from '../../modules/auth/data-scope';
import { CliError } from '../cli-error';
import { withDatabase } from './database.command';

function printReport(report: ImportReport, asJson: boolean, jobId: string): void {
  if (asJson) {
    process.stdout.write(`${JSON.stringify({ ...report, jobId }, null, 2)}\n`);
    return;
  }
  const lines = [
    `job       ${jobId}`,
    `file      ${report.fileName} (${report.format}, ${report.encoding}, sha256 ${report.fileSha256.slice(0, 12)}…)`,
    `rows      ${report.rowCount}`,
    `result    ${report.valid ? (report.committed ? 'imported' : 'valid (dry run, nothing written)') : `${report.errorCount} problem(s), nothing written`}`,
  ];
  if (report.summary) lines.push(`changes   ${Object.entries(report.summary).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  for (const error of report.errors) {
    const where = [error.row ? `row ${error.row}` : 'file', error.column ? `column ${error.column}` : ''].filter(Boolean).join(', ');
    lines.push(`  ${where}: [${error.code}] ${error.messageZh} / ${error.message}${error.value ? ` (“${error.value}”)` : ''}`);
  }
  if (report.errorCount > report.errors.length) lines.push(`  … and ${report.errorCount - report.errors.length} more`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

/**
 * A progress bar on stderr (stdout keeps the report, so `--json` output stays clean): redrawn in
 * place on a terminal; on a pipe or log, one line per phase and per quarter of the rows.
 */
export function progressBar(stream: NodeJS.WriteStream = process.stderr): (progress: ImportProgress) => void {
  const width = 30;
  let lastLine = '';
  let lastQuarter = -1;
  let lastPhase = '';
  return (progress) => {
    const total = progress.rowsTotal;
    const fraction = total && total > 0 ? Math.min(1, progress.rowsProcessed / total) : progress.phase === 'done' ? 1 : 0;
    const filled = Math.round(fraction * width);
    const phase = { reading: 'reading + checking rows', checking: 'checking against the database', writing: 'writing', done: 'done' }[progress.phase];
    const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round(fraction * 100)).padStart(3)}% ${progress.rowsProcessed.toLocaleString('en')}${total ? `/${total.toLocaleString('en')}` : ''} rows  ${phase}`;
    if (stream.isTTY) {
      if (line !== lastLine) stream.write(`\r${line}${progress.phase === 'done' ? '\n' : ''}`);
    } else {
      const quarter = Math.floor(fraction * 4);
      if (quarter !== lastQuarter || progress.phase !== lastPhase) stream.write(`${line}\n`);
      lastQuarter = quarter;
      lastPhase = progress.phase;
    }
    lastLine = line;
  };
}

/**
 * Imports a file from disk as a job of this process: the same `import` job row the HTTP job path
 * records (state, rows processed / total, the report or the error), created already running
 * under this process's lease so no service worker claims it, and run by the same handler. So CLI
 * imports show up in `GET /api/jobs/:id` like uploaded ones, and one killed mid-way is failed as
 * INTERRUPTED by the next sweep.
 */
async function runImport(kind: string, file: string, options: { dryRun?: boolean; json?: boolean; progress?: boolean }): Promise<void> {
  const resolved = path.resolve(file);
  if (!fs.existsSync(resolved)) throw new CliError('FILE_NOT_FOUND', `no such file: ${file}`);
  const config = loadConfig();
  await withDatabase(async (dataSource) => {
    const imports = new ImportsService(dataSource, config);
    imports.getKind(kind); // an unknown kind is refused before any job row is written
    const jobs = new JobsService(dataSource);
    const worker = new JobsWorker(jobs, config);
    let report: ImportReport | undefined;
    let thrown: unknown;
    const handler = importJobHandler(imports, { onProgress: options.progress === false ? undefined : progressBar() });
    worker.register('import', async (job, progress) => {
      try {
        const outcome = await handler(job, progress);
        report = outcome.result as unknown as ImportReport;
        return outcome;
      } catch (error) {
        thrown = error; // the job row records it as failed; the operator sees the error itself
        throw error;
      }
    });
    const payload: ImportJobPayload = {
      kind,
      path: resolved, // streamed from disk: a million-row file never sits in memory whole
      fileName: path.basename(resolved),
      dryRun: Boolean(options.dryRun),
      // The CLI runs with database access on the server itself: the operator's scope is everything.
      scope: EVERYTHING,
      actorUserId: null,
      origin: 'cli',
    };
    const job = await jobs.startRunning('import', payload as unknown as Record<string, unknown>, { schoolId: null, createdBy: null }, { workerId: worker.workerId, seconds: worker.leaseSeconds });
    await worker.runOne(job);
    if (thrown !== undefined) throw thrown;
    if (!report) {
      const [failed] = (await dataSource.query('SELECT error FROM jobs WHERE id = $1', [job.id])) as { error: { code: string; message: string } | null }[];
      throw new CliError(failed?.error?.code ?? 'JOB_FAILED', `${failed?.error?.message ?? 'the import failed'} (job ${job.id})`);
    }
    printReport(report, Boolean(options.json), job.id);
    if (!report.valid) process.exitCode = 2; // a dry run of an invalid file is still bad input
  });
}

export function register(program: Command): void {
  program
    .command('import')
    .description('validate and import a CSV/XLSX file of the given kind (roster, scores, fitness, vision, art, labour, activities, applications); all rows or none, with a progress bar')
    .argument('<kind>', 'import kind, e.g. roster')
    .argument('<file>', 'CSV (UTF-8, UTF-8 BOM, GBK, GB18030) or XLSX file')
    .option('--dry-run', 'validate and report only; write nothing')
    .option('--json', 'print the report as JSON')
    .option('--no-progress', 'no progress bar on stderr')
    .action((kind: string, file: string, options: { dryRun?: boolean; json?: boolean; progress?: boolean }) => runImport(kind, file, options));

  program
    .command('roster:import')
    .description('import a school roster (学籍号, 姓名, 性别, … 班级, 学年学期); same as `import roster <file>`')
    .argument('<file>', 'CSV or XLSX file')
    .option('--dry-run', 'validate and report only; write nothing')
    .option('--json', 'print the report as JSON')
    .action((file: string, options: { dryRun?: boolean; json?: boolean }) => runImport('roster', file, options));
}
