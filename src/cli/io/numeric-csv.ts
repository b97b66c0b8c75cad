/**
 * Fast reading of large numeric CSV files for CLI commands (va, sgp, fitness …).
 *
 * One pass over the bytes of the whole file (read at once: memory ≈ file size + 8 bytes per
 * numeric cell + 8 bytes per text cell), no per-row objects or strings:
 *  - numeric columns become Float64Arrays, missing cells NaN;
 *  - text columns (ids, group labels) stay as byte ranges into the UTF-8 buffer (TextColumn),
 *    decoded only on demand; `factorize` turns one into integer codes + distinct labels.
 * RFC 4180 quoting ("a,b", doubled "" inside quotes) is supported; CRLF and LF line ends;
 * blank lines are skipped; the delimiter is ',' unless the header has tabs or semicolons
 * and no commas. Input may be UTF-8 (BOM or not) or GBK (see text-encoding.ts).
 *
 * Missing numeric cells: empty, or one of MISSING_TOKENS (NA, NaN, null, ., -, 缺考 …).
 * Any other non-numeric cell is a CsvFormatError naming the line and column: a typo is never
 * turned into a silent exclusion.
 *
 * Example:
 *   const table = readNumericCsv(readFileSync('cohort.csv'), { numeric: ['outcome', 'prior1'], text: ['student_id', 'school_id'] });
 *   table.numeric.outcome            // Float64Array
 *   factorize(table.text.school_id)  // { codes: Int32Array, labels: string[] }
 */
import { toUtf8, type DetectedEncoding, type EncodingChoice } from './text-encoding';

/** Cell texts read as a missing number (case-insensitive for the Latin ones). */
export const MISSING_TOKENS: readonly string[] = ['', 'na', 'n/a', 'nan', 'null', 'none', '.', '-', '缺考', '缺', '无'];

export class CsvFormatError extends Error {
  override readonly name = 'CsvFormatError';
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: string,
  ) {
    super(line === undefined ? message : `line ${line}${column === undefined ? '' : `, column '${column}'`}: ${message}`);
  }
}

/** A text column as byte ranges into a UTF-8 buffer; cells are decoded only when asked. */
export class TextColumn {
  constructor(
    readonly bytes: Buffer,
    readonly starts: Uint32Array,
    readonly ends: Uint32Array,
    /** Rows whose cell was quoted and holds a doubled quote ("") that must be unescaped. */
    private readonly escapedRows: ReadonlySet<number>,
  ) {}

  get length(): number {
    return this.starts.length;
  }

  /** The cell's text (UTF-8 decoded, quotes unescaped, surrounding spaces kept). */
  value(row: number): string {
    const text = this.bytes.toString('utf8', this.starts[row], this.ends[row]);
    return this.escapedRows.has(row) ? text.replace(/""/g, '"') : text;
  }

  /** True when the cell must be quoted on output (holds a comma, quote, CR or LF). */
  needsQuoting(row: number): boolean {
    for (let position = this.starts[row]; position < this.ends[row]; position += 1) {
      const byte = this.bytes[position];
      if (byte === 0x2c || byte === 0x22 || byte === 0x0d || byte === 0x0a) return true;
    }
    return false;
  }

  /** True when the cell is empty or only spaces. */
  isBlank(row: number): boolean {
    for (let position = this.starts[row]; position < this.ends[row]; position += 1) {
      if (this.bytes[position] !== 0x20 && this.bytes[position] !== 0x09) return false;
    }
    return true;
  }
}

export interface NumericCsvOptions {
  /** Columns to parse as numbers (header names, exact match after trimming). */
  readonly numeric: readonly string[];
  /** Columns to keep as text. */
  readonly text?: readonly string[];
  readonly encoding?: EncodingChoice;
  /** Field delimiter; default: detected from the header line. */
  readonly delimiter?: ',' | '\t' | ';';
}

export interface NumericCsvTable {
  readonly header: readonly string[];
  readonly rowCount: number;
  readonly encoding: DetectedEncoding;
  readonly delimiter: string;
  readonly numeric: Readonly<Record<string, Float64Array>>;
  readonly text: Readonly<Record<string, TextColumn>>;
  /** File line number (1-based, header = 1) of every data row, for messages. */
  readonly lineNumbers: Uint32Array;
}

const QUOTE = 0x22;
const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
/** 10^0..10^22 are exact doubles, so digits/10^k is correctly rounded (Clinger 1990). */
/** Plain decimal notation only: Number() would also accept hex, binary and 'Infinity'. */
const DECIMAL_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, exponent) => 10 ** exponent);

