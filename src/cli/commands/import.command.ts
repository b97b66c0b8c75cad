import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../config/app-config';
import type { ImportReport } from '../../modules/imports/import-report';
import { ImportRejectedError } from '../../modules/imports/imports.errors';
import { ImportsService } from '../../modules/imports/imports.service';
import { EVERYTHING } from '../../modules/auth/data-scope';
import { CliError } from '../cli-error';
import { withDatabase } from './database.command';

function printReport(report: ImportReport, asJson: boolean): void {
  if (asJson) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  const lines = [
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

async function runImport(kind: string, file: string, options: { dryRun?: boolean; json?: boolean }): Promise<void> {
  const resolved = path.resolve(file);
  if (!fs.existsSync(resolved)) throw new CliError('FILE_NOT_FOUND', `no such file: ${file}`);
  const bytes = fs.readFileSync(resolved);
  const config = loadConfig();
  await withDatabase(async (dataSource) => {
    const imports = new ImportsService(dataSource, config);
    try {
      const report = await imports.run(kind, bytes, path.basename(resolved), {
        dryRun: Boolean(options.dryRun),
        // The CLI runs with database access on the server itself: the operator's scope is everything.
        context: { scope: EVERYTHING, actorUserId: null },
      });
      printReport(report, Boolean(options.json));
      if (!report.valid) process.exitCode = 2; // a dry run of an invalid file is still bad input
    } catch (error) {
      if (error instanceof ImportRejectedError) {
        printReport(error.report, Boolean(options.json));
        process.exitCode = 2;
        return;
      }
      throw error;
    }
  });
}

export function register(program: Command): void {
  program
    .command('import')
    .description('validate and import a CSV/XLSX file of the given kind (roster, …); all rows or none')
    .argument('<kind>', 'import kind, e.g. roster')
    .argument('<file>', 'CSV (UTF-8, UTF-8 BOM, GBK, GB18030) or XLSX file')
    .option('--dry-run', 'validate and report only; write nothing')
    .option('--json', 'print the report as JSON')
    .action((kind: string, file: string, options: { dryRun?: boolean; json?: boolean }) => runImport(kind, file, options));

  program
    .command('roster:import')
    .description('import a school roster (学籍号, 姓名, 性别, … 班级, 学年学期); same as `import roster <file>`')
    .argument('<file>', 'CSV or XLSX file')
    .option('--dry-run', 'validate and report only; write nothing')
    .option('--json', 'print the report as JSON')
    .action((file: string, options: { dryRun?: boolean; json?: boolean }) => runImport('roster', file, options));
}
