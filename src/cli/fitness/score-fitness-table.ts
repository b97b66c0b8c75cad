/**
 * The in-memory core of `wuyu fitness score`: CSV text in, scored CSV text and a problem report
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
 *   input column named like an output column) throw CliError;
 * - 补测 (test_type = retest): the row gives the retested results of the student whose test row
 *   (same student_id, grade and sex) is elsewhere in the file. Its computed columns are the
 *   year's result — the test re-scored with the retested results replacing the originals — when
 *   the test is complete and 不及格 (the core's rule); otherwise the retest is not used: the row is
 *   reported and its computed columns stay empty. The test row keeps its own scores.
 */
import {
  FITNESS_ITEM_CODES,
  FITNESS_ITEM_COUNT,
  allocateFitnessBatchOutput,
  scoreFitnessTest,
  type FitnessGradeCode,
  type FitnessSex,
  type FitnessTestResult,
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
import { isEmptyCell, parseDecimal, parseExemptionKind, parseGradeCode, parseRunSeconds, parseSex, parseTestType } from './fitness-cells';

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
  /**
   * The output CSV text in pieces of a few thousand lines (concatenated: the header line, then one
   * line per input record, each ended by \r\n). Pieces keep a million-row output from being a
   * million retained strings.
   */
  readonly chunks: readonly string[];
  readonly problems: readonly FitnessTableProblem[];
  /** File-level notes that do not stop scoring (e.g. an item column that is absent). */
  readonly warnings: readonly string[];
  readonly counts: {
    readonly dataRows: number;
    readonly scored: number;
    readonly incomplete: number;
    readonly exempt: number;
    readonly bad: number;
    readonly blank: number;
    /** 补测 rows applied (their computed columns are the year's result). */
    readonly retested: number;
    /** 补测 rows that could not be used (reported; computed columns empty). */
    readonly retestsNotUsed: number;
  };
}

/** Output lines per chunk. */
const CHUNK_LINES = 4096;

