import * as fs from 'node:fs';
import ExcelJS from 'exceljs';
import { decodeText, type TextEncoding } from './decode';
import { normaliseCell } from './normalise';
import { checkZipInflation } from './zip-guard';

/** A data row as the user sees it in Excel: rowNumber 2 is the first row under the header. */
export interface TableRow {
  readonly rowNumber: number;
  readonly cells: readonly string[];
}

export interface Table {
  readonly format: 'csv' | 'xlsx';
  readonly encoding: TextEncoding | 'xlsx';
  readonly headers: readonly string[];
  readonly rows: readonly TableRow[];
}

export type ReadTableFailure = 'EMPTY_FILE' | 'ENCODING_UNDETECTED' | 'UNREADABLE_FILE' | 'MALFORMED_CSV' | 'XLSX_TOO_LARGE';

/** Where an upload's bytes are: in memory (HTTP upload) or in a file (CLI, spooled job). */
export type TableSource = Buffer | { readonly path: string };

/** A failure found while streaming, after the header was read (a late encoding error, a stray quote). */
export class TableReadError extends Error {
  constructor(readonly failure: ReadTableFailure, readonly rowNumber?: number) {
    super(failure);
  }
}

/**
 * A table read as a stream: the header first, then the data rows one at a time, so a
 * million-row CSV never sits in memory whole. `rows()` may throw TableReadError.
 */
export interface TableStream {
  readonly format: 'csv' | 'xlsx';
  readonly encoding: TextEncoding | 'xlsx';
  readonly headers: readonly string[];
  /** Size of the source in bytes and how many have been read so far (for progress). */
  readonly totalBytes: number;
  bytesRead(): number;
  rows(): AsyncIterable<TableRow>;
  /** The same rows in batches (all rows of one chunk): one await per chunk instead of per row. */
  batches(): AsyncIterable<readonly TableRow[]>;
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0];
/** How much of a CSV decides its encoding; files up to this size are judged whole (as decodeText does). */
const SNIFF_BYTES = 4 * 1024 * 1024;
/**
 * Read size. Small on purpose: every row of a chunk is alive until the chunk is processed, and
 * rows that outlive a young-generation GC are promoted and grow the old space; 64 KiB chunks kept
 * a 1M-row import at ~220 MB peak RSS where 1 MiB chunks reached ~330 MB (and ran slower).
 */
const CHUNK_BYTES = 64 * 1024;

function startsWith(bytes: Buffer, magic: number[]): boolean {
  return magic.every((byte, index) => bytes[index] === byte);
}

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;
const enum CsvState {
  FieldStart,
  Unquoted,
  Quoted,
  QuoteInQuoted,
}

/**
 * RFC 4180 CSV, fed in chunks: quoted fields may hold commas, quotes ("") and line breaks;
 * CRLF or LF; a record may span chunks. Records carry their 1-based index (Excel's row number).
 * Runs of ordinary characters are sliced, not appended one by one, so 1M rows parse in well
 * under a second.
 */
export class CsvRecordParser {
  private state = CsvState.FieldStart;
  private field = '';
  private cells: string[] = [];
  private rowNumber = 1;
  private pendingCarriageReturn = false;

