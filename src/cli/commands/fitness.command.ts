/**
 * `wuyu fitness score --input raw.csv --out scored.csv`: scores raw fitness measurements per the
 * 国家学生体质健康标准（2014年修订） (issue 5, point 2; docs/fitness.md). Runs the scoring core on
 * files; never opens the database.
 *
 * Exit codes: 0 when the file was read and written, even if some rows were bad (they are listed
 * on stderr and, with --errors, in a CSV); 2 for file-level problems (missing file, no header,
 * no grade_code/sex column, unreadable encoding).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CliError } from '../cli-error';
import { decodeCsvBytes, encodeCsvChunks, encodeCsvText, formatCsvRecord, type InputEncoding, type OutputEncoding } from '../fitness/csv-text';
import { scoreFitnessCsvText, type FitnessTableResult } from '../fitness/score-fitness-table';

interface ScoreOptions {
  readonly input: string;
  readonly out: string;
  readonly errors?: string;
  readonly encoding: string;
  readonly outputEncoding: string;
  readonly quiet?: boolean;
}

/** How many row problems are echoed to stderr before "… and N more" (all go to --errors). */
const STDERR_PROBLEM_LIMIT = 50;

export function register(program: Command): void {
  const fitness = program.command('fitness').description('Physical fitness per the National Student Physical Fitness Standard (2014)');
  fitness
    .command('score')
    .description(
      'Score raw fitness results: BMI and its band score, each item score, the weighted standard score, bonus, ' +
        'year total, level and missing items. Columns by English code or Chinese name; sex M/F, 男/女 or 1/2; ' +
        'runs in seconds or 3\'55" form.',
    )
    .requiredOption('--input <file>', 'raw results CSV (UTF-8, UTF-8 with BOM, or GBK)')
    .requiredOption('--out <file>', 'scored CSV to write (the input columns plus the score columns)')
    .option('--errors <file>', 'also write the bad rows as a CSV (row, column, value, problem)')
    .option('--encoding <encoding>', 'input encoding: auto, utf8 or gbk', 'auto')
    .option('--output-encoding <encoding>', 'output encoding: utf8 (with BOM, for Excel) or gbk', 'utf8')
    .option('--quiet', 'do not print the summary')
    .action((options: ScoreOptions) => {
      runFitnessScore(options);
    });
}

export function runFitnessScore(options: ScoreOptions): FitnessTableResult {
  const inputEncoding = options.encoding.toLowerCase().replace('-', '');
  if (!['auto', 'utf8', 'gbk'].includes(inputEncoding)) throw new CliError('BAD_OPTION', `--encoding must be auto, utf8 or gbk, got ${options.encoding}`);
  const outputEncoding = options.outputEncoding.toLowerCase().replace('-', '');
  if (!['utf8', 'gbk'].includes(outputEncoding)) throw new CliError('BAD_OPTION', `--output-encoding must be utf8 or gbk, got ${options.outputEncoding}`);

  let bytes: Buffer;
  try {
    bytes = readFileSync(options.input);
  } catch (error) {
    throw new CliError('INPUT_NOT_READABLE', `cannot read ${options.input}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const { text } = decodeCsvBytes(bytes, inputEncoding as InputEncoding);
  const result = scoreFitnessCsvText(text);
  writeOrFail(options.out, encodeCsvChunks(result.chunks, outputEncoding as OutputEncoding));

  if (options.errors !== undefined) {
    const errorLines = [formatCsvRecord(['row', 'column', 'value', 'problem'])];
    for (const p of result.problems) errorLines.push(formatCsvRecord([String(p.row), p.column ?? '', p.value ?? '', p.message]));
    writeOrFail(options.errors, encodeCsvText(`${errorLines.join('\r\n')}\r\n`, outputEncoding as OutputEncoding));
  }

  for (const warning of result.warnings) process.stderr.write(`warning: ${warning}\n`);
  result.problems.slice(0, STDERR_PROBLEM_LIMIT).forEach((p) => {
    process.stderr.write(`row ${p.row}${p.column === null ? '' : ` [${p.column}]`}: ${p.message}\n`);
  });
  if (result.problems.length > STDERR_PROBLEM_LIMIT) {
    process.stderr.write(`… and ${result.problems.length - STDERR_PROBLEM_LIMIT} more problems${options.errors === undefined ? ' (use --errors <file> for the full list)' : ` (all in ${options.errors})`}\n`);
  }
  if (!options.quiet) {
    const c = result.counts;
    process.stderr.write(
      `fitness score: ${c.dataRows} rows — ${c.scored} scored, ${c.incomplete} incomplete (see missing), ${c.exempt} exempt/deferred, ${c.bad} bad rows not scored${c.retested + c.retestsNotUsed > 0 ? `, ${c.retested} retests applied, ${c.retestsNotUsed} not used` : ''}; wrote ${options.out}\n`,
    );
  }
  return result;
}

function writeOrFail(file: string, content: Buffer): void {
  try {
    writeFileSync(file, content);
  } catch (error) {
    throw new CliError('OUTPUT_NOT_WRITABLE', `cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
