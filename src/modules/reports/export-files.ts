import ExcelJS from 'exceljs';

/** One cell of an exported table: numbers stay numbers, text is neutralised. */
export type ExportCell = string | number | boolean | null;

/**
 * Text that a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, and the tab / carriage
 * return OWASP lists) gets a leading apostrophe, so opening an export never runs anything
 * (CSV injection). Numbers are written as numbers and need no prefix: −0.5 is a value, not a formula.
 */
export function neutraliseCell(value: ExportCell): ExportCell {
  if (typeof value !== 'string') return value;
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function csvField(value: ExportCell): string {
  const cell = neutraliseCell(value);
  if (cell === null) return '';
  const text = typeof cell === 'number' ? (Number.isFinite(cell) ? String(cell) : '') : String(cell);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180 CSV in UTF-8 with a byte-order mark (Excel then shows Chinese correctly), CRLF line ends. */
export function tableToCsv(columns: readonly string[], rows: readonly (readonly ExportCell[])[]): Buffer {
  const lines = [columns.map(csvField).join(','), ...rows.map((row) => columns.map((_, index) => csvField(row[index] ?? null)).join(','))];
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8')]);
}

/** A worksheet name Excel accepts: at most 31 characters, none of []:*?/\ . */
export function sheetName(title: string): string {
  const cleaned = title.replace(/[[\]:*?/\\]/g, ' ').trim().slice(0, 31);
  return cleaned === '' ? 'Sheet1' : cleaned;
}

/** One worksheet: a bold, frozen header row, then the rows; numbers as numeric cells, text neutralised. */
export async function tableToXlsx(title: string, columns: readonly string[], rows: readonly (readonly ExportCell[])[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Wuyu (五育)';
  const sheet = workbook.addWorksheet(sheetName(title), { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.addRow(columns.map((c) => neutraliseCell(c)));
  sheet.getRow(1).font = { bold: true };
  for (const row of rows) sheet.addRow(columns.map((_, index) => neutraliseCell(row[index] ?? null)));
  sheet.columns.forEach((column, index) => {
    column.width = Math.min(40, Math.max(8, String(columns[index] ?? '').length * 2 + 2));
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** A file name safe in Content-Disposition: ASCII fallback plus the UTF-8 name (RFC 5987). */
export function attachmentHeader(title: string, extension: string): string {
  const base = title.replace(/[\\/:*?"<>|\r\n]/g, '_').slice(0, 80) || 'export';
  const ascii = base.replace(/[^\x20-\x7e]/g, '_');
  return `attachment; filename="${ascii}.${extension}"; filename*=UTF-8''${encodeURIComponent(`${base}.${extension}`)}`;
}
