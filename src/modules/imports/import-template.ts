import ExcelJS from 'exceljs';
import type { ColumnSpec } from './pipeline/import-kind';

/** What a template needs of a kind (roster or staged). */
type TemplateKind = { readonly kind: string; readonly titleZh: string; readonly columns: readonly ColumnSpec<string>[]; readonly exampleRows: readonly object[] };

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** A CSV template: UTF-8 with BOM (so Excel on Chinese Windows opens it correctly), Chinese headers, one example row. */
export function csvTemplate(kind: TemplateKind): Buffer {
  const header = kind.columns.map((c) => csvField(c.headers[0])).join(',');
  const examples = kind.exampleRows.map((row) => kind.columns.map((c) => csvField((row as Record<string, string>)[c.key] ?? '')).join(','));
  return Buffer.from(`\uFEFF${[header, ...examples].join('\r\n')}\r\n`, 'utf8');
}

/** An XLSX template: the data sheet with Chinese headers and an example row, and a 说明 (notes) sheet. */
export async function xlsxTemplate(kind: TemplateKind): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(kind.titleZh);
  sheet.addRow(kind.columns.map((c) => c.headers[0]));
  for (const row of kind.exampleRows) sheet.addRow(kind.columns.map((c) => (row as Record<string, string>)[c.key] ?? ''));
  sheet.getRow(1).font = { bold: true };
  kind.columns.forEach((_, index) => {
    sheet.getColumn(index + 1).width = 18;
    sheet.getColumn(index + 1).numFmt = '@';
  });
  const notes = workbook.addWorksheet('说明');
  notes.addRow(['列名', '必填', '英文列名', '说明']);
  for (const column of kind.columns) {
    notes.addRow([column.headers[0], column.required ? '是' : '否', column.headers[1] ?? '', column.description ?? '']);
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
