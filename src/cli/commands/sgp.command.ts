/**
 * `wuyu sgp`: student growth percentiles from a wide CSV (issue 11, point 3; docs/growth.md).
 *
 *   npm run wuyu -- sgp --input wide.csv --id student_id --current score_now \
 *     --prior score_last[,score_before…]  (most recent first) [--group school_id] \
 *     --out-students sgp.csv [--out-groups groups.csv] [--out-coefficients m.json] \
 *     [--use-coefficients m.json] [--percentile-cuts 35,65] [--max-order 3] [--min-group 1] [--threads 2]
 *
 * Rows without a current or most recent prior score get no SGP and are counted (stderr summary
 * and the coefficients file). sgp.csv keeps input order: id,sgp,order, then the SGP of every
 * order, then requested percentile cuts. groups.csv is sorted by group. The 100 fits of each
 * order run as two τ chains on worker threads; the numbers do not depend on the thread count.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import {
  checkGrowthCoefficientSet,
  growthGoodnessOfFit,
  growthPercentileCuts,
  growthPercentilePredictions,
  planGrowthFit,
  rowsWithPriors,
  shrinkGroupMedians,
  studentGrowthPercentiles,
  summariseGrowthGroups,
  type GrowthCoefficientSet,
  type GrowthGoodnessOfFit,
} from '../../scoring-core';
import { CliError } from '../cli-error';
import { defaultGrowthThreads, fitGrowthInWorkers } from '../sgp/fit-growth-in-workers';
import { readWideGrowthCsv } from '../sgp/wide-growth-csv';

export interface SgpCommandOptions {
  readonly input: string;
  readonly id: string;
  readonly current: string;
  readonly prior: string;
  readonly group?: string;
  readonly outStudents: string;
  readonly outGroups?: string;
  readonly outCoefficients?: string;
  readonly useCoefficients?: string;
  readonly percentileCuts?: string;
  readonly maxOrder?: string;
  readonly minGroup?: string;
  readonly threads?: string;
}

function positiveInteger(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new CliError('BAD_OPTION', `--${name} must be a positive integer, got "${text}"`);
  return value;
}

function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function numberOrEmpty(value: number | null): string {
  return value === null || !Number.isFinite(value) ? '' : String(value);
}

export async function runSgpCommand(options: SgpCommandOptions): Promise<void> {
  const priors = options.prior
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (priors.length === 0) throw new CliError('BAD_OPTION', '--prior needs at least one column (most recent first)');
  if (options.outGroups !== undefined && options.group === undefined) throw new CliError('BAD_OPTION', '--out-groups needs --group');
  const cuts = (options.percentileCuts ?? '')
    .split(',')
    .filter((text) => text.trim() !== '')
    .map((text) => {
      const cut = Number(text);
      if (!Number.isInteger(cut) || cut < 1 || cut > 99) throw new CliError('BAD_OPTION', `--percentile-cuts takes integers 1..99, got "${text}"`);
      return cut;
    });
  const maxOrder = positiveInteger(options.maxOrder, 'max-order', priors.length);
  const minimumGroup = positiveInteger(options.minGroup, 'min-group', 1);
  const threads = positiveInteger(options.threads, 'threads', defaultGrowthThreads());

  const inputBytes = readFileSync(options.input);
  const table = readWideGrowthCsv(options.input, { id: options.id, current: options.current, priors, group: options.group });
  const scores = { current: table.current, priors: table.priors };

  let set: GrowthCoefficientSet;
  if (options.useCoefficients !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(options.useCoefficients, 'utf8'));
    } catch (error) {
      throw new CliError('BAD_COEFFICIENTS', `cannot read coefficients ${options.useCoefficients}: ${(error as Error).message}`);
    }
    set = checkGrowthCoefficientSet(parsed);
    if (set.priorScales.length > priors.length) {
      // Use only the orders the given priors support.
      set = { ...set, priorScales: set.priorScales.slice(0, priors.length), matrices: set.matrices.slice(0, priors.length) };
    }
  } else {
    const plan = planGrowthFit(scores, { maxOrder, labels: { current: options.current, priors: priors.slice(0, maxOrder) } });
    set = await fitGrowthInWorkers(plan, threads);
  }

  const result = studentGrowthPercentiles(scores, set);
  const orders = set.matrices.length;

  // Percentile cuts: predictions of the student's highest order (sorted, rounded), clipped to LOSS/HOSS.
  const cutValues = cuts.map(() => new Float64Array(table.rowCount).fill(Number.NaN));
  if (cuts.length > 0) {
    for (let order = 1; order <= orders; order += 1) {
      const rows = rowsWithPriors(scores, order, false).filter((row) => order === orders || Number.isNaN(table.priors[order]?.[row] ?? Number.NaN));
      if (rows.length === 0) continue;
      const predictions = growthPercentilePredictions(set, scores.priors, rows, order);
      const values = growthPercentileCuts(predictions, set.taus.length, cuts, set.currentScale.lossHoss);
      rows.forEach((row, index) => cuts.forEach((_, c) => (cutValues[c][row] = values[index * cuts.length + c])));
    }
  }

  const header = ['id', 'sgp', 'order', ...set.matrices.map((m) => `sgp_order_${m.order}`), ...cuts.map((cut) => `cut_${cut}`)];
  const lines = [header.join(',')];
  for (let row = 0; row < table.rowCount; row += 1) {
    const fields = [csvField(table.ids[row]), result.sgp[row] === 0 ? '' : String(result.sgp[row]), result.order[row] === 0 ? '' : String(result.order[row])];
    for (const byOrder of result.sgpByOrder) fields.push(byOrder[row] === 0 ? '' : String(byOrder[row]));
    for (const values of cutValues) fields.push(Number.isNaN(values[row]) ? '' : String(values[row]));
    lines.push(fields.join(','));
  }
  writeFileSync(options.outStudents, `${lines.join('\n')}\n`);

  if (options.outGroups !== undefined && table.groups !== null) {
    const summaries = shrinkGroupMedians(summariseGrowthGroups(table.groups, result.sgp, { minimumN: minimumGroup }));
    const groupLines = ['group,n,median_sgp,mean_sgp,median_sgp_se,mean_sgp_se,shrunk_median_sgp,suppressed'];
    for (const s of summaries) {
      groupLines.push(
        [
          csvField(s.group),
          String(s.n),
          numberOrEmpty(s.medianSgp),
          numberOrEmpty(s.meanSgp),
          numberOrEmpty(s.medianSgpStandardError),
          numberOrEmpty(s.meanSgpStandardError),
          numberOrEmpty(s.shrunkMedianSgp),
          s.suppressed ? 'true' : 'false',
        ].join(','),
      );
    }
    writeFileSync(options.outGroups, `${groupLines.join('\n')}\n`);
  }

  // Goodness of fit per order (prior-1 decile × SGP decile), on the students of that order.
  const goodnessOfFit: { order: number; n: number; table: GrowthGoodnessOfFit | null }[] = result.sgpByOrder.map((byOrder, index) => {
    const n = byOrder.reduce((count, value) => count + (value > 0 ? 1 : 0), 0);
    return { order: index + 1, n, table: n >= 10 ? growthGoodnessOfFit(table.priors[0], byOrder) : null };
  });
  const scored = result.sgp.reduce((count, value) => count + (value > 0 ? 1 : 0), 0);
  const summary = {
    input: { file: basename(options.input), sha256: createHash('sha256').update(inputBytes).digest('hex'), rows: table.rowCount },
    scored,
    missingCurrent: result.missingCurrent,
    missingMostRecentPrior: result.missingPrior,
    coefficients: options.useCoefficients === undefined ? 'fitted' : basename(options.useCoefficients),
    orders: set.matrices.map((m) => ({ order: m.order, fittedOn: m.n })),
  };
  if (options.outCoefficients !== undefined) {
    writeFileSync(options.outCoefficients, `${JSON.stringify({ ...set, provenance: summary, goodnessOfFit })}\n`);
  }
  const fit = goodnessOfFit.map((g) => `order ${g.order}: ${g.n} SGPs${g.table === null ? '' : `, goodness of fit max |cell − 10%| = ${g.table.maxDeviation.toFixed(1)} points`}`);
  process.stderr.write(
    `sgp: ${table.rowCount} rows, ${scored} with an SGP, ${result.missingCurrent} without a current score, ` +
      `${result.missingPrior} without a most recent prior score\n  ${fit.join('\n  ')}\n` +
      `  peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB\n`,
  );
}

export function register(program: Command): void {
  program
    .command('sgp')
    .description('student growth percentiles (SGP package recipe) from a wide CSV, one row per student')
    .requiredOption('--input <file>', 'wide CSV (UTF-8), one row per student')
    .requiredOption('--id <column>', 'student id column')
    .requiredOption('--current <column>', 'current score column')
    .requiredOption('--prior <columns>', 'prior score columns, most recent first, comma-separated')
    .option('--group <column>', 'grouping column (school or class) for --out-groups')
    .requiredOption('--out-students <file>', 'per-student output: id,sgp,order,sgp_order_k…,cut_p…')
    .option('--out-groups <file>', 'per-group median/mean SGP with standard errors and EB-shrunk median')
    .option('--out-coefficients <file>', 'write the coefficient matrices (knots, boundaries, LOSS/HOSS, N, version) as JSON')
    .option('--use-coefficients <file>', 'apply stored coefficient matrices instead of fitting (baseline-referenced growth)')
    .option('--percentile-cuts <list>', 'scores needed for these growth percentiles, e.g. 35,65')
    .option('--max-order <n>', 'highest number of priors to use (default: all given)')
    .option('--min-group <n>', 'groups with fewer SGPs are suppressed in --out-groups', '1')
    .option('--threads <n>', 'worker threads for the fits (default: cores, at most 4)')
    .action(async (options: SgpCommandOptions) => {
      await runSgpCommand(options);
    });
}