/**
 * Parses `raw` (the file's bytes) and returns the requested columns.
 * Throws CsvFormatError for a missing column, a row with the wrong number of fields, an
 * unterminated quote or a non-numeric cell; InputEncodingError for UTF-16 or bad UTF-8.
 * Cost: O(file size).
 */
export function readNumericCsv(raw: Buffer, options: NumericCsvOptions): NumericCsvTable {
  const decoded = toUtf8(raw, options.encoding ?? 'auto');
  const encoding = decoded.encoding;
  // Hot loops index a plain Uint8Array view: monomorphic element access, no Buffer prototype.
  const bytesBuffer = decoded.bytes;
  const bytes = new Uint8Array(bytesBuffer.buffer, bytesBuffer.byteOffset, bytesBuffer.length);
  const headerEnd = indexOfLineEnd(bytes, 0);
  const headerText = bytesBuffer.toString('utf8', 0, headerEnd).replace(/\r$/, '');
  const delimiterText = options.delimiter ?? detectDelimiter(headerText);
  const delimiter = delimiterText.charCodeAt(0);
  const header = splitHeader(headerText, delimiterText);
  const fieldCount = header.length;

  const numericNames = options.numeric;
  const textNames = options.text ?? [];
  // target[field] = k ≥ 0: numeric slot k; −(t + 1): text slot t; NO_TARGET: skip.
  const NO_TARGET = 0x7fffffff;
  const target = new Int32Array(fieldCount).fill(NO_TARGET);
  const locate = (name: string): number => {
    const index = header.indexOf(name);
    if (index < 0) {
      throw new CsvFormatError(`column '${name}' is not in the header (columns: ${header.join(', ')})`, 1);
    }
    return index;
  };
  numericNames.forEach((name, slot) => {
    target[locate(name)] = slot;
  });
  textNames.forEach((name, slot) => {
    target[locate(name)] = -(slot + 1);
  });

  // Row capacity from the mean length of the first lines (+10%); grown by doubling if short.
  let sampleEnd = headerEnd;
  let sampleLines = 0;
  while (sampleLines < 200 && sampleEnd < bytes.length) {
    sampleEnd = indexOfLineEnd(bytes, sampleEnd + 1);
    sampleLines += 1;
  }
  const meanLineBytes = sampleLines > 0 ? Math.max(1, (sampleEnd - headerEnd) / sampleLines) : 1;
  let capacity = Math.ceil(((bytes.length - headerEnd) / meanLineBytes) * 1.1) + 16;
  let numericColumns = numericNames.map(() => new Float64Array(capacity));
  let textStarts = textNames.map(() => new Uint32Array(capacity));
  let textEnds = textNames.map(() => new Uint32Array(capacity));
  const escapedRows = textNames.map(() => new Set<number>());
  let lineNumbers = new Uint32Array(capacity);
  const grow = (): void => {
    capacity *= 2;
    const widen = <T extends Float64Array | Uint32Array>(array: T, make: (size: number) => T): T => {
      const wider = make(capacity);
      wider.set(array);
      return wider;
    };
    numericColumns = numericColumns.map((array) => widen(array, (size) => new Float64Array(size)));
    textStarts = textStarts.map((array) => widen(array, (size) => new Uint32Array(size)));
    textEnds = textEnds.map((array) => widen(array, (size) => new Uint32Array(size)));
    lineNumbers = widen(lineNumbers, (size) => new Uint32Array(size));
  };

  const length = bytes.length;
  let position = headerEnd < length ? headerEnd + 1 : length;
  let line = 1;
  let row = 0;
  while (position < length) {
    line += 1;
    // Skip blank lines (\n or \r\n only).
    if (bytes[position] === NEWLINE) {
      position += 1;
      continue;
    }
    if (bytes[position] === CARRIAGE_RETURN && bytes[position + 1] === NEWLINE) {
      position += 2;
      continue;
    }
    if (row === capacity) grow();
    lineNumbers[row] = line;
    let field = 0;
    for (;;) {
      let start = position;
      let end: number;
      let quoted = false;
      let escaped = false;
      if (bytes[position] === QUOTE) {
        quoted = true;
        start = position + 1;
        let scan = start;
        for (;;) {
          const next = bytes.indexOf(QUOTE, scan);
          if (next < 0) throw new CsvFormatError('a quoted field is never closed', line, header[field]);
          if (bytes[next + 1] === QUOTE) {
            escaped = true;
            scan = next + 2;
            continue;
          }
          end = next;
          position = next + 1;
          break;
        }
        for (let inside = start; inside < end; inside += 1) if (bytes[inside] === NEWLINE) line += 1;
      } else {
        const numericSlot = field < fieldCount ? target[field] : NO_TARGET;
        if (numericSlot >= 0 && numericSlot !== NO_TARGET) {
          // Fast path: parse [-]digits[.digits] while scanning; exact while the digits fit in
          // 2^53 and the decimals in 10^22 (integer / exact power of ten is correctly rounded).
          let scan = position;
          let negative = false;
          if (scan < length && bytes[scan] === 0x2d) {
            negative = true;
            scan += 1;
          }
          let mantissa = 0;
          let digitCount = 0;
          let fractionDigits = -1;
          for (; scan < length; scan += 1) {
            const digit = bytes[scan] - 0x30;
            if (digit >= 0 && digit <= 9) {
              mantissa = mantissa * 10 + digit;
              digitCount += 1;
              if (fractionDigits >= 0) fractionDigits += 1;
            } else if (digit === -2 && fractionDigits < 0) {
              fractionDigits = 0; // '.'
            } else break;
          }
          if (
            digitCount > 0 &&
            mantissa <= 9007199254740992 &&
            fractionDigits <= 22 &&
            (scan >= length || bytes[scan] === delimiter || bytes[scan] === NEWLINE)
          ) {
            const magnitude = fractionDigits <= 0 ? mantissa : mantissa / POWERS_OF_TEN[fractionDigits];
            numericColumns[numericSlot][row] = negative ? -magnitude : magnitude;
            position = scan;
            field += 1;
            if (position < length && bytes[position] === delimiter) {
              position += 1;
              continue;
            }
            position += 1;
            break;
          }
        }
        while (position < length) {
          const byte = bytes[position];
          if (byte === delimiter || byte === NEWLINE) break;
          position += 1;
        }
        end = position;
        if (end > start && bytes[end - 1] === CARRIAGE_RETURN && (position >= length || bytes[position] === NEWLINE)) end -= 1;
      }
      if (field >= fieldCount) {
        throw new CsvFormatError(`has more than the header's ${fieldCount} fields`, line);
      }
      const slot = target[field];
      if (slot !== NO_TARGET) {
        if (slot >= 0) {
          numericColumns[slot][row] = parseNumberCell(bytes, bytesBuffer, start, end, line, numericNames[slot]);
        } else {
          const textSlot = -slot - 1;
          textStarts[textSlot][row] = start;
          textEnds[textSlot][row] = end;
          if (quoted && escaped) escapedRows[textSlot].add(row);
        }
      }
      field += 1;
      // After the field: delimiter → next field; newline/end → end of row.
      if (quoted) {
        while (position < length && (bytes[position] === SPACE || bytes[position] === CARRIAGE_RETURN)) position += 1;
      }
      if (position < length && bytes[position] === delimiter) {
        position += 1;
        continue;
      }
      if (position < length && bytes[position] !== NEWLINE) {
        throw new CsvFormatError('unexpected text after a closing quote', line, header[field - 1]);
      }
      position += 1;
      break;
    }
    if (field !== fieldCount) {
      throw new CsvFormatError(`has ${field} fields but the header has ${fieldCount}`, line);
    }
    row += 1;
  }

  const numeric: Record<string, Float64Array> = {};
  numericNames.forEach((name, slot) => {
    numeric[name] = numericColumns[slot].subarray(0, row);
  });
  const text: Record<string, TextColumn> = {};
  textNames.forEach((name, slot) => {
    text[name] = new TextColumn(bytesBuffer, textStarts[slot].subarray(0, row), textEnds[slot].subarray(0, row), escapedRows[slot]);
  });
  return { header, rowCount: row, encoding, delimiter: delimiterText, numeric, text, lineNumbers: lineNumbers.subarray(0, row) };
}

