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

/**
 * Reads CSV text into records. Record i (0-based) is the row Excel shows as row i + 1: the header
 * is row 1, and a blank line is kept as an empty record [''] so later row numbers stay right.
 * Quoted fields may hold commas, doubled quotes and line breaks. As in Excel, a quote that does
 * not open a field is an ordinary character, so a hand-typed 3'22" needs no quoting. A line
 * without quotes takes a fast split path. Throws Error with the row number for an unterminated quote.
 */
export function parseCsvRecords(text: string): string[][] {
  const records: string[][] = [];
  const length = text.length;
  let position = 0;
  while (position < length) {
    let lineEnd = text.indexOf('\n', position);
    if (lineEnd < 0) lineEnd = length;
    const contentEnd = lineEnd > position && text.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd;
    const line = text.slice(position, contentEnd);
    if (line.indexOf('"') < 0) {
      records.push(line.split(','));
      position = lineEnd + 1;
      continue;
    }
    // Slow path: a quoted field, possibly spanning lines.
    const record: string[] = [];
    let field = '';
    let index = position;
    let quoted = false;
    let atFieldStart = true;
    let done = false;
    while (!done) {
      if (index >= length) {
        if (quoted) throw new Error(`row ${records.length + 1}: a quoted field is never closed`);
        record.push(field);
        done = true;
        position = length;
        break;
      }
      const c = text.charCodeAt(index);
      if (quoted) {
        if (c === 34) {
          if (text.charCodeAt(index + 1) === 34) {
            field += '"';
            index += 2;
          } else {
            quoted = false;
            index += 1;
          }
        } else {
          field += text[index];
          index += 1;
        }
      } else if (c === 34 && field === '' && atFieldStart) {
        quoted = true;
        atFieldStart = false;
        index += 1;
      } else if (c === 44) {
        atFieldStart = true;
        record.push(field);
        field = '';
        index += 1;
      } else if (c === 10 || (c === 13 && text.charCodeAt(index + 1) === 10)) {
        record.push(field);
        done = true;
        position = index + (c === 13 ? 2 : 1);
      } else {
        field += text[index];
        atFieldStart = false;
        index += 1;
      }
    }
    records.push(record);
  }
  return records;
}

const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV line (without line break), quoting fields that need it. */
export function formatCsvRecord(fields: readonly string[]): string {
  let line = '';
  for (let i = 0; i < fields.length; i += 1) {
    const field = fields[i];
    if (i > 0) line += ',';
    line += NEEDS_QUOTES.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
  }
  return line;
}
