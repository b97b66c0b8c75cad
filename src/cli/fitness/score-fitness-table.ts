/**
 * The in-memory core of `wuyu fitness score`: CSV records in, scored records and a problem report
 * out. No file access here, so the benchmark and the tests run it directly.
 *
 * Rules (docs/fitness.md):
 * - row numbers are Excel's: the header is row 1, the first data row is row 2;
 * - a row with an unreadable or implausible cell in a recognised column, an unknown grade or sex,
 *   or an exemption without a reason is a bad row: it is reported (row, column, value, why),
 *   kept in the output with the computed columns empty, and the other rows are scored;
 * - a row missing a required result gets no total; `missing` names the inputs;
 * - results in columns the row's grade and sex do not use are not scored;
 * - file-level problems (no header, no grade_code or sex column, two columns for one input, an
 *   input column named like an output column) throw CliError.
 */
import {
  FITNESS_ITEM_CODES,
  FITNESS_ITEM_COUNT,
  allocateFitnessBatchOutput,
  fitnessLevelFromTenths,
  fitnessMissingInputs,
  fitnessProfileIndex,
  fitnessStandard2014,
  fitnessValueProblem,
  scoreFitnessBatch,
  type FitnessItemCode,
} from '../../scoring-core';
import { CliError } from '../cli-error';
import { FITNESS_OUTPUT_COLUMNS, TIMED_ITEMS, matchFitnessColumn, type FitnessInputColumn } from './fitness-columns';
import { isEmptyCell, parseDecimal, parseExemptionKind, parseGradeCode, parseRunSeconds, parseSex, type Parsed } from './fitness-cells';

export interface FitnessTableProblem {
  /** Excel row number (header = 1). */
  readonly row: number;
  /** The column as the user named it, when one cell is at fault. */
  readonly column: string | null;
  readonly value: string | null;
  readonly message: string;
}

export interface FitnessTableResult {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
  readonly problems: readonly FitnessTableProblem[];
  /** File-level notes that do not stop scoring (e.g. an item column that is absent). */
  readonly warnings: readonly string[];
  readonly counts: { readonly dataRows: number; readonly scored: number; readonly incomplete: number; readonly exempt: number; readonly bad: number; readonly blank: number };
}

const ROW_BLANK = 0;
const ROW_OK = 1;
const ROW_BAD = 2;
const ROW_EXEMPT = 3;

/**
 * Scores CSV records (records[0] = header). Throws CliError('BAD_HEADER') for file-level
 * problems. Cost: O(cells) parsing plus O(rows × items × log 20) scoring.
 */