/**
 * Distinct labels of a text column and each row's code (0-based, in order of first
 * appearance); rows where `include` is 0 get code −1 and add no label. Labels are matched by
 * their bytes in an open-addressing hash table (FNV-1a), so no string is built per row.
 * Cost: O(total bytes).
 */
export function factorize(column: TextColumn, include?: Uint8Array): { codes: Int32Array; labels: string[] } {
  const { bytes, starts, ends } = column;
  const codes = new Int32Array(column.length);
  const labels: string[] = [];
  let tableSize = 1024;
  let slots = new Int32Array(tableSize).fill(-1);
  let labelHashes = new Int32Array(256);
  let labelRows = new Uint32Array(256);
  const sameBytes = (firstStart: number, firstEnd: number, start: number, end: number): boolean => {
    if (firstEnd - firstStart !== end - start) return false;
    for (let offset = 0; offset < end - start; offset += 1) if (bytes[firstStart + offset] !== bytes[start + offset]) return false;
    return true;
  };
  const insert = (table: Int32Array, hash: number, code: number): void => {
    const mask = table.length - 1;
    let slot = hash & mask;
    while (table[slot] !== -1) slot = (slot + 1) & mask;
    table[slot] = code;
  };
  for (let row = 0; row < column.length; row += 1) {
    if (include !== undefined && include[row] === 0) {
      codes[row] = -1;
      continue;
    }
    const start = starts[row];
    const end = ends[row];
    let hash = 0x811c9dc5;
    for (let position = start; position < end; position += 1) hash = Math.imul(hash ^ bytes[position], 0x01000193);
    const mask = tableSize - 1;
    let slot = hash & mask;
    let code = -1;
    for (;;) {
      const candidate = slots[slot];
      if (candidate === -1) break;
      const firstRow = labelRows[candidate];
      if (labelHashes[candidate] === hash && sameBytes(starts[firstRow], ends[firstRow], start, end)) {
        code = candidate;
        break;
      }
      slot = (slot + 1) & mask;
    }
    if (code === -1) {
      code = labels.length;
      labels.push(column.value(row));
      if (code >= labelHashes.length) {
        const grownHashes = new Int32Array(labelHashes.length * 2);
        grownHashes.set(labelHashes);
        labelHashes = grownHashes;
        const grownRows = new Uint32Array(labelRows.length * 2);
        grownRows.set(labelRows);
        labelRows = grownRows;
      }
      labelHashes[code] = hash;
      labelRows[code] = row;
      slots[slot] = code;
      if (labels.length * 2 > tableSize) {
        tableSize *= 2;
        slots = new Int32Array(tableSize).fill(-1);
        for (let existing = 0; existing < labels.length; existing += 1) insert(slots, labelHashes[existing], existing);
      }
    }
    codes[row] = code;
  }
  return { codes, labels };
}

