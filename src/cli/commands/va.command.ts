/**
 * `wuyu va`: school (group) value-added from a cohort CSV (issue 6, point 3).
 *
 *   npm run wuyu -- va --input cohort.csv --id student_id --group school_id --outcome outcome \
 *     --prior prior1,prior2 [--covariates female,hardship] --model zgain|prgain|ols|multilevel \
 *     [--min-group 10] [--estimation REML|ML] [--encoding auto|utf8|gbk] \
 *     --out-groups groups.csv [--out-students students.csv] [--out-model model.json]
 *
 * Rows with a missing id, group, outcome, prior or covariate are excluded (never imputed) and
 * counted by first missing field in model.json. groups.csv is sorted by group label, so the
 * output does not depend on row order; students.csv keeps input order. groups.csv and
 * model.json numbers are shortest round-trip decimals, students.csv numbers are rounded to
 * STUDENT_FILE_DECIMALS; nothing depends on the clock, so re-running on the same file gives
 * identical bytes.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import {
  CONFIDENCE_MULTIPLIER,
  DEFAULT_MIN_GROUP_SIZE,
  ENGINE_VERSION,
  estimateValueAdded,
  VALUE_ADDED_MODELS,
  type ValueAddedModelName,
  type ValueAddedResult,
  type VarianceEstimation,
} from '../../scoring-core';
import { CliError } from '../cli-error';
import { CsvFormatError, factorize, readNumericCsv, type NumericCsvTable } from '../io/numeric-csv';
import { InputEncodingError, type EncodingChoice } from '../io/text-encoding';
import { ByteCsvWriter, CsvFileWriter, csvNumber, csvText } from '../io/csv-writer';

/**
 * students.csv rounds value and predicted to 6 decimals (1e-6 of a score point, far below any
 * marking precision) so a million rows are written in ~0.1 s; groups.csv and model.json keep
 * full double precision (shortest round-trip decimals).
 */
export const STUDENT_FILE_DECIMALS = 6;

export interface ValueAddedCommandOptions {
  readonly input: string;
  readonly id: string;
  readonly group: string;
  readonly outcome: string;
  readonly prior: string;
  readonly covariates?: string;
  readonly model: string;
  readonly minGroup?: string;
  readonly estimation?: string;
  readonly encoding?: string;
  readonly outGroups: string;
  readonly outStudents?: string;
  readonly outModel?: string;
}

/** Why rows were left out, each row counted once under its first missing field. */
export interface ExcludedRows {
  readonly total: number;
  readonly missingId: number;
  readonly missingGroup: number;
  readonly missingOutcome: number;
  readonly missingPrior: number;
  readonly missingCovariate: number;
}

export function register(program: Command): void {
  program
    .command('va')
    .description('school value-added (zgain, prgain, ols, multilevel) from a cohort CSV (UTF-8 or GBK)')
    .requiredOption('--input <file>', 'cohort CSV, one row per student')
    .requiredOption('--id <column>', 'student id column')
    .requiredOption('--group <column>', 'grouping column (school or class)')
    .requiredOption('--outcome <column>', 'outcome score column')
    .requiredOption('--prior <columns>', 'prior score column(s), comma-separated; zgain/prgain use the first')
    .option('--covariates <columns>', 'context covariates, comma-separated (ols, multilevel)')
    .requiredOption('--model <name>', `one of ${VALUE_ADDED_MODELS.join(', ')}`)
    .option('--min-group <n>', 'minimum group size for a category other than insufficient', String(DEFAULT_MIN_GROUP_SIZE))
    .option('--estimation <method>', 'multilevel variance estimation: REML or ML', 'REML')
    .option('--encoding <name>', 'input encoding: auto, utf8 or gbk', 'auto')
    .requiredOption('--out-groups <file>', 'groups.csv: group,n,estimate,se,ci_low,ci_high,category,…')
    .option('--out-students <file>', 'students.csv: id,group,value[,predicted]')
    .option('--out-model <file>', 'model.json: coefficients, variance components, N, input hash, engine version')
    .action((options: ValueAddedCommandOptions) => {
      const summary = runValueAdded(options);
      // For tools/bench/bench-va.ts on machines without /usr/bin/time: peak RSS in kilobytes.
      if (process.env.WUYU_REPORT_RSS === '1') process.stderr.write(`maxRSS ${process.resourceUsage().maxRSS}\n`);
      process.stderr.write(
        `va ${summary.model}: ${summary.observations} students in ${summary.groups} groups used, ${summary.input.rowsExcluded.total} rows excluded\n`,
      );
    });
}