  push(text: string, emit: (record: { rowNumber: number; cells: string[] }) => void): void {
    const length = text.length;
    let index = 0;
    if (this.pendingCarriageReturn) {
      this.pendingCarriageReturn = false;
      if (length > 0 && text.charCodeAt(0) === LF) index = 1;
    }
    while (index < length) {
      if (this.state === CsvState.Quoted) {
        const quote = text.indexOf('"', index);
        if (quote === -1) {
          this.field += text.slice(index);
          return;
        }
        this.field += text.slice(index, quote);
        index = quote + 1;
        this.state = CsvState.QuoteInQuoted;
        continue;
      }
      const char = text.charCodeAt(index);
      if (this.state === CsvState.QuoteInQuoted) {
        if (char === QUOTE) {
          this.field += '"';
          index += 1;
          this.state = CsvState.Quoted;
          continue;
        }
        this.state = CsvState.Unquoted; // the quote closed the quoted part; anything after it is literal
      }
      if (char === QUOTE && this.state === CsvState.FieldStart) {
        this.state = CsvState.Quoted;
        index += 1;
      } else if (char === COMMA) {
        this.cells.push(this.field);
        this.field = '';
        this.state = CsvState.FieldStart;
        index += 1;
      } else if (char === LF || char === CR) {
        this.cells.push(this.field);
        emit({ rowNumber: this.rowNumber, cells: this.cells });
        this.rowNumber += 1;
        this.cells = [];
        this.field = '';
        this.state = CsvState.FieldStart;
        if (char === CR) {
          if (index + 1 < length) {
            if (text.charCodeAt(index + 1) === LF) index += 1;
          } else this.pendingCarriageReturn = true;
        }
        index += 1;
      } else {
        let end = index + 1;
        while (end < length) {
          const next = text.charCodeAt(end);
          if (next === COMMA || next === LF || next === CR) break;
          end += 1;
        }
        this.field += text.slice(index, end);
        this.state = CsvState.Unquoted;
        index = end;
      }
    }
  }

  /** Ends the input; throws on an unterminated quoted field. */
  end(emit: (record: { rowNumber: number; cells: string[] }) => void): void {
    if (this.state === CsvState.Quoted) throw new Error(`unterminated quoted field in row ${this.rowNumber}`);
    if (this.state !== CsvState.FieldStart || this.cells.length > 0 || this.field.length > 0) {
      this.cells.push(this.field);
      emit({ rowNumber: this.rowNumber, cells: this.cells });
    }
  }

  get currentRow(): number {
    return this.rowNumber;
  }
}

/** RFC 4180 CSV of a whole text; throws on an unterminated quote. */
export function parseCsv(text: string): { rowNumber: number; cells: string[] }[] {
  const records: { rowNumber: number; cells: string[] }[] = [];
  const parser = new CsvRecordParser();
  const emit = (record: { rowNumber: number; cells: string[] }) => records.push(record);
  parser.push(text, emit);
  parser.end(emit);
  return records;
}

function xlsxCellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((part) => part.text).join('');
    if ('result' in value) return xlsxCellText(value.result as ExcelJS.CellValue);
    if ('text' in value) return String(value.text);
    if ('error' in value) return '';
  }
  return String(value);
}

function isBlankNormalised(cells: readonly string[]): boolean {
  for (const cell of cells) if (cell !== '') return false;
  return true;
}

function isBlank(cells: readonly string[]): boolean {
  for (const cell of cells) if (normaliseCell(cell) !== '') return false;
  return true;
}

/** Reads chunks of a source without holding it whole (a Buffer is sliced, a file is read). */
async function* chunksOf(source: TableSource, onRead: (bytes: number) => void): AsyncGenerator<Buffer> {
  if (Buffer.isBuffer(source)) {
    for (let offset = 0; offset < source.length; offset += CHUNK_BYTES) {
      const chunk = source.subarray(offset, Math.min(source.length, offset + CHUNK_BYTES));
      onRead(chunk.length);
      yield chunk;
    }
    return;
  }
  const stream = fs.createReadStream(source.path, { highWaterMark: CHUNK_BYTES });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    onRead(chunk.length);
    yield chunk;
  }
}

async function readPrefix(source: TableSource, bytes: number): Promise<Buffer> {
  if (Buffer.isBuffer(source)) return source.subarray(0, bytes);
  const handle = await fs.promises.open(source.path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

export async function sourceSize(source: TableSource): Promise<number> {
  return Buffer.isBuffer(source) ? source.length : (await fs.promises.stat(source.path)).size;
}

/** A text decoder fed chunk by chunk; reports bytes it cannot decode (→ ENCODING_UNDETECTED). */
interface ChunkDecoder {
  write(chunk: Buffer): string;
  end(): string;
}

function utf8Decoder(skipBom: boolean): ChunkDecoder {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: !skipBom });
  return { write: (chunk) => decoder.decode(chunk, { stream: true }), end: () => decoder.decode() };
}

