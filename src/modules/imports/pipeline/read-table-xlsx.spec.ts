import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { normaliseCell } from './normalise';
import { openTable, readTable, type TableReadError, type TableStream, xlsxCellText } from './read-table';

/**
 * XLSX uploads are streamed (ADR 0430): the first sheet's rows are parsed as the zip inflates.
 * The reference below is how they were read before — the whole workbook loaded by exceljs, the
 * first worksheet in tab order, every row padded to the sheet's width, each cell's text by the same
 * xlsxCellText — and the stream must give
 * the same header and rows (trailing empty cells aside, which the pipeline treats as absent).
 */
async function reference(bytes: Buffer): Promise<{ headers: string[]; rows: { rowNumber: number; cells: string[] }[] }> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0];
  const records: { rowNumber: number; cells: string[] }[] = [];
  const width = sheet.columnCount; // computed over the whole sheet on every call
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    for (let column = 1; column <= width; column += 1) cells.push(normaliseCell(xlsxCellText(row.getCell(column).value)));
    records.push({ rowNumber, cells });
  });
  const nonBlank = records.filter((record) => record.cells.some((cell) => cell !== ''));
  const [first, ...rows] = nonBlank;
  return { headers: trim(first.cells), rows: rows.map((row) => ({ rowNumber: row.rowNumber, cells: trim(row.cells) })) };
}

const trim = (cells: readonly string[]): string[] => {
  let end = cells.length;
  while (end > 0 && cells[end - 1] === '') end -= 1;
  return cells.slice(0, end);
};

async function streamed(bytes: Buffer): Promise<{ headers: string[]; rows: { rowNumber: number; cells: string[] }[]; batchSizes: number[] }> {
  const stream = (await openTable(bytes)) as TableStream;
  expect(typeof stream).toBe('object');
  const rows: { rowNumber: number; cells: string[] }[] = [];
  const batchSizes: number[] = [];
  for await (const batch of stream.batches()) {
    batchSizes.push(batch.length);
    for (const row of batch) rows.push({ rowNumber: row.rowNumber, cells: trim(row.cells) });
  }
  expect(stream.bytesRead()).toBe(stream.totalBytes);
  return { headers: trim(stream.headers), rows, batchSizes };
}

/** A workbook with every kind of cell a school's sheet has, on the first of two tabs. */
async function schoolWorkbook(rowCount: number): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('学生名单');
  sheet.getCell('A3').value = '学籍号';
  sheet.getCell('B3').value = { richText: [{ text: '姓' }, { text: '名', font: { bold: true } }] };
  sheet.getCell('C3').value = ' 出生日期 ';
  sheet.getCell('D3').value = '成绩';
  sheet.getCell('E3').value = '合计';
  sheet.getCell('G3').value = '备注';
  for (let index = 0; index < rowCount; index += 1) {
    const row = 4 + index + (index >= 10 ? 1 : 0); // a blank row after the first ten
    sheet.getCell(`A${row}`).value = `G1503022012030${String(index).padStart(5, '0')}`;
    sheet.getCell(`B${row}`).value = index % 3 === 0 ? '张伟' : `学生${index % 50}`; // shared strings, repeated
    const date = sheet.getCell(`C${row}`);
    date.value = new Date(Date.UTC(2012, index % 12, 1 + (index % 28)));
    date.numFmt = 'yyyy-mm-dd';
    sheet.getCell(`D${row}`).value = index % 7 === 0 ? 88.5 : 60 + (index % 40);
    sheet.getCell(`E${row}`).value = { formula: `D${row}*2`, result: (index % 7 === 0 ? 88.5 : 60 + (index % 40)) * 2 };
    if (index % 11 === 0) sheet.getCell(`G${row}`).value = { text: '链接', hyperlink: 'https://example.org/' };
    if (index % 13 === 0) sheet.getCell(`F${row}`).value = { error: '#DIV/0!' };
    if (index % 17 === 0) sheet.getCell(`G${row}`).value = 'ＡＢＣ　１２３'; // full-width: normalised
  }
  workbook.addWorksheet('说明').getCell('A1').value = '这一页不是数据';
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