/**
 * With WUYU_TIMING=1 each phase's wall and CPU milliseconds go to stderr (used to tune the
 * 1M-row benchmark on a shared machine, where CPU time is steadier than wall time).
 */
function phaseTimer(): (phase: string) => void {
  if (process.env.WUYU_TIMING !== '1') return () => undefined;
  let wall = process.hrtime.bigint();
  let cpu = process.cpuUsage();
  return (phase) => {
    const nowWall = process.hrtime.bigint();
    const nowCpu = process.cpuUsage(cpu);
    process.stderr.write(`timing ${phase}: wall ${(Number(nowWall - wall) / 1e6).toFixed(0)} ms, cpu ${((nowCpu.user + nowCpu.system) / 1e3).toFixed(0)} ms\n`);
    wall = nowWall;
    cpu = process.cpuUsage();
  };
}

/** Runs the whole command: read, exclude, fit, write. Returns the model.json object. */
export function runValueAdded(options: ValueAddedCommandOptions): ReturnType<typeof modelDocument> {
  const lap = phaseTimer();
  const model = parseModel(options.model);
  const minGroupSize = parsePositiveInteger(options.minGroup ?? String(DEFAULT_MIN_GROUP_SIZE), '--min-group');
  const estimation = parseEstimation(options.estimation ?? 'REML');
  const encoding = parseEncoding(options.encoding ?? 'auto');
  const priors = parseColumnList(options.prior, '--prior');
  const covariates = options.covariates === undefined ? [] : parseColumnList(options.covariates, '--covariates');
  const numericColumns = [options.outcome, ...priors, ...covariates];
  const allColumns = [options.id, options.group, ...numericColumns];
  const duplicate = allColumns.find((name, index) => allColumns.indexOf(name) !== index);
  if (duplicate !== undefined) throw new CliError('BAD_COLUMNS', `column '${duplicate}' is named twice; each role needs its own column`);

  let raw: Buffer;
  try {
    raw = readFileSync(options.input);
  } catch (error) {
    throw new CliError('INPUT_NOT_READABLE', `cannot read ${options.input}: ${(error as Error).message}`);
  }
  lap('read file');
  const inputHash = createHash('sha256').update(raw).digest('hex');
  lap('sha256');
  let table: NumericCsvTable;
  try {
    table = readNumericCsv(raw, { numeric: numericColumns, text: [options.id, options.group], encoding });
  } catch (error) {
    if (error instanceof CsvFormatError || error instanceof InputEncodingError) throw new CliError('BAD_INPUT', error.message);
    throw error;
  }

  lap('parse csv');
  const { include, excluded } = excludeIncompleteRows(table, options, priors, covariates);
  const used = table.rowCount - excluded.total;
  if (used === 0) throw new CliError('NO_COMPLETE_ROWS', `no row of ${options.input} has all of ${allColumns.join(', ')}`);
  const groupFactor = factorize(table.text[options.group], include);
  const usedRows = new Uint32Array(used);
  for (let row = 0, next = 0; row < table.rowCount; row += 1) if (include[row] === 1) usedRows[next++] = row;
  const compact = (column: Float64Array): Float64Array =>
    used === table.rowCount ? column : Float64Array.from(usedRows, (row) => column[row]);
  const groupIndex = used === table.rowCount ? groupFactor.codes : Int32Array.from(usedRows, (row) => groupFactor.codes[row]);
  lap('exclude + group codes');

  const result = estimateValueAdded(model, {
    outcome: compact(table.numeric[options.outcome]),
    priors: priors.map((name) => compact(table.numeric[name])),
    covariates: covariates.map((name) => compact(table.numeric[name])),
    priorNames: priors,
    covariateNames: covariates,
    groupIndex,
    groupCount: groupFactor.labels.length,
    minGroupSize,
    estimation,
  });

  lap(`fit ${model}`);
  writeGroups(options.outGroups, result, groupFactor.labels);
  if (options.outStudents !== undefined) {
    writeStudents(options.outStudents, result, table, options, usedRows, groupIndex, groupFactor.labels);
  }
  const document = modelDocument(result, {
    inputFile: basename(options.input),
    inputHash,
    encoding: table.encoding,
    rowsRead: table.rowCount,
    excluded,
    columns: { id: options.id, group: options.group, outcome: options.outcome, priors, covariates },
    estimation,
  });
  if (options.outModel !== undefined) writeFileSync(options.outModel, `${JSON.stringify(document, null, 2)}\n`);
  lap('write outputs');
  return document;
}

