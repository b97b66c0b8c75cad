import ExcelJS from 'exceljs';
import { decodeText, type TextEncoding } from './decode';
import { normaliseCell } from './normalise';

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

export type ReadTableFailure = 'EMPTY_FILE' | 'ENCODING_UNDETECTED' | 'UNREADABLE_FILE' | 'MALFORMED_CSV';

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0];

function startsWith(bytes: Buffer, magic: number[]): boolean {
  return magic.every((byte, index) => bytes[index] === byte);
}

/**
 * RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks; CRLF or LF.
 * Returns records with the 1-based record index (Excel's row number). Throws on an
 * unterminated quote.
 */
export function parseCsv(text: string): { rowNumber: number; cells: string[] }[] {
  const records: { rowNumber: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let field = '';
  let quoted = false;
  let fieldStarted = false;
  let rowNumber = 1;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (quoted) {
      if (char === '"') {
        if (text[index + 1] === '"') {
          field += '"';
          index += 1;
        } else quoted = false;
      } else field += char;
      continue;
    }
    if (char === '"' && !fieldStarted) {
      quoted = true;
      fieldStarted = true;
    } else if (char === ',') {
      cells.push(field);
      field = '';
      fieldStarted = false;
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[index + 1] === '\n') index += 1;
      cells.push(field);
      records.push({ rowNumber, cells });
      rowNumber += 1;
      cells = [];
      field = '';
      fieldStarted = false;
    } else {
      field += char;
      fieldStarted = true;
    }
  }
  if (quoted) throw new Error(`unterminated quoted field in row ${rowNumber}`);
  if (fieldStarted || cells.length > 0 || field.length > 0) {
    cells.push(field);
    records.push({ rowNumber, cells });
  }
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

function toTable(format: Table['format'], encoding: Table['encoding'], records: { rowNumber: number; cells: string[] }[]): Table | ReadTableFailure {
  const nonBlank = records.filter((record) => record.cells.some((cell) => normaliseCell(cell) !== ''));
  if (nonBlank.length === 0) return 'EMPTY_FILE';
  const [header, ...rows] = nonBlank;
  return {
    format,
    encoding,
    headers: header.cells.map(normaliseCell),
    rows: rows.map((row) => ({ rowNumber: row.rowNumber, cells: row.cells.map(normaliseCell) })),
  };
}

/** Reads an uploaded CSV (any supported encoding) or XLSX (first worksheet) into a table. */
export async function readTable(bytes: Buffer): Promise<Table | ReadTableFailure> {
  if (bytes.length === 0) return 'EMPTY_FILE';
  if (startsWith(bytes, ZIP_MAGIC)) {
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
    return toTable('xlsx', 'xlsx', records);
  }
  if (startsWith(bytes, OLE_MAGIC) || bytes.includes(0)) return 'UNREADABLE_FILE'; // legacy .xls or binary
  const decoded = decodeText(bytes);
  if ('error' in decoded) return decoded.error;
  try {
    return toTable('csv', decoded.encoding, parseCsv(decoded.text));
  } catch {
    return 'MALFORMED_CSV';
  }
}