/** Whether a cell text (trimmed, lower-cased) is one of MISSING_TOKENS. */
export function isMissingToken(text: string): boolean {
  return MISSING_TOKENS.includes(text.trim().toLowerCase());
}

function parseNumberCell(bytes: Uint8Array, bytesBuffer: Buffer, start: number, end: number, line: number, column: string): number {
  while (start < end && (bytes[start] === SPACE || bytes[start] === TAB)) start += 1;
  while (end > start && (bytes[end - 1] === SPACE || bytes[end - 1] === TAB)) end -= 1;
  if (start === end) return NaN;
  // Fast path: [-+]digits[.digits] with ≤ 15 significant digits is exact as integer / 10^k.
  let position = start;
  let negative = false;
  if (bytes[position] === 0x2d) {
    negative = true;
    position += 1;
  } else if (bytes[position] === 0x2b) {
    position += 1;
  }
  let mantissa = 0;
  let digits = 0;
  let fractionDigits = 0;
  let seenPoint = false;
  let fast = position < end;
  for (; position < end; position += 1) {
    const byte = bytes[position];
    if (byte >= 0x30 && byte <= 0x39) {
      mantissa = mantissa * 10 + (byte - 0x30);
      if (mantissa !== 0) digits += 1;
      if (seenPoint) fractionDigits += 1;
    } else if (byte === 0x2e && !seenPoint) {
      seenPoint = true;
    } else {
      fast = false;
      break;
    }
  }
  if (fast && digits <= 15 && fractionDigits <= 22 && !(seenPoint && position - start === 1 + (negative ? 1 : 0))) {
    const value = fractionDigits === 0 ? mantissa : mantissa / POWERS_OF_TEN[fractionDigits];
    return negative ? -value : value;
  }
  const text = bytesBuffer.toString('utf8', start, end);
  if (DECIMAL_NUMBER.test(text)) {
    const value = Number(text);
    if (Number.isFinite(value)) return value;
  }
  if (isMissingToken(text)) return NaN;
  throw new CsvFormatError(`'${text}' is not a number (leave the cell empty or write NA for a missing value)`, line, column);
}

function indexOfLineEnd(bytes: Uint8Array, from: number): number {
  const index = bytes.indexOf(NEWLINE, from);
  return index < 0 ? bytes.length : index;
}

function detectDelimiter(headerText: string): ',' | '\t' | ';' {
  if (headerText.includes(',')) return ',';
  if (headerText.includes('\t')) return '\t';
  if (headerText.includes(';')) return ';';
  return ',';
}

function splitHeader(headerText: string, delimiter: string): string[] {
  const names: string[] = [];
  let current = '';
  let inQuotes = false;
  for (let index = 0; index < headerText.length; index += 1) {
    const character = headerText[index];
    if (inQuotes) {
      if (character === '"' && headerText[index + 1] === '"') {
        current += '"';
        index += 1;
      } else if (character === '"') inQuotes = false;
      else current += character;
    } else if (character === '"') inQuotes = true;
    else if (character === delimiter) {
      names.push(current.trim());
      current = '';
    } else current += character;
  }
  names.push(current.trim());
  return names;
}