export function scoreFitnessTable(records: readonly (readonly string[])[]): FitnessTableResult {
  if (records.length === 0 || records[0].every((cell) => cell.trim() === '')) {
    throw new CliError('BAD_HEADER', 'the file is empty: row 1 must be the header (student_id, grade_code, sex, height_cm, weight_kg, item codes or their Chinese names)');
  }
  const header = records[0].map((cell, index) => (index === 0 ? cell.replace(/^\uFEFF/, '') : cell));
  const width = header.length;
  const columnOf = new Map<FitnessInputColumn, number>();
  header.forEach((name, index) => {
    const column = matchFitnessColumn(name);
    if (column === null) return;
    const previous = columnOf.get(column);
    if (previous !== undefined) {
      throw new CliError('BAD_HEADER', `columns ${previous + 1} (${JSON.stringify(header[previous])}) and ${index + 1} (${JSON.stringify(name)}) both mean ${column}: keep one`);
    }
    columnOf.set(column, index);
  });
  for (const required of ['grade_code', 'sex'] as const) {
    if (!columnOf.has(required)) {
      throw new CliError('BAD_HEADER', `no ${required} column in row 1 (${required === 'grade_code' ? 'grade codes P1–P6, J1–J3, S1–S3, U12, U34' : 'M/F, 男/女 or 1/2'}); found: ${header.join(', ')}`);
    }
  }
  const clash = header.find((name) => FITNESS_OUTPUT_COLUMNS.includes(name.trim()));
  if (clash !== undefined) {
    throw new CliError('BAD_HEADER', `the input already has a column named ${JSON.stringify(clash)}, which the output adds: rename or remove it`);
  }
  const warnings: string[] = [];
  if (!columnOf.has('student_id')) warnings.push('no student_id column: rows can only be told apart by their row number');

  const count = records.length - 1;
  const profile = new Uint8Array(count);
  const heightCm = new Float64Array(count).fill(Number.NaN);
  const weightKg = new Float64Array(count).fill(Number.NaN);
  const items = new Float64Array(count * FITNESS_ITEM_COUNT).fill(Number.NaN);
  const rowState = new Uint8Array(count);
  const problems: FitnessTableProblem[] = [];
  const standard = fitnessStandard2014();

  const gradeIndex = columnOf.get('grade_code')!;
  const sexIndex = columnOf.get('sex')!;
  const heightIndex = columnOf.get('height_cm') ?? -1;
  const weightIndex = columnOf.get('weight_kg') ?? -1;
  const exemptionIndex = columnOf.get('exemption') ?? -1;
  const reasonIndex = columnOf.get('exemption_reason') ?? -1;
  const itemColumns: { item: number; code: FitnessItemCode; index: number; timed: boolean }[] = [];
  FITNESS_ITEM_CODES.forEach((code, item) => {
    const index = columnOf.get(code);
    if (index !== undefined) itemColumns.push({ item, code, index, timed: TIMED_ITEMS.has(code) });
  });

  for (let r = 0; r < count; r += 1) {
    const cells = records[r + 1];
    const rowNumber = r + 2;
    if (cells.length === 1 && cells[0].trim() === '') {
      rowState[r] = ROW_BLANK;
      continue;
    }
    const rowProblems: FitnessTableProblem[] = [];
    const fail = (index: number | null, message: string): void => {
      rowProblems.push({ row: rowNumber, column: index === null ? null : header[index], value: index === null ? null : (cells[index] ?? ''), message });
    };
    if (cells.length > width && cells.slice(width).some((cell) => cell.trim() !== '')) {
      fail(null, `row has ${cells.length} cells but the header has ${width}: check for an unquoted comma`);
    }
    const grade = parseGradeCode(cells[gradeIndex] ?? '');
    const sex = parseSex(cells[sexIndex] ?? '');
    if (!grade.ok) fail(gradeIndex, grade.message);
    if (!sex.ok) fail(sexIndex, sex.message);
    const p = grade.ok && sex.ok ? fitnessProfileIndex(grade.value, sex.value) : -1;
    profile[r] = p < 0 ? 0 : p;

    if (exemptionIndex >= 0 && !isEmptyCell(cells[exemptionIndex] ?? '')) {
      const kind = parseExemptionKind(cells[exemptionIndex]);
      const reason = reasonIndex >= 0 ? (cells[reasonIndex] ?? '').trim() : '';
      if (!kind.ok) fail(exemptionIndex, kind.message);
      else if (reason === '') fail(exemptionIndex, `an exemption (${kind.value === 'exempt' ? '免予执行' : '暂缓'}) needs its reason in an exemption_reason (免测原因) column`);
      if (rowProblems.length === 0) {
        rowState[r] = ROW_EXEMPT;
        continue;
      }
    }

    const readMeasure = (index: number, input: 'height_cm' | 'weight_kg' | FitnessItemCode, timed: boolean): number => {
      const text = cells[index] ?? '';
      if (isEmptyCell(text)) return Number.NaN;
      const parsed: Parsed<number> = timed ? parseRunSeconds(text) : parseDecimal(text);
      if (!parsed.ok) {
        fail(index, `${input}: ${parsed.message}`);
        return Number.NaN;
      }
      const problem = fitnessValueProblem(input, parsed.value);
      if (problem !== null) {
        fail(index, problem);
        return Number.NaN;
      }
      return parsed.value;
    };
    if (heightIndex >= 0) heightCm[r] = readMeasure(heightIndex, 'height_cm', false);
    if (weightIndex >= 0) weightKg[r] = readMeasure(weightIndex, 'weight_kg', false);
    const base = r * FITNESS_ITEM_COUNT;
    const required = p < 0 ? 0xffff : standard.requiredItemMask[p];
    for (const column of itemColumns) {
      // Cells of items the grade/sex is not scored on are not read: they cannot spoil the row.
      if (((required >> column.item) & 1) === 0) continue;
      items[base + column.item] = readMeasure(column.index, column.code, column.timed);
    }
    if (rowProblems.length > 0) {
      rowState[r] = ROW_BAD;
      for (const problem of rowProblems) problems.push(problem);
    } else {
      rowState[r] = ROW_OK;
    }
  }

  // An absent column is worth a warning only when some row needs it (e.g. no run_800m column in
  // a file of boys is normal).
  const needing = new Map<string, number>();
  for (let r = 0; r < count; r += 1) {
    if (rowState[r] !== ROW_OK) continue;
    const required = standard.requiredItemMask[profile[r]];
    if (heightIndex < 0) needing.set('height_cm', (needing.get('height_cm') ?? 0) + 1);
    if (weightIndex < 0) needing.set('weight_kg', (needing.get('weight_kg') ?? 0) + 1);
    FITNESS_ITEM_CODES.forEach((code, item) => {
      if (((required >> item) & 1) === 1 && !columnOf.has(code)) needing.set(code, (needing.get(code) ?? 0) + 1);
    });
  }
  for (const [column, rowsNeeding] of needing) {
    warnings.push(`no ${column} column: ${rowsNeeding} test${rowsNeeding === 1 ? '' : 's'} require it and get no total (missing = ${column})`);
  }

  const out = scoreFitnessBatch({ count, profile, heightCm, weightKg, items }, standard, allocateFitnessBatchOutput(count));

  const outputHeader = [...header, ...FITNESS_OUTPUT_COLUMNS];
  const blankComputed = FITNESS_OUTPUT_COLUMNS.map(() => '');
  const rows: string[][] = new Array<string[]>(count);
  let scored = 0;
  let incomplete = 0;
  let exempt = 0;
  let bad = 0;
  let blank = 0;
  for (let r = 0; r < count; r += 1) {
    const cells = records[r + 1];
    const input = cells.length === width ? (cells as string[]) : padTo(cells, width);
    const state = rowState[r];
    if (state === ROW_BLANK) blank += 1;
    else if (state === ROW_BAD) bad += 1;
    else if (state === ROW_EXEMPT) exempt += 1;
    if (state !== ROW_OK) {
      rows[r] = state === ROW_BLANK ? [...padTo([], width), ...blankComputed] : [...input, ...blankComputed];
      continue;
    }
    const computed: string[] = [];
    const bmi = out.bmiTenths[r];
    computed.push(bmi >= 0 ? tenthsText(bmi) : '', out.bmiScore[r] >= 0 ? String(out.bmiScore[r]) : '');
    const base = r * FITNESS_ITEM_COUNT;
    for (let item = 0; item < FITNESS_ITEM_COUNT; item += 1) {
      const score = out.itemScores[base + item];
      computed.push(score >= 0 ? String(score) : '');
    }
    const total = out.totalTenths[r];
    if (total >= 0) {
      scored += 1;
      computed.push(hundredthsText(out.standardHundredths[r]), String(out.bonus[r]), tenthsText(total), fitnessLevelFromTenths(total), '');
    } else {
      incomplete += 1;
      computed.push('', '', '', '', fitnessMissingInputs(out.missingMask[r]).join(';'));
    }
    rows[r] = [...input, ...computed];
  }
  return { header: outputHeader, rows, problems, warnings, counts: { dataRows: count - blank, scored, incomplete, exempt, bad, blank } };
}

function padTo(cells: readonly string[], width: number): string[] {
  const padded = cells.slice(0, width);
  while (padded.length < width) padded.push('');
  return padded;
}

/** 195 → "19.5"; 940 → "94.0". */
function tenthsText(tenths: number): string {
  return `${Math.floor(tenths / 10)}.${tenths % 10}`;
}

/** Exact standard score: 8810 → "88.1", 7955 → "79.55", 8800 → "88". */
function hundredthsText(hundredths: number): string {
  const whole = Math.floor(hundredths / 100);
  const fraction = hundredths % 100;
  if (fraction === 0) return String(whole);
  if (fraction % 10 === 0) return `${whole}.${fraction / 10}`;
  return `${whole}.${fraction < 10 ? '0' : ''}${fraction}`;
}