function excludeIncompleteRows(
  table: NumericCsvTable,
  options: ValueAddedCommandOptions,
  priors: readonly string[],
  covariates: readonly string[],
): { include: Uint8Array; excluded: ExcludedRows } {
  const include = new Uint8Array(table.rowCount);
  const idColumn = table.text[options.id];
  const groupColumn = table.text[options.group];
  const outcome = table.numeric[options.outcome];
  const priorColumns = priors.map((name) => table.numeric[name]);
  const covariateColumns = covariates.map((name) => table.numeric[name]);
  let missingId = 0;
  let missingGroup = 0;
  let missingOutcome = 0;
  let missingPrior = 0;
  let missingCovariate = 0;
  // Column by column (sequential access): mark each row with its first missing field.
  const FIRST_MISSING_ID = 1;
  const FIRST_MISSING_GROUP = 2;
  const FIRST_MISSING_OUTCOME = 3;
  const FIRST_MISSING_PRIOR = 4;
  const FIRST_MISSING_COVARIATE = 5;
  const reason = new Uint8Array(table.rowCount);
  const markNaN = (column: Float64Array, code: number) => {
    for (let row = 0; row < column.length; row += 1) if (column[row] !== column[row] && reason[row] === 0) reason[row] = code;
  };
  for (let row = 0; row < table.rowCount; row += 1) {
    if (idColumn.starts[row] === idColumn.ends[row] || idColumn.isBlank(row)) reason[row] = FIRST_MISSING_ID;
    else if (groupColumn.starts[row] === groupColumn.ends[row] || groupColumn.isBlank(row)) reason[row] = FIRST_MISSING_GROUP;
  }
  markNaN(outcome, FIRST_MISSING_OUTCOME);
  for (const column of priorColumns) markNaN(column, FIRST_MISSING_PRIOR);
  for (const column of covariateColumns) markNaN(column, FIRST_MISSING_COVARIATE);
  for (let row = 0; row < table.rowCount; row += 1) {
    switch (reason[row]) {
      case 0:
        include[row] = 1;
        break;
      case FIRST_MISSING_ID:
        missingId += 1;
        break;
      case FIRST_MISSING_GROUP:
        missingGroup += 1;
        break;
      case FIRST_MISSING_OUTCOME:
        missingOutcome += 1;
        break;
      case FIRST_MISSING_PRIOR:
        missingPrior += 1;
        break;
      default:
        missingCovariate += 1;
    }
  }
  const total = missingId + missingGroup + missingOutcome + missingPrior + missingCovariate;
  return { include, excluded: { total, missingId, missingGroup, missingOutcome, missingPrior, missingCovariate } };
}

function sortedGroupOrder(labels: readonly string[]): number[] {
  // Code-unit order (not locale): identical on every machine.
  return labels.map((_, index) => index).sort((a, b) => (labels[a] < labels[b] ? -1 : labels[a] > labels[b] ? 1 : 0));
}

function writeGroups(path: string, result: ValueAddedResult, labels: readonly string[]): void {
  const { groups } = result;
  const extra: { name: string; values: Float64Array }[] = [];
  if (groups.reliability !== undefined) extra.push({ name: 'reliability', values: groups.reliability });
  if (groups.meanResidual !== undefined && result.model === 'multilevel') extra.push({ name: 'mean_residual', values: groups.meanResidual });
  const writer = new CsvFileWriter(path, ['group', 'n', 'estimate', 'se', 'ci_low', 'ci_high', 'category', ...extra.map((column) => column.name)]);
  for (const group of sortedGroupOrder(labels)) {
    writer.writeRow([
      csvText(labels[group]),
      String(groups.size[group]),
      csvNumber(groups.estimate[group]),
      csvNumber(groups.standardError[group]),
      csvNumber(groups.ciLow[group]),
      csvNumber(groups.ciHigh[group]),
      groups.category[group],
      ...extra.map((column) => csvNumber(column.values[group])),
    ]);
  }
  writer.close();
}

function writeStudents(
  path: string,
  result: ValueAddedResult,
  table: NumericCsvTable,
  options: ValueAddedCommandOptions,
  usedRows: Uint32Array,
  groupIndex: Int32Array,
  labels: readonly string[],
): void {
  const predicted = result.predicted;
  const writer = new ByteCsvWriter(path, predicted === undefined ? ['id', 'group', 'value'] : ['id', 'group', 'value', 'predicted']);
  const idColumn = table.text[options.id];
  const labelBytes = labels.map((label) => Buffer.from(csvText(label), 'utf8'));
  const values = result.studentValues;
  for (let index = 0; index < usedRows.length; index += 1) {
    const row = usedRows[index];
    if (idColumn.needsQuoting(row)) writer.text(csvText(idColumn.value(row)));
    else writer.bytes(idColumn.bytes, idColumn.starts[row], idColumn.ends[row]);
    writer.comma();
    const label = labelBytes[groupIndex[index]];
    writer.bytes(label, 0, label.length);
    writer.comma();
    writer.fixed(values[index], STUDENT_FILE_DECIMALS);
    if (predicted !== undefined) {
      writer.comma();
      writer.fixed(predicted[index], STUDENT_FILE_DECIMALS);
    }
    writer.newline();
  }
  writer.close();
}

