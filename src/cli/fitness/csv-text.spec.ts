import * as iconv from 'iconv-lite';
import { decodeCsvBytes, encodeCsvText, formatCsvRecord, parseCsvRecords } from './csv-text';

describe('parseCsvRecords', () => {
  it('keeps Excel row numbering: blank lines stay as records, quoted line breaks do not split', () => {
    const records = parseCsvRecords('a,b\r\n1,"x\ny"\n\n2,"say ""hi"", ok"\n');
    expect(records).toEqual([['a', 'b'], ['1', 'x\ny'], [''], ['2', 'say "hi", ok']]);
  });

  it('treats a quote that does not open a field as a character, as Excel does', () => {
    expect(parseCsvRecords(`1,3'55",x\n`)).toEqual([['1', `3'55"`, 'x']]);
    expect(parseCsvRecords(`1,"3'55""",x`)).toEqual([['1', `3'55"`, 'x']]);
    expect(parseCsvRecords('1,"a",\r\n"b"x,"",')).toEqual([['1', 'a', ''], ['bx', '', '']]);
  });

  it('reports an unterminated quote with its row', () => {
    expect(() => parseCsvRecords('a\n"open\n')).toThrow(/row 2: a quoted field is never closed/);
  });
});

describe('formatCsvRecord', () => {
  it('quotes only what needs it and round-trips', () => {
    const fields = ['plain', 'with,comma', 'with "quote"', 'line\nbreak', `3'55"`];
    const line = formatCsvRecord(fields);
    expect(line).toBe('plain,"with,comma","with ""quote""","line\nbreak","3\'55"""');
    expect(parseCsvRecords(line)).toEqual([fields]);
  });
});

describe('decodeCsvBytes / encodeCsvText', () => {
  const text = '学号,性别\n1,男\n';

  it('detects UTF-8 with and without BOM and GBK', () => {
    expect(decodeCsvBytes(encodeCsvText(text))).toEqual({ text, encoding: 'utf8' });
    expect(decodeCsvBytes(Buffer.from(text, 'utf8'))).toEqual({ text, encoding: 'utf8' });
    expect(decodeCsvBytes(iconv.encode(text, 'gbk'))).toEqual({ text, encoding: 'gbk' });
    expect(decodeCsvBytes(encodeCsvText(text, 'gbk'), 'gbk').text).toBe(text);
  });

  it('writes a BOM for UTF-8 so Excel reads the Chinese headers', () => {
    expect([...encodeCsvText('a').subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  });
});