const ROW_BLANK = 0;
const ROW_OK = 1;
const ROW_BAD = 2;
const ROW_EXEMPT = 3;
/** A 补测 row: scored after the pass, against its student's test row. */
const ROW_RETEST = 4;

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
  const testTypeIndex = columnOf.get('test_type') ?? -1;
  const studentIdIndex = columnOf.get('student_id') ?? -1;
  // Only with a test_type column: each row's student id (to pair retests with tests) and the retest rows' grade and sex.
  const studentIds: string[] | null = testTypeIndex >= 0 ? [] : null;
  const retestRows = new Map<number, { grade: FitnessGradeCode; sex: FitnessSex }>();
  const unusedRetests = new Set<number>();
  const heightColumn = measureColumn(columnOf, 'height_cm', -1);
  const weightColumn = measureColumn(columnOf, 'weight_kg', -1);
  const itemColumns: MeasureColumn[] = [];
  ITEM_CODES.forEach((code, item) => {
    const column = measureColumn(columnOf, code, item);
    if (column !== null) itemColumns.push(column);
  });

  const cells = new RecordCells(width);
  let count = 0;
  for (let position = first.next; position < text.length; count += 1) {
    const r = count;
    const rowNumber = r + 2;
    let lineEnd = text.indexOf('\n', position);
    if (lineEnd < 0) lineEnd = text.length;
    const contentEnd = lineEnd > position && text.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd;
    starts[r] = position;
    if (cells.scan(text, position, contentEnd) && cells.count <= width) {
      // The usual line: cells are offsets into the text; only quoted cells are copied.
      ends[r] = contentEnd;
      position = lineEnd + 1;
    } else {
      // A quoted field spanning lines, or more cells than the header: the general reader.
      const record = read(position, rowNumber);
      cells.useStrings(record.cells);
      ends[r] = record.contentEnd;
      position = record.next;
    }
    cellCount[r] = cells.count;
    if (cells.count === 1 && cells.textOf(0).trim() === '') {
      rowState[r] = ROW_BLANK;
      continue;
    }
    const problemsBefore = problems.length;
    if (cells.count > width) {
      for (let extra = width; extra < cells.count; extra += 1) {
        if (cells.textOf(extra).trim() !== '') {
          problems.push({ row: rowNumber, column: null, value: null, message: `row has ${cells.count} cells but the header has ${width}: check for an unquoted comma` });
          break;
        }
      }
    }
    const grade = parseGradeCode(cells.textOf(gradeIndex));
    const sex = parseSex(cells.textOf(sexIndex));
    if (!grade.ok) problems.push(cellProblem(rowNumber, header, cells, gradeIndex, grade.message));
    if (!sex.ok) problems.push(cellProblem(rowNumber, header, cells, sexIndex, sex.message));
    const p = grade.ok && sex.ok ? fitnessProfileIndex(grade.value, sex.value) : -1;
    profile[r] = p < 0 ? 0 : p;

    let retest = false;
    if (studentIds !== null) {
      studentIds[r] = studentIdIndex >= 0 ? cells.textOf(studentIdIndex).trim() : '';
      const type = parseTestType(cells.textOf(testTypeIndex));
      if (!type.ok) problems.push(cellProblem(rowNumber, header, cells, testTypeIndex, type.message));
      else if (type.value === 'retest') {
        retest = true;
        if (exemptionIndex >= 0 && !isEmptyCell(cells.textOf(exemptionIndex))) {
          problems.push(cellProblem(rowNumber, header, cells, exemptionIndex, 'a 补测 (retest) row cannot carry an exemption: record the exemption on the test row'));
        }
        if (studentIdIndex < 0 || studentIds[r] === '') {
          problems.push(cellProblem(rowNumber, header, cells, testTypeIndex, "a 补测 (retest) row needs the student's student_id, to find the test it retests"));
        }
        if (grade.ok && sex.ok) retestRows.set(r, { grade: grade.value, sex: sex.value });
      }
    }

    if (!retest && exemptionIndex >= 0 && !isEmptyCell(cells.textOf(exemptionIndex))) {
      const kind = parseExemptionKind(cells.textOf(exemptionIndex));
      const reason = reasonIndex >= 0 ? cells.textOf(reasonIndex).trim() : '';
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
    rowState[r] = problems.length !== problemsBefore ? ROW_BAD : retest ? ROW_RETEST : ROW_OK;
  }
  const retestResults = studentIds === null ? new Map<number, FitnessTestResult>() : scoreRetests();

  /**
   * Pairs each good 补测 row with its student's test row (same student_id; exactly one; same grade
   * and sex) and scores the test with the retest (scoreFitnessTest); a retest that cannot be paired
   * or that the core does not apply is reported (column test_type) and left unscored.
   */
  function scoreRetests(): Map<number, FitnessTestResult> {
    const results = new Map<number, FitnessTestResult>();
    const ids = studentIds!;
    const wanted = new Map<string, number[]>();
    for (const r of retestRows.keys()) if (rowState[r] === ROW_RETEST) wanted.set(ids[r], []);
    for (let r = 0; r < count; r += 1) {
      const state = rowState[r];
      if (state !== ROW_RETEST && state !== ROW_BLANK) wanted.get(ids[r])?.push(r);
    }
    const firstRetestOf = new Map<string, number>();
    const notUsed = (r: number, message: string) => {
      rowState[r] = ROW_BAD;
      unusedRetests.add(r);
      problems.push({ row: r + 2, column: header[testTypeIndex], value: 'retest', message: `补测 not used: ${message}` });
    };
    for (const [r, { grade, sex }] of retestRows) {
      if (rowState[r] !== ROW_RETEST) continue;
      const id = ids[r];
      const tests = wanted.get(id)!;
      const earlier = firstRetestOf.get(id);
      if (earlier !== undefined) {
        notUsed(r, `one retest per school year; student ${id} already has one in row ${earlier + 2}`);
        continue;
      }
      firstRetestOf.set(id, r);
      if (tests.length !== 1) {
        notUsed(r, tests.length === 0 ? `no test row of student ${id} in the file` : `student ${id} has ${tests.length} test rows (${tests.map((t) => t + 2).join(', ')}); keep one per school year`);
        continue;
      }
      const t = tests[0];
      if (rowState[t] === ROW_BAD) notUsed(r, `the test row ${t + 2} has problems`);
      else if (rowState[t] === ROW_EXEMPT) notUsed(r, `the test row ${t + 2} is exempted (免予执行/暂缓)`);
      else if (profile[t] !== profile[r]) notUsed(r, `grade or sex differ from the test row ${t + 2}`);
      else {
        const valuesOf = (row: number) => {
          const results: Partial<Record<FitnessItemCode, number>> = {};
          ITEM_CODES.forEach((code, item) => {
            const value = items[row * ITEM_COUNT + item];
            if (value === value) results[code] = value;
          });
          return { heightCm: heightCm[row] === heightCm[row] ? heightCm[row] : null, weightKg: weightKg[row] === weightKg[row] ? weightKg[row] : null, results };
        };
        const result = scoreFitnessTest({ grade, sex, ...valuesOf(t), retest: valuesOf(r) }, standard);
        if (result.retest?.applied) results.set(r, result);
        else notUsed(r, `${result.retest?.reason ?? 'the retest was not applied'} (test row ${t + 2})`);
      }
    }
    return results;
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
  const blankRow = ','.repeat(width - 1 + FITNESS_OUTPUT_COLUMNS.length);
  // The current chunk grows by `+=` (a rope of short-lived nodes, measured 3× cheaper than
  // collecting pieces and joining them); every CHUNK_LINES rows it is flattened — charCodeAt
  // forces V8 to flatten the rope into one flat string — and kept. No per-row string survives.
  const chunks: string[] = [];
  let chunk = `${formatCsvRecord(outputHeader)}\r\n`;
  let rowsInChunk = 0;
  let scored = 0;
  let incomplete = 0;
  let exempt = 0;
  let bad = 0;
  let blank = 0;
  let retestsNotUsed = 0;
  const anyRetest = retestResults.size > 0;
  for (let r = 0; r < count; r += 1) {
    const state = rowState[r];
    const retested = anyRetest ? retestResults.get(r) : undefined;
    if (retested !== undefined) {
      chunk += inputText(text, starts[r], ends[r], cellCount[r], width, read);
      chunk += computedColumns(retested);
    } else if (state === ROW_BLANK) {
      blank += 1;
      chunk += blankRow;
    } else if (state !== ROW_OK) {
      if (unusedRetests.has(r)) retestsNotUsed += 1;
      else if (state === ROW_BAD) bad += 1;
      else exempt += 1;
      chunk += inputText(text, starts[r], ends[r], cellCount[r], width, read);
      chunk += blankComputed;
    } else {
      chunk += inputText(text, starts[r], ends[r], cellCount[r], width, read);
      const bmi = out.bmiTenths[r];
      if (bmi >= 0) {
        chunk += commaTenths(bmi);
        chunk += COMMA_INTEGER[out.bmiScore[r]];
      } else {
        chunk += ',,';
      }
      const base = r * ITEM_COUNT;
      for (let item = 0; item < ITEM_COUNT; item += 1) {
        const score = out.itemScores[base + item];
        chunk += score >= 0 ? COMMA_INTEGER[score] : ',';
      }
      const total = out.totalTenths[r];
      if (total >= 0) {
        scored += 1;
        chunk += ',';
        chunk += hundredthsText(out.standardHundredths[r]);
        chunk += COMMA_INTEGER[out.bonus[r]];
        chunk += commaTenths(total);
        chunk += COMMA_LEVEL[fitnessLevelFromTenths(total)];
        chunk += ',';
      } else {
        incomplete += 1;
        chunk += ',,,,,';
        chunk += fitnessMissingInputs(out.missingMask[r]).join(';');
      }
    }
    chunk += '\r\n';
    rowsInChunk += 1;
    if (rowsInChunk === CHUNK_LINES) {
      chunk.charCodeAt(0);
      chunks.push(chunk);
      chunk = '';
      rowsInChunk = 0;
    }
  }
  if (chunk.length > 0) {
    chunk.charCodeAt(0);
    chunks.push(chunk);
  }
  problems.sort((a, b) => a.row - b.row);
  return { header: outputHeader, chunks, problems, warnings, counts: { dataRows: count - blank, scored, incomplete, exempt, bad, blank, retested: retestResults.size, retestsNotUsed } };
}

/** The computed columns (each with its leading comma) of a result scored by the core: a retested year. */
function computedColumns(result: FitnessTestResult): string {
  let text = result.bmi === null ? ',,' : `${commaTenths(Math.round(result.bmi * 10))}${COMMA_INTEGER[result.bmiScore!]}`;
  for (const code of ITEM_CODES) {
    const score = result.itemScores[code];
    text += score === undefined ? ',' : COMMA_INTEGER[score];
  }
  if (result.total === null) return `${text},,,,,${result.missing.join(';')}`;
  return `${text},${hundredthsText(Math.round(result.standardScore! * 100))}${COMMA_INTEGER[result.bonus!]}${commaTenths(Math.round(result.total * 10))}${COMMA_LEVEL[result.level!]},`;
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

function cellProblem(row: number, header: readonly string[], cells: RecordCells, index: number, message: string): FitnessTableProblem {
  return { row, column: header[index], value: cells.textOf(index), message };
}

/**
 * The cells of one record without copying them: for a line, start/end offsets into the file text
 * (a million rows × 16 cells would otherwise be 16 million short-lived strings), and the decoded
 * text of its quoted cells only; for a record from the general reader, its strings.
 */
class RecordCells {
  count = 0;
  private text = '';
  private strings: string[] | null = null;
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  /** decoded[i] is valid when decodedStamp[i] === stamp (saves clearing it per row). */
  private readonly decoded: string[];
  private readonly decodedStamp: Int32Array;
  private stamp = 0;

  constructor(private readonly width: number) {
    this.starts = new Int32Array(width);
    this.ends = new Int32Array(width);
    this.decoded = new Array<string>(width).fill('');
    this.decodedStamp = new Int32Array(width);
  }

  /**
   * Splits text[start, end) into cells. Returns false when a quoted cell does not close on this
   * line (it spans lines, or is never closed): the caller then uses the general reader.
   */
  scan(text: string, start: number, end: number): boolean {
    this.text = text;
    this.strings = null;
    this.stamp += 1;
    let index = 0;
    let fieldStart = start;
    for (;;) {
      let fieldEnd: number;
      if (fieldStart < end && text.charCodeAt(fieldStart) === 34) {
        let value = '';
        let from = fieldStart + 1;
        let closing: number;
        for (;;) {
          const quote = text.indexOf('"', from);
          if (quote < 0 || quote >= end) return false;
          value += text.slice(from, quote);
          if (quote + 1 < end && text.charCodeAt(quote + 1) === 34) {
            value += '"';
            from = quote + 2;
          } else {
            closing = quote;
            break;
          }
        }
        fieldEnd = text.indexOf(',', closing + 1);
        if (fieldEnd < 0 || fieldEnd > end) fieldEnd = end;
        // As Excel does, text between the closing quote and the comma is kept.
        if (fieldEnd > closing + 1) value += text.slice(closing + 1, fieldEnd);
        if (index < this.width) {
          this.decoded[index] = value;
          this.decodedStamp[index] = this.stamp;
        }
      } else {
        fieldEnd = text.indexOf(',', fieldStart);
        if (fieldEnd < 0 || fieldEnd > end) fieldEnd = end;
      }
      if (index < this.width) {
        this.starts[index] = fieldStart;
        this.ends[index] = fieldEnd;
      }
      index += 1;
      if (fieldEnd >= end) break;
      fieldStart = fieldEnd + 1;
    }
    this.count = index;
    return true;
  }

  useStrings(cells: string[]): void {
    this.strings = cells;
    this.count = cells.length;
  }

  private decodedAt(index: number): string | null {
    if (this.strings !== null) return this.strings[index];
    return this.decodedStamp[index] === this.stamp ? this.decoded[index] : null;
  }

  textOf(index: number): string {
    if (index >= this.count) return '';
    const decoded = this.decodedAt(index);
    return decoded !== null ? decoded : this.text.slice(this.starts[index], this.ends[index]);
  }

  /** The cell as a plain decimal (digits, optional minus and fraction), else NaN; '' → NaN. */
  numberOf(index: number): number {
    if (index >= this.count) return Number.NaN;
    const decoded = this.decodedAt(index);
    return decoded !== null ? plainDecimal(decoded, 0, decoded.length) : plainDecimal(this.text, this.starts[index], this.ends[index]);
  }

  /** The cell as m'ss" or m:ss (ASCII marks only; the other notations take the general parser), else NaN. */
  minutesSecondsOf(index: number): number {
    if (index >= this.count) return Number.NaN;
    const decoded = this.decodedAt(index);
    return decoded !== null ? plainMinutesSeconds(decoded, 0, decoded.length) : plainMinutesSeconds(this.text, this.starts[index], this.ends[index]);
  }

  isEmpty(index: number): boolean {
    if (index >= this.count) return true;
    const decoded = this.decodedAt(index);
    return decoded !== null ? decoded.length === 0 : this.starts[index] === this.ends[index];
  }
}

/**
 * Parses text[start, end) as -?digits(.digits)? by character codes, or returns NaN. The value is
 * (whole digits as an integer) / 10^decimals — one correctly rounded division, so it equals
 * Number() of the same text for the short numbers of fitness results.
 */
function plainDecimal(text: string, start: number, end: number): number {
  let index = start;
  let negative = false;
  if (index < end && text.charCodeAt(index) === 45) {
    negative = true;
    index += 1;
  }
  let mantissa = 0;
  let digits = 0;
  let scale = 1;
  let point = false;
  for (; index < end; index += 1) {
    const code = text.charCodeAt(index);
    if (code >= 48 && code <= 57) {
      mantissa = mantissa * 10 + (code - 48);
      digits += 1;
      if (point) scale *= 10;
    } else if (code === 46 && !point && digits > 0) {
      point = true;
    } else {
      return Number.NaN;
    }
  }
  if (digits === 0 || digits > 15 || (point && scale === 1)) return Number.NaN;
  const value = mantissa / scale;
  return negative ? -value : value;
}

/** Parses text[start, end) as digits, ' or :, two digits and an optional closing ", else NaN. */
function plainMinutesSeconds(text: string, start: number, end: number): number {
  let index = start;
  let minutes = 0;
  while (index < end) {
    const code = text.charCodeAt(index);
    if (code < 48 || code > 57) break;
    minutes = minutes * 10 + (code - 48);
    index += 1;
  }
  if (index === start || index >= end) return Number.NaN;
  const mark = text.charCodeAt(index);
  if (mark !== 39 && mark !== 58) return Number.NaN;
  let stop = end;
  if (stop > index + 3 && text.charCodeAt(stop - 1) === 34) stop -= 1;
  if (stop !== index + 3) return Number.NaN;
  const tens = text.charCodeAt(index + 1) - 48;
  const ones = text.charCodeAt(index + 2) - 48;
  if (tens < 0 || tens > 5 || ones < 0 || ones > 9) return Number.NaN;
  return minutes * 60 + tens * 10 + ones;
}

/** Reads one measure cell: NaN when empty; NaN plus a problem when unreadable or implausible. */
function readMeasure(column: MeasureColumn, cells: RecordCells, row: number, header: readonly string[], problems: FitnessTableProblem[]): number {
  if (cells.isEmpty(column.index)) return Number.NaN;
  let value = cells.numberOf(column.index);
  if (value !== value && column.timed) value = cells.minutesSecondsOf(column.index);
  if (value !== value) {
    const text = cells.textOf(column.index);
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

/** "0" … "120": scores and bonuses are small integers; sharing their text saves an allocation each. */
const SMALL_INTEGER_TEXT: readonly string[] = Array.from({ length: 121 }, (_, value) => String(value));
/** "0.0" … "150.0" for totals and BMI; larger values are formatted on demand. */
const TENTHS_TEXT: readonly string[] = Array.from({ length: 1501 }, (_, tenths) => `${Math.floor(tenths / 10)}.${tenths % 10}`);

const COMMA_LEVEL: Readonly<Record<string, string>> = { 优秀: ',优秀', 良好: ',良好', 及格: ',及格', 不及格: ',不及格' };

/** ",0" … ",120". */
const COMMA_INTEGER: readonly string[] = SMALL_INTEGER_TEXT.map((text) => `,${text}`);
const COMMA_TENTHS: readonly string[] = TENTHS_TEXT.map((text) => `,${text}`);

/** 195 → ",19.5"; 940 → ",94.0". */
function commaTenths(tenths: number): string {
  return tenths < COMMA_TENTHS.length ? COMMA_TENTHS[tenths] : `,${Math.floor(tenths / 10)}.${tenths % 10}`;
}

/** Exact standard score: 8810 → "88.1", 7955 → "79.55", 8800 → "88". */
function hundredthsText(hundredths: number): string {
  const whole = Math.floor(hundredths / 100);
  const fraction = hundredths % 100;
  if (fraction === 0) return String(whole);
  if (fraction % 10 === 0) return `${whole}.${fraction / 10}`;
  return `${whole}.${fraction < 10 ? '0' : ''}${fraction}`;
}
