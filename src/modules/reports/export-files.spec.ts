import ExcelJS from 'exceljs';
import { attachmentHeader, neutraliseCell, sheetName, tableToCsv, tableToXlsx } from './export-files';

describe('export files', () => {
  it('neutralises text that a spreadsheet would read as a formula, and leaves numbers alone', () => {
    expect(neutraliseCell('=SUM(A1:A2)')).toBe("'=SUM(A1:A2)");
    expect(neutraliseCell('+86 123')).toBe("'+86 123");
    expect(neutraliseCell('-1+2')).toBe("'-1+2");
    expect(neutraliseCell('@cmd')).toBe("'@cmd");
    expect(neutraliseCell('\tx')).toBe("'\tx");
    expect(neutraliseCell('第一中学')).toBe('第一中学');
    expect(neutraliseCell(-0.5)).toBe(-0.5);
    expect(neutraliseCell(null)).toBeNull();
  });

  it('writes CSV in UTF-8 with a BOM, quoted where needed, CRLF line ends', () => {
    const csv = tableToCsv(['学校', '估计值', '备注'], [['一中, 东校区', -1.25, '=HYPERLINK("x")'], ['二中', 2, null]]);
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.subarray(3).toString('utf8')).toBe('学校,估计值,备注\r\n"一中, 东校区",-1.25,"\'=HYPERLINK(""x"")"\r\n二中,2,\r\n');
  });

  it('writes XLSX with numeric cells and neutralised text that reads back the same', async () => {
    const buffer = await tableToXlsx('增值/总览:2025', ['学校', '估计值'], [['@一中', 1.5], ['二中', -2]]);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0];
    expect(sheet.name).toBe('增值 总览 2025');
    expect(sheet.getRow(2).values).toEqual([undefined, "'@一中", 1.5]);
    expect(sheet.getRow(3).getCell(2).value).toBe(-2);
  });

  it('names sheets and attachments safely', () => {
    expect(sheetName('a'.repeat(40))).toHaveLength(31);
    expect(sheetName('[]')).toBe('Sheet1');
    expect(attachmentHeader('增值 "总览"', 'csv')).toBe(`attachment; filename="__ ____.csv"; filename*=UTF-8''${encodeURIComponent('增值 _总览_.csv')}`);
  });
});
