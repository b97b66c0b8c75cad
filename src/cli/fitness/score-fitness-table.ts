/**
 * The in-memory core of `wuyu fitness score`: CSV text in, scored CSV lines and a problem report
 * out. No file access here, so the benchmark and the tests run it directly. Each input record's
 * text is passed through verbatim and the score columns are appended to it, so a million-row
 * file never becomes sixteen million cell strings at once (see docs/adr/0201).
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
  fitnessPlausibleRange,
  fitnessValueProblem,
  scoreFitnessBatch,
  type FitnessItemCode,
  type FitnessRequiredInput,
} from '../../scoring-core';
import { CliError } from '../cli-error';
import { formatCsvRecord, readCsvRecord } from './csv-text';
import { FITNESS_OUTPUT_COLUMNS, TIMED_ITEMS, matchFitnessColumn, type FitnessInputColumn } from './fitness-columns';
import { isEmptyCell, parseDecimal, parseExemptionKind, parseGradeCode, parseRunSeconds, parseSex } from './fitness-cells';

// Local copies: the core's door re-exports through getters, too slow for per-cell loops.
const ITEM_COUNT = FITNESS_ITEM_COUNT;
const ITEM_CODES = FITNESS_ITEM_CODES;

export interface FitnessTableProblem {
  /** Excel row number (header = 1). */
  readonly row: number;
  /** The column as the user named it, when one cell is at fault. */
  readonly column: string | null;
  readonly value: string | null;
  readonly message: string;
}

