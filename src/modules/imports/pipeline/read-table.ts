import * as fs from 'node:fs';
import { Readable } from 'node:stream';
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

/** The text of an XLSX cell as the pipeline sees it (dates as YYYY-MM-DD, formulas by their result, errors empty). */
export function xlsxCellText(value: ExcelJS.CellValue): string {
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
 * that encoding end the read with ENCODING_UNDETECTED. XLSX workbooks are streamed too: their
 * first sheet's rows are parsed as the zip inflates (openXlsx).
 */
export async function openTable(source: TableSource): Promise<TableStream | ReadTableFailure> {
  const totalBytes = await sourceSize(source);
  if (totalBytes === 0) return 'EMPTY_FILE';
  const prefix = await readPrefix(source, Math.min(totalBytes, SNIFF_BYTES));
  if (startsWith(prefix, ZIP_MAGIC)) return openXlsx(source, totalBytes);
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

/** Rows handed out per batch from an XLSX (its rows arrive one by one from the XML parser). */
const XLSX_BATCH_ROWS = 1000;

/**
 * exceljs' streaming reader decodes each inflated chunk of XML on its own, so a Chinese character
 * split between two chunks comes out as two replacement characters ("学生" → "学��"): found by
 * bench:import at 200,000 rows, where the whole-workbook reader read the same file correctly.
 * Here the shared strings and the workbook (its tab names) are decoded by Node's stream decoder,
 * which carries a split character over to the next chunk; the sheet's XML is decoded the same way
 * in xlsxRows.
 */
class Utf8WorkbookReader extends ExcelJS.stream.xlsx.WorkbookReader {
  _parseSharedStrings(entry: NodeJS.ReadableStream): unknown {
    entry.setEncoding('utf8');
    return (ExcelJS.stream.xlsx.WorkbookReader.prototype as unknown as { _parseSharedStrings(entry: unknown): unknown })._parseSharedStrings.call(this, entry);
  }

  _parseWorkbook(entry: NodeJS.ReadableStream): unknown {
    entry.setEncoding('utf8');
    return (ExcelJS.stream.xlsx.WorkbookReader.prototype as unknown as { _parseWorkbook(entry: unknown): unknown })._parseWorkbook.call(this, entry);
  }
}

/**
 * The rows of a workbook's first sheet in tab order (what exceljs' Workbook#worksheets[0] is),
 * streamed: exceljs' WorkbookReader parses the XML as the zip inflates, with the shared strings and
 * the styles (for dates) kept; a sheet stored before the shared strings is spooled by exceljs to a
 * temporary file. `onRead` counts the compressed bytes handed to the reader (progress).
 */
async function* xlsxRows(bytes: Buffer, onRead: (bytes: number) => void): AsyncGenerator<{ rowNumber: number; cells: string[] }> {
  const input = Readable.from(
    (function* () {
      for (let offset = 0; offset < bytes.length; offset += CHUNK_BYTES) {
        const chunk = bytes.subarray(offset, offset + CHUNK_BYTES);
        onRead(chunk.length);
        yield chunk;
      }
    })(),
    { objectMode: false },
  );
  const reader = new Utf8WorkbookReader(input, { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore' });
  try {
    for await (const sheet of reader) {
      // workbook.xml (the tabs, in order) comes before the sheets in the files Excel and WPS write.
      const firstTab = (reader as unknown as { model?: { sheets?: { name: string }[] } }).model?.sheets?.[0]?.name;
      if (firstTab !== undefined && (sheet as unknown as { name: string }).name !== firstTab) continue; // left unread: exceljs drains it
      // The sheet's XML, decoded as one stream (see Utf8WorkbookReader). exceljs never closes its
      // XML parser, so a sheet cut short would end as if it were complete: its XML must end with
      // the closing worksheet tag, or the read fails.
      const parsed = sheet as unknown as { iterator: AsyncIterable<Buffer | string> };
      let tail = '';
      const source = parsed.iterator;
      parsed.iterator = (async function* () {
        const decoder = new TextDecoder('utf-8');
        for await (const chunk of source) {
          const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
          tail = (tail + text).slice(-256);
          if (text !== '') yield text;
        }
        const rest = decoder.decode();
        tail = (tail + rest).slice(-256);
        if (rest !== '') yield rest;
      })();
      for await (const row of sheet) {
        const cells: string[] = [];
        for (let column = 1; column <= row.cellCount; column += 1) cells.push(xlsxCellText(row.getCell(column).value));
        yield { rowNumber: row.number, cells };
      }
      if (!/<\/(?:[A-Za-z_][\w.-]*:)?worksheet>\s*$/.test(tail)) throw new Error('the worksheet XML ends before its closing tag');
      return;
    }
  } finally {
    input.destroy();
  }
}

/**
 * Opens an XLSX upload as a stream of its first sheet's rows. The zip is checked first: a zip
 * bomb never reaches the XML parser (ADR 1002). The compressed file is held in memory (it is what
 * the guard reads); the inflated XML and the rows are not.
 */
async function openXlsx(source: TableSource, totalBytes: number): Promise<TableStream | ReadTableFailure> {
  const bytes = Buffer.isBuffer(source) ? source : await fs.promises.readFile(source.path);
  const inflation = await checkZipInflation(bytes);
  if (inflation === 'too-large') return 'XLSX_TOO_LARGE';
  if (inflation === 'unreadable') return 'UNREADABLE_FILE';
  let bytesRead = 0;
  let lastRowNumber = 0;
  const rows = xlsxRows(bytes, (n) => {
    bytesRead += n;
  });
  let header: string[] | undefined;
  try {
    while (!header) {
      const next = await rows.next();
      if (next.done) return 'EMPTY_FILE';
      lastRowNumber = next.value.rowNumber;
      if (!isBlank(next.value.cells)) header = next.value.cells;
    }
  } catch {
    await rows.return(undefined).catch(() => undefined);
    return 'UNREADABLE_FILE';
  }
  let finished = false;
  async function* batches(): AsyncGenerator<readonly TableRow[]> {
    let batch: TableRow[] = [];
    try {
      for (;;) {
        let next: IteratorResult<{ rowNumber: number; cells: string[] }>;
        try {
          next = await rows.next();
        } catch {
          throw new TableReadError('UNREADABLE_FILE', lastRowNumber + 1);
        }
        if (next.done) break;
        lastRowNumber = next.value.rowNumber;
        const cells = next.value.cells;
        for (let index = 0; index < cells.length; index += 1) cells[index] = normaliseCell(cells[index]);
        if (isBlankNormalised(cells)) continue;
        batch.push({ rowNumber: next.value.rowNumber, cells });
        if (batch.length >= XLSX_BATCH_ROWS) {
          yield batch;
          batch = [];
        }
      }
      finished = true;
      if (batch.length > 0) yield batch;
    } finally {
      if (!finished) await rows.return(undefined).catch(() => undefined);
    }
  }
  return {
    format: 'xlsx',
    encoding: 'xlsx',
    headers: header.map(normaliseCell),
    totalBytes,
    bytesRead: () => (finished ? totalBytes : Math.min(bytesRead, totalBytes)),
    batches,
    rows: async function* () {
      for await (const batch of batches()) yield* batch;
    },
  };
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