interface DocumentContext {
  readonly inputFile: string;
  readonly inputHash: string;
  readonly encoding: string;
  readonly rowsRead: number;
  readonly excluded: ExcludedRows;
  readonly columns: Readonly<Record<string, string | readonly string[]>>;
  readonly estimation: VarianceEstimation;
}

function modelDocument(result: ValueAddedResult, context: DocumentContext) {
  const categories = { above: 0, below: 0, not_significant: 0, insufficient: 0 };
  for (const category of result.groups.category) categories[category] += 1;
  const observations = result.studentValues.length;
  const base = {
    engineVersion: ENGINE_VERSION,
    model: result.model,
    input: {
      file: context.inputFile,
      sha256: context.inputHash,
      encoding: context.encoding,
      rowsRead: context.rowsRead,
      rowsUsed: observations,
      rowsExcluded: context.excluded,
    },
    columns: context.columns,
    parameters: { minGroupSize: result.minGroupSize, confidenceMultiplier: CONFIDENCE_MULTIPLIER, studentFileDecimals: STUDENT_FILE_DECIMALS },
    observations,
    groups: result.groups.size.length,
    categories,
  };
  const terms = (names: readonly string[], estimates: Float64Array, errors: Float64Array) =>
    names.map((term, index) => ({ term, estimate: estimates[index], standardError: errors[index] }));
  if (result.leastSquares !== undefined) {
    const fit = result.leastSquares;
    const residualVariance = fit.residualStandardDeviation ** 2;
    return {
      ...base,
      ...{ estimation: 'OLS' as const },
      coefficients: terms(fit.terms, fit.coefficients, fit.standardErrors),
      varianceComponents: { residualVariance, groupVariance: null, intraclassCorrelation: null },
      residualStandardDeviation: fit.residualStandardDeviation,
      residualDegreesOfFreedom: fit.residualDegreesOfFreedom,
      rSquared: fit.rSquared,
    };
  }
  if (result.randomIntercept !== undefined) {
    const fit = result.randomIntercept;
    return {
      ...base,
      estimation: fit.estimation,
      coefficients: terms(fit.terms, fit.coefficients, fit.standardErrors),
      varianceComponents: {
        residualVariance: fit.residualVariance,
        groupVariance: fit.groupVariance,
        intraclassCorrelation: fit.intraclassCorrelation,
      },
      [fit.estimation === 'REML' ? 'remlCriterion' : 'minus2LogLikelihood']: fit.criterion,
      boundaryFit: fit.boundary,
      criterionEvaluations: fit.evaluations,
    };
  }
  return { ...base, cohortStandardDeviation: result.cohortStandardDeviation };
}

function parseModel(value: string): ValueAddedModelName {
  if (!(VALUE_ADDED_MODELS as readonly string[]).includes(value)) {
    throw new CliError('BAD_MODEL', `--model must be one of ${VALUE_ADDED_MODELS.join(', ')}, got '${value}'`);
  }
  return value as ValueAddedModelName;
}

function parseEstimation(value: string): VarianceEstimation {
  const upper = value.toUpperCase();
  if (upper !== 'REML' && upper !== 'ML') throw new CliError('BAD_ESTIMATION', `--estimation must be REML or ML, got '${value}'`);
  return upper;
}

function parseEncoding(value: string): EncodingChoice {
  const lower = value.toLowerCase().replace('-', '');
  if (lower === 'auto' || lower === 'utf8' || lower === 'gbk') return lower;
  throw new CliError('BAD_ENCODING', `--encoding must be auto, utf8 or gbk, got '${value}'`);
}

function parsePositiveInteger(value: string, flag: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1) throw new CliError('BAD_NUMBER', `${flag} must be a positive integer, got '${value}'`);
  return Number(value);
}

function parseColumnList(value: string, flag: string): string[] {
  const names = value.split(',').map((name) => name.trim());
  if (names.some((name) => name === '')) throw new CliError('BAD_COLUMNS', `${flag} has an empty column name: '${value}'`);
  return names;
}
