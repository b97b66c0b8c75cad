/**
 * CSV text for the fitness CLI: decoding (UTF-8, UTF-8 with BOM, GBK — the usual encoding of
 * CSVs saved by Chinese Excel), an RFC 4180 reader that keeps Excel's row numbers, and a writer.
 */
import * as iconv from 'iconv-lite';

export type InputEncoding = 'auto' | 'utf8' | 'gbk';
export type OutputEncoding = 'utf8' | 'gbk';

/**
 * Decodes a CSV file. 'auto': a UTF-8 BOM means UTF-8; otherwise bytes that are valid UTF-8 are
 * UTF-8, and anything else is read as GB18030 (a superset of GBK and GB2312).
 */
export function decodeCsvBytes(bytes: Uint8Array, encoding: InputEncoding = 'auto'): { text: string; encoding: 'utf8' | 'gbk' } {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hasBom = buffer.length >= 3 && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf;
  if (encoding === 'gbk') return { text: iconv.decode(buffer, 'gb18030'), encoding: 'gbk' };
  if (encoding === 'utf8' || hasBom || isValidUtf8(buffer)) {
    return { text: buffer.toString('utf8', hasBom ? 3 : 0), encoding: 'utf8' };
  }
  return { text: iconv.decode(buffer, 'gb18030'), encoding: 'gbk' };
}

function isValidUtf8(buffer: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(buffer);
    return true;
  } catch {
    return false;
  }
}

/** Encodes output: UTF-8 with a BOM (so Excel shows the Chinese headers) or GBK. */
export function encodeCsvText(text: string, encoding: OutputEncoding = 'utf8'): Buffer {
  if (encoding === 'gbk') return iconv.encode(text, 'gb18030');
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
}

/** One record read from CSV text: its cells, and where its text ends (without the line break). */
export interface CsvRecord {
  readonly cells: string[];
  /** Offset just after the record's last character (before \r\n or \n). */
  readonly contentEnd: number;
  /** Offset where the next record starts. */
  readonly next: number;
}

/** Encodes output text given in pieces (each ending at a line break) without joining them first. */
export function encodeCsvChunks(chunks: readonly string[], encoding: OutputEncoding = 'utf8'): Buffer {
  if (encoding === 'gbk') return Buffer.concat(chunks.map((chunk) => iconv.encode(chunk, 'gb18030')));
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), ...chunks.map((chunk) => Buffer.from(chunk, 'utf8'))]);
}

/**
 * Reads the record that starts at `position`. Quoted fields may hold commas, doubled quotes and
 * line breaks. As in Excel, a quote that does not open a field is an ordinary character, so a
 * hand-typed 3'22" needs no quoting. A line without quotes takes a fast split path.
 * Throws Error with the row number (`rowNumber`, for the message) for an unterminated quote.
 */
export function readCsvRecord(text: string, position: number, rowNumber: number): CsvRecord {
  const length = text.length;
  let lineEnd = text.indexOf('\n', position);
  if (lineEnd < 0) lineEnd = length;
  const contentEnd = lineEnd > position && text.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd;
  const line = text.slice(position, contentEnd);
  if (line.indexOf('"') < 0) return { cells: line.split(','), contentEnd, next: lineEnd + 1 };
  // Slow path: a line with a quote. Fields are sliced, not built a character at a time.
  const cells: string[] = [];
  let index = position;
  for (;;) {
    if (text.charCodeAt(index) === 34) {
      // Quoted field: up to the closing quote, "" standing for one quote; may span lines.
      let value = '';
      let from = index + 1;
      for (;;) {
        const quote = text.indexOf('"', from);
        if (quote < 0) throw new Error(`row ${rowNumber}: a quoted field is never closed`);
        value += text.slice(from, quote);
        if (text.charCodeAt(quote + 1) === 34) {
          value += '"';
          from = quote + 2;
        } else {
          index = quote + 1;
          break;
        }
      }
      // Anything between the closing quote and the separator is kept, as Excel does.
      const stop = fieldStop(text, index);
      cells.push(stop > index ? value + text.slice(index, stop) : value);
      index = stop;
    } else {
      // Unquoted field: a quote inside it is an ordinary character.
      const stop = fieldStop(text, index);
      cells.push(text.slice(index, stop));
      index = stop;
    }
    if (index >= length) return { cells, contentEnd: length, next: length };
    const c = text.charCodeAt(index);
    if (c === 44) {
      index += 1;
      if (index >= length) {
        cells.push('');
        return { cells, contentEnd: length, next: length };
      }
      continue;
    }
    // A line break ends the record.
    const crlf = c === 13 && text.charCodeAt(index + 1) === 10;
    return { cells, contentEnd: index, next: index + (crlf ? 2 : 1) };
  }
}

/** Offset of the comma, line break (\n or \r\n) or end of text that ends the field at `from`. */
function fieldStop(text: string, from: number): number {
  for (let index = from; index < text.length; index += 1) {
    const c = text.charCodeAt(index);
    if (c === 44 || c === 10 || (c === 13 && text.charCodeAt(index + 1) === 10)) return index;
  }
  return text.length;
}

/**
 * Reads CSV text into records. Record i (0-based) is the row Excel shows as row i + 1: the header
 * is row 1, and a blank line is kept as an empty record [''] so later row numbers stay right.
 */
export function parseCsvRecords(text: string): string[][] {
  const records: string[][] = [];
  let position = 0;
  while (position < text.length) {
    const record = readCsvRecord(text, position, records.length + 1);
    records.push(record.cells);
    position = record.next;
  }
  return records;
}

const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One CSV line (without line break), quoting fields that need it. Built with join, which yields
 * a flat string: `+=` would leave a rope of one node per field, and a million such ropes keep
 * the garbage collector busy for seconds.
 */
export function formatCsvRecord(fields: readonly string[]): string {
  return fields.map((field) => (NEEDS_QUOTES.test(field) ? `"${field.replace(/"/g, '""')}"` : field)).join(',');
}