export interface FitnessTableResult {
  /** Output header: the input header cells, then FITNESS_OUTPUT_COLUMNS. */
  readonly header: readonly string[];
  /** Output CSV lines without line breaks: the header line, then one line per input record. */
  readonly lines: readonly string[];
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
 * Scores CSV text (row 1 = header). Throws CliError('BAD_HEADER') for file-level problems and
 * CliError('BAD_CSV') for an unterminated quote. Cost: O(characters) parsing plus
 * O(rows × items × log 20) scoring.
 */
export function scoreFitnessCsvText(text: string): FitnessTableResult {
  const read = (position: number, rowNumber: number) => {
    try {
      return readCsvRecord(text, position, rowNumber);
    } catch (error) {
      throw new CliError('BAD_CSV', (error as Error).message);
    }
  };
  const first = text.length === 0 ? { cells: [''], contentEnd: 0, next: 0 } : read(0, 1);
  if (first.cells.every((cell) => cell.trim() === '')) {
    throw new CliError('BAD_HEADER', 'the file is empty: row 1 must be the header (student_id, grade_code, sex, height_cm, weight_kg, item codes or their Chinese names)');
  }
  const header = first.cells.map((cell, index) => (index === 0 ? cell.replace(/^\uFEFF/, '') : cell));
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

  // Size the arrays by the number of line breaks, an upper bound on the records (quoted line
  // breaks only make it smaller), so the file is parsed in one pass.
  let capacity = 1;
  for (let at = text.indexOf('\n', first.next); at >= 0; at = text.indexOf('\n', at + 1)) capacity += 1;
  const starts = new Int32Array(capacity);
  const ends = new Int32Array(capacity);
  const cellCount = new Int32Array(capacity);
  const profile = new Uint8Array(capacity);
  const heightCm = new Float64Array(capacity).fill(Number.NaN);
  const weightKg = new Float64Array(capacity).fill(Number.NaN);
  const items = new Float64Array(capacity * ITEM_COUNT).fill(Number.NaN);
  const rowState = new Uint8Array(capacity);
  const problems: FitnessTableProblem[] = [];
  const standard = fitnessStandard2014();

  const gradeIndex = columnOf.get('grade_code')!;
  const sexIndex = columnOf.get('sex')!;
  const exemptionIndex = columnOf.get('exemption') ?? -1;
  const reasonIndex = columnOf.get('exemption_reason') ?? -1;
  const heightColumn = measureColumn(columnOf, 'height_cm', -1);
  const weightColumn = measureColumn(columnOf, 'weight_kg', -1);
  const itemColumns: MeasureColumn[] = [];
  ITEM_CODES.forEach((code, item) => {
    const column = measureColumn(columnOf, code, item);
    if (column !== null) itemColumns.push(column);
  });

  let count = 0;
  for (let position = first.next; position < text.length; count += 1) {
    const r = count;
    const rowNumber = r + 2;
    const record = read(position, rowNumber);
    const cells = record.cells;
    starts[r] = position;
    ends[r] = record.contentEnd;
    position = record.next;
    cellCount[r] = cells.length;
    if (cells.length === 1 && cells[0].trim() === '') {
      rowState[r] = ROW_BLANK;
      continue;
    }
    const problemsBefore = problems.length;
    if (cells.length > width && cells.slice(width).some((cell) => cell.trim() !== '')) {
      problems.push({ row: rowNumber, column: null, value: null, message: `row has ${cells.length} cells but the header has ${width}: check for an unquoted comma` });
    }
    const grade = parseGradeCode(cells[gradeIndex] ?? '');
    const sex = parseSex(cells[sexIndex] ?? '');
    if (!grade.ok) problems.push(cellProblem(rowNumber, header, cells, gradeIndex, grade.message));
    if (!sex.ok) problems.push(cellProblem(rowNumber, header, cells, sexIndex, sex.message));
    const p = grade.ok && sex.ok ? fitnessProfileIndex(grade.value, sex.value) : -1;
    profile[r] = p < 0 ? 0 : p;

    if (exemptionIndex >= 0 && !isEmptyCell(cells[exemptionIndex] ?? '')) {
      const kind = parseExemptionKind(cells[exemptionIndex]);
      const reason = reasonIndex >= 0 ? (cells[reasonIndex] ?? '').trim() : '';
      if (!kind.ok) problems.push(cellProblem(rowNumber, header, cells, exemptionIndex, kind.message));
      else if (reason === '') {
        problems.push(cellProblem(rowNumber, header, cells, exemptionIndex, `an exemption (${kind.value === 'exempt' ? '免予执行' : '暂缓'}) needs its reason in an exemption_reason (免测原因) column`));
      }
      if (problems.length === problemsBefore) {
        rowState[r] = ROW_EXEMPT;
        continue;
      }
    }

    if (heightColumn !== null) heightCm[r] = readMeasure(heightColumn, cells, rowNumber, header, problems);
    if (weightColumn !== null) weightKg[r] = readMeasure(weightColumn, cells, rowNumber, header, problems);
    const base = r * ITEM_COUNT;
    const required = p < 0 ? 0xffff : standard.requiredItemMask[p];
    for (let c = 0; c < itemColumns.length; c += 1) {
      const column = itemColumns[c];
      // Cells of items the grade/sex is not scored on are not read: they cannot spoil the row.
      if (((required >> column.item) & 1) === 0) continue;
      items[base + column.item] = readMeasure(column, cells, rowNumber, header, problems);
    }
    rowState[r] = problems.length === problemsBefore ? ROW_OK : ROW_BAD;
  }

  // An absent column is worth a warning only when some row needs it (e.g. no run_800m column in
  // a file of boys is normal).
  const needing = new Map<string, number>();
  const anyAbsent = heightColumn === null || weightColumn === null || itemColumns.length < ITEM_COUNT;
  for (let r = 0; anyAbsent && r < count; r += 1) {
    if (rowState[r] !== ROW_OK) continue;
    const required = standard.requiredItemMask[profile[r]];
    if (heightColumn === null) needing.set('height_cm', (needing.get('height_cm') ?? 0) + 1);
    if (weightColumn === null) needing.set('weight_kg', (needing.get('weight_kg') ?? 0) + 1);
    ITEM_CODES.forEach((code, item) => {
      if (((required >> item) & 1) === 1 && !columnOf.has(code)) needing.set(code, (needing.get(code) ?? 0) + 1);
    });
  }
  for (const [column, rowsNeeding] of needing) {
    warnings.push(`no ${column} column: ${rowsNeeding} test${rowsNeeding === 1 ? '' : 's'} require it and get no total (missing = ${column})`);
  }

  const out = scoreFitnessBatch({ count, profile, heightCm, weightKg, items }, standard, allocateFitnessBatchOutput(count));

  const outputHeader = [...header, ...FITNESS_OUTPUT_COLUMNS];
  const blankComputed = ','.repeat(FITNESS_OUTPUT_COLUMNS.length);
  const parts: string[] = new Array<string>(1 + FITNESS_OUTPUT_COLUMNS.length).fill('');
  const lines: string[] = new Array<string>(count + 1);
  lines[0] = formatCsvRecord(outputHeader);
  let scored = 0;
  let incomplete = 0;
  let exempt = 0;
  let bad = 0;
  let blank = 0;
  for (let r = 0; r < count; r += 1) {
    const state = rowState[r];
    if (state === ROW_BLANK) {
      blank += 1;
      lines[r + 1] = ','.repeat(width - 1 + FITNESS_OUTPUT_COLUMNS.length);
      continue;
    }
    const input = inputText(text, starts[r], ends[r], cellCount[r], width, read);
    if (state !== ROW_OK) {
      if (state === ROW_BAD) bad += 1;
      else exempt += 1;
      lines[r + 1] = [input, blankComputed].join('');
      continue;
    }
    // One array join per line gives a flat string (no rope of 17 concatenations per row).
    parts[0] = input;
    const bmi = out.bmiTenths[r];
    parts[1] = bmi >= 0 ? tenthsText(bmi) : '';
    parts[2] = bmi >= 0 ? String(out.bmiScore[r]) : '';
    const base = r * ITEM_COUNT;
    for (let item = 0; item < ITEM_COUNT; item += 1) {
      const score = out.itemScores[base + item];
      parts[3 + item] = score >= 0 ? String(score) : '';
    }
    const total = out.totalTenths[r];
    const tail = 3 + ITEM_COUNT;
    if (total >= 0) {
      scored += 1;
      parts[tail] = hundredthsText(out.standardHundredths[r]);
      parts[tail + 1] = String(out.bonus[r]);
      parts[tail + 2] = tenthsText(total);
      parts[tail + 3] = fitnessLevelFromTenths(total);
      parts[tail + 4] = '';
    } else {
      incomplete += 1;
      parts[tail] = '';
      parts[tail + 1] = '';
      parts[tail + 2] = '';
      parts[tail + 3] = '';
      parts[tail + 4] = fitnessMissingInputs(out.missingMask[r]).join(';');
    }
    lines[r + 1] = parts.join(',');
  }
  return { header: outputHeader, lines, problems, warnings, counts: { dataRows: count - blank, scored, incomplete, exempt, bad, blank } };
}

/**
 * The input record as it goes to the output: its own text when it has exactly the header's
 * cells (quoting kept as the user wrote it), padded with empty cells when short, re-written
 * without the (empty) extra cells when long.
 */
function inputText(text: string, start: number, end: number, cells: number, width: number, read: (position: number, rowNumber: number) => { cells: string[] }): string {
  if (cells === width) return text.slice(start, end);
  if (cells < width) return text.slice(start, end) + ','.repeat(width - cells);
  return formatCsvRecord(read(start, 0).cells.slice(0, width));
}

/** A measure column, with its plausible range copied out for the inline check. */
interface MeasureColumn {
  readonly input: FitnessRequiredInput;
  /** Item index, or −1 for height and weight. */
  readonly item: number;
  /** Cell index in the record. */
  readonly index: number;
  readonly timed: boolean;
  readonly min: number;
  readonly max: number;
  readonly integer: boolean;
}

function measureColumn(columnOf: ReadonlyMap<FitnessInputColumn, number>, input: FitnessRequiredInput, item: number): MeasureColumn | null {
  const index = columnOf.get(input);
  if (index === undefined) return null;
  const range = fitnessPlausibleRange(input);
  return { input, item, index, timed: TIMED_ITEMS.has(input as FitnessItemCode), min: range.min, max: range.max, integer: range.integer };
}

function cellProblem(row: number, header: readonly string[], cells: readonly string[], index: number, message: string): FitnessTableProblem {
  return { row, column: header[index], value: cells[index] ?? '', message };
}

/** Plain decimals (the usual cell) skip the general parsers. */
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

/** Reads one measure cell: NaN when empty; NaN plus a problem when unreadable or implausible. */
function readMeasure(column: MeasureColumn, cells: readonly string[], row: number, header: readonly string[], problems: FitnessTableProblem[]): number {
  const text = cells[column.index] ?? '';
  if (text.length === 0) return Number.NaN;
  let value: number;
  if (PLAIN_NUMBER.test(text)) {
    value = +text;
  } else {
    if (isEmptyCell(text)) return Number.NaN;
    const parsed = column.timed ? parseRunSeconds(text) : parseDecimal(text);
    if (!parsed.ok) {
      problems.push(cellProblem(row, header, cells, column.index, `${column.input}: ${parsed.message}`));
      return Number.NaN;
    }
    value = parsed.value;
  }
  if (value < column.min || value > column.max || (column.integer && !Number.isInteger(value))) {
    problems.push(cellProblem(row, header, cells, column.index, fitnessValueProblem(column.input, value) ?? `${column.input} ${value} is not plausible`));
    return Number.NaN;
  }
  return value;
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