describe('XLSX uploads are read as a stream, with the rows of the whole-workbook reader', () => {
  it('every kind of cell, blank rows, a header below blank rows, sparse columns; 2,500 rows in batches of at most 1,000', async () => {
    const bytes = await schoolWorkbook(2500);
    const expected = await reference(bytes);
    const actual = await streamed(bytes);
    expect(actual.headers).toEqual(['学籍号', '姓名', '出生日期', '成绩', '合计', '', '备注']);
    expect(actual.headers).toEqual(expected.headers);
    expect(actual.rows).toHaveLength(2500);
    expect(actual.rows).toEqual(expected.rows);
    expect(actual.rows[0]).toEqual({ rowNumber: 4, cells: ['G150302201203000000', '张伟', '2012-01-01', '88.5', '177', '', 'ABC 123'] });
    expect(actual.rows[10].rowNumber).toBe(15); // Excel's row number, after the blank row 14
    expect(Math.max(...actual.batchSizes)).toBeLessThanOrEqual(1000);
    expect(actual.batchSizes.reduce((a, b) => a + b, 0)).toBe(2500);
    // readTable (the whole table, for small uploads) reads the same stream.
    const whole = await readTable(bytes);
    if (typeof whole === 'string') throw new Error(whole);
    expect(whole.rows.map((row) => ({ rowNumber: row.rowNumber, cells: trim(row.cells) }))).toEqual(expected.rows);
  });

  it.each([
    ['shared strings', true],
    ['inline strings', false],
  ])('Chinese text split between two inflated chunks is read whole (%s; exceljs alone decodes chunk by chunk and corrupts it)', async (_kind, useSharedStrings) => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'wuyu-xlsx-'));
    const file = path.join(directory, 'cjk.xlsx');
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings, useStyles: false });
    const sheet = workbook.addWorksheet('名单');
    sheet.addRow(['学籍号', '姓名', '家庭住址']).commit();
    const expected: string[][] = [];
    for (let index = 0; index < 6000; index += 1) {
      // Every name distinct, 1–4 characters of 3 UTF-8 bytes: chunk boundaries fall inside characters.
      const row = [`G${String(index).padStart(8, '0')}`, `学生${'张王李赵'.slice(0, 1 + (index % 4))}${index}`, `内蒙古自治区乌海市海勃湾区${index}号院`];
      expected.push(row);
      sheet.addRow(row).commit();
    }
    sheet.commit();
    await workbook.commit();
    const stream = (await openTable({ path: file })) as TableStream;
    const rows: string[][] = [];
    for await (const batch of stream.batches()) for (const row of batch) rows.push([...row.cells]);
    expect(stream.headers).toEqual(['学籍号', '姓名', '家庭住址']);
    fs.rmSync(directory, { recursive: true, force: true });
    expect(rows.filter((row) => row.join('').includes('\uFFFD'))).toEqual([]);
    expect(rows).toEqual(expected);
  });

  it('reads the first tab in tab order, not the first sheet file, as the whole-workbook reader did', async () => {
    const zip = await JSZip.loadAsync(await schoolWorkbook(5));
    // Move the second tab ("说明") in front of the first in workbook.xml; the files stay as they are.
    const workbookXml = await zip.file('xl/workbook.xml')!.async('string');
    const sheets = /<sheets>(<sheet [^>]*\/>)(<sheet [^>]*\/>)<\/sheets>/.exec(workbookXml)!;
    zip.file('xl/workbook.xml', workbookXml.replace(sheets[0], `<sheets>${sheets[2]}${sheets[1]}</sheets>`));
    const bytes = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
    const expected = await reference(bytes);
    expect(expected.headers).toEqual(['这一页不是数据']);
    const stream = (await openTable(bytes)) as TableStream;
    expect(stream.headers).toEqual(expected.headers);
  });

  it('a sheet stored before the shared strings (some tools write them last) gives the same rows', async () => {
    const original = await JSZip.loadAsync(await schoolWorkbook(300));
    const names = Object.keys(original.files).filter((name) => !original.files[name].dir);
    const reordered = new JSZip();
    for (const name of [...names.filter((n) => n !== 'xl/sharedStrings.xml'), 'xl/sharedStrings.xml']) reordered.file(name, await original.file(name)!.async('nodebuffer'));
    const bytes = await reordered.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
    const order = Object.keys((await JSZip.loadAsync(bytes)).files);
    expect(order.indexOf('xl/worksheets/sheet1.xml')).toBeLessThan(order.indexOf('xl/sharedStrings.xml'));
    expect(await streamed(bytes)).toMatchObject({ headers: (await reference(bytes)).headers, rows: (await reference(bytes)).rows });
  });

  it('a consumer that stops after the first batch leaves nothing running', async () => {
    const stream = (await openTable(await schoolWorkbook(2500))) as TableStream;
    for await (const batch of stream.batches()) {
      expect(batch).toHaveLength(1000);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  });

  it('a sheet whose XML breaks, or stops, half-way fails the read with UNREADABLE_FILE — never fewer rows than it has; a sheet with no rows is EMPTY_FILE', async () => {
    const zip = await JSZip.loadAsync(await schoolWorkbook(50));
    const sheetXml = await zip.file('xl/worksheets/sheet1.xml')!.async('string');
    const cut = sheetXml.indexOf('<row r="30"');
    const read = async (xml: string): Promise<{ rows: number; failure: string | null }> => {
      zip.file('xl/worksheets/sheet1.xml', xml);
      const stream = await openTable(await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
      if (typeof stream === 'string') return { rows: 0, failure: stream };
      let rows = 0;
      try {
        for await (const batch of stream.batches()) rows += batch.length;
      } catch (error) {
        return { rows, failure: (error as TableReadError).failure };
      }
      return { rows, failure: null };
    };
    expect(await read(sheetXml)).toEqual({ rows: 50, failure: null });
    expect(await read(`${sheetXml.slice(0, cut)}<row r="30"><c r="A30" t="s"><v>1</v></c><<<not xml`)).toMatchObject({ failure: 'UNREADABLE_FILE' });
    // Cut short inside row 30: well-formed so far, so only the missing end tells.
    expect(await read(sheetXml.slice(0, cut + 40))).toMatchObject({ failure: 'UNREADABLE_FILE' });
    expect(await read(sheetXml.slice(0, sheetXml.indexOf('</sheetData>')))).toMatchObject({ failure: 'UNREADABLE_FILE' });

    const empty = new ExcelJS.Workbook();
    empty.addWorksheet('空');
    expect(await openTable(Buffer.from(await empty.xlsx.writeBuffer()))).toBe('EMPTY_FILE');
  });
});