function gb18030Decoder(): ChunkDecoder {
  // Node's ICU decoder is ~4× faster than iconv-lite's; fatal = reject what is not GB18030.
  const decoder = new TextDecoder('gb18030', { fatal: true });
  return { write: (chunk) => decoder.decode(chunk, { stream: true }), end: () => decoder.decode() };
}

/**
 * Opens an uploaded CSV (UTF-8, UTF-8 with BOM, GBK/GB18030) or XLSX (first worksheet) as a
 * stream of normalised rows, read 64 KiB at a time. The encoding is decided on the first 4 MiB (the whole file when
 * smaller, exactly as decodeText decides); bytes later in a larger file that do not decode in
 * that encoding end the read with ENCODING_UNDETECTED. XLSX workbooks are loaded whole
 * (exceljs), CSVs are streamed.
 */
export async function openTable(source: TableSource): Promise<TableStream | ReadTableFailure> {
  const totalBytes = await sourceSize(source);
  if (totalBytes === 0) return 'EMPTY_FILE';
  const prefix = await readPrefix(source, Math.min(totalBytes, SNIFF_BYTES));
  if (startsWith(prefix, ZIP_MAGIC)) {
    const table = await readXlsx(Buffer.isBuffer(source) ? source : await fs.promises.readFile(source.path));
    if (typeof table === 'string') return table;
    const rows = table.rows;
    return {
      format: 'xlsx',
      encoding: 'xlsx',
      headers: table.headers,
      totalBytes,
      bytesRead: () => totalBytes,
      rows: async function* () {
        yield* rows;
      },
      batches: async function* () {
        if (rows.length > 0) yield rows;
      },
    };
  }
  if (startsWith(prefix, OLE_MAGIC) || prefix.includes(0)) return 'UNREADABLE_FILE'; // legacy .xls or binary

  let encoding: TextEncoding;
  if (prefix.length >= 3 && prefix[0] === 0xef && prefix[1] === 0xbb && prefix[2] === 0xbf) encoding = 'utf-8-bom';
  else if (prefix.length === totalBytes) {
    const sniff = decodeText(prefix);
    if ('error' in sniff) return 'ENCODING_UNDETECTED';
    encoding = sniff.encoding;
  } else if (isUtf8(trimPartialUtf8(prefix))) encoding = 'utf-8';
  else {
    // A 4 MiB cut may split a GB18030 character: judge GB18030 on the streaming decoder.
    try {
      gb18030Decoder().write(prefix);
      encoding = 'gb18030';
    } catch {
      return 'ENCODING_UNDETECTED';
    }
  }

  let bytesRead = 0;
  const decoder = encoding === 'gb18030' ? gb18030Decoder() : utf8Decoder(encoding === 'utf-8-bom');
  // Records from the parser are queued here and handed out by the generators below.
  // (an array with a read index: Array#shift is O(n) per record).
  let pending: { rowNumber: number; cells: string[] }[] = [];
  let next = 0;
  const take = (): { rowNumber: number; cells: string[] } | undefined => {
    if (next >= pending.length) return undefined;
    const record = pending[next];
    next += 1;
    if (next === pending.length) {
      pending = [];
      next = 0;
    }
    return record;
  };
  const parser = new CsvRecordParser();
  const emit = (record: { rowNumber: number; cells: string[] }) => pending.push(record);
  const chunks = chunksOf(source, (n) => {
    bytesRead += n;
  });
  let finished = false;
  const decode = (chunk: Buffer | null): string => {
    try {
      return chunk ? decoder.write(chunk) : decoder.end();
    } catch {
      throw new TableReadError('ENCODING_UNDETECTED', parser.currentRow);
    }
  };
  /** Reads until at least one record is queued or the input ends. */
  const fill = async (): Promise<void> => {
    while (next >= pending.length && !finished) {
      const chunk = await chunks.next();
      try {
        if (chunk.done) {
          finished = true;
          parser.push(decode(null), emit);
          parser.end(emit);
        } else {
          if (chunk.value.includes(0)) throw new TableReadError('UNREADABLE_FILE', parser.currentRow);
          parser.push(decode(chunk.value), emit);
        }
      } catch (error) {
        if (error instanceof TableReadError) throw error;
        throw new TableReadError('MALFORMED_CSV', parser.currentRow);
      }
    }
  };

  let header: { rowNumber: number; cells: string[] } | undefined;
  try {
    while (!header) {
      await fill();
      const record = take();
      if (!record) return 'EMPTY_FILE';
      if (!isBlank(record.cells)) header = record;
    }
  } catch (error) {
    if (error instanceof TableReadError) return error.failure;
    throw error;
  }
  async function* batches(): AsyncGenerator<readonly TableRow[]> {
    for (;;) {
      await fill();
      const batch: TableRow[] = [];
      for (let record = take(); record; record = take()) {
        // The parser's record and cell array are this row's own: normalised in place, handed out as the row.
        const cells = record.cells;
        for (let index = 0; index < cells.length; index += 1) cells[index] = normaliseCell(cells[index]);
        if (!isBlankNormalised(cells)) batch.push(record);
      }
      if (batch.length > 0) yield batch;
      else if (finished && next >= pending.length) return;
    }
  }
  return {
    format: 'csv',
    encoding,
    headers: header.cells.map(normaliseCell),
    totalBytes,
    bytesRead: () => bytesRead,
    batches,
    rows: async function* () {
      for await (const batch of batches()) yield* batch;
    },
  };
}

function isUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Drops an incomplete UTF-8 sequence at the end of a prefix cut from a larger file. */
function trimPartialUtf8(bytes: Buffer): Buffer {
  let end = bytes.length;
  for (let back = 1; back <= 3 && end - back >= 0; back += 1) {
    const byte = bytes[end - back];
    if ((byte & 0xc0) === 0x80) continue; // continuation byte
    if (byte >= 0xc0) {
      const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
      if (back < needed) return bytes.subarray(0, end - back);
    }
    break;
  }
  return bytes;
}

async function readXlsx(bytes: Buffer): Promise<Table | ReadTableFailure> {
  // A zip bomb never reaches exceljs, which would inflate it in memory.
  const inflation = await checkZipInflation(bytes);
  if (inflation === 'too-large') return 'XLSX_TOO_LARGE';
  if (inflation === 'unreadable') return 'UNREADABLE_FILE';
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    return 'UNREADABLE_FILE';
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) return 'EMPTY_FILE';
  const records: { rowNumber: number; cells: string[] }[] = [];
  const width = sheet.columnCount;
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    for (let column = 1; column <= width; column += 1) cells.push(xlsxCellText(row.getCell(column).value));
    records.push({ rowNumber, cells });
  });
  const nonBlank = records.filter((record) => !isBlank(record.cells));
  if (nonBlank.length === 0) return 'EMPTY_FILE';
  const [first, ...rows] = nonBlank;
  return { format: 'xlsx', encoding: 'xlsx', headers: first.cells.map(normaliseCell), rows: rows.map((row) => ({ rowNumber: row.rowNumber, cells: row.cells.map(normaliseCell) })) };
}

/** Reads an uploaded CSV (any supported encoding) or XLSX (first worksheet) into memory whole: the same stream, collected. */
export async function readTable(source: TableSource): Promise<Table | ReadTableFailure> {
  const stream = await openTable(source);
  if (typeof stream === 'string') return stream;
  const rows: TableRow[] = [];
  try {
    for await (const row of stream.rows()) rows.push(row);
  } catch (error) {
    if (error instanceof TableReadError) return error.failure;
    throw error;
  }
  return { format: stream.format, encoding: stream.encoding, headers: stream.headers, rows };
}
