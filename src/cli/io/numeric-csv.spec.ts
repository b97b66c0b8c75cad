import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as iconv from 'iconv-lite';
import { CsvFormatError, factorize, readNumericCsv } from './numeric-csv';
import { detectEncoding, InputEncodingError } from './text-encoding';
import { ByteCsvWriter, CsvFileWriter, csvNumber, csvText } from './csv-writer';
import { SeededRandom } from '../../scoring-core';

const csv = (text: string) => Buffer.from(text, 'utf8');

describe('readNumericCsv', () => {
  it('reads numeric and text columns, CRLF, quotes, blank lines and missing tokens', () => {
    const table = readNumericCsv(
      csv('id,"school",score,prior,unused\r\n1,"A, north",12.5,3,x\r\n\r\n2,B,NA,-4e2,y\r\n"3","say ""hi""",,.5,z\r\n4,B,缺考, +7 ,w'),
      { numeric: ['score', 'prior'], text: ['id', 'school'] },
    );
    expect(table.rowCount).toBe(4);
    expect(Array.from(table.numeric.score)).toEqual([12.5, NaN, NaN, NaN]);
    expect(Array.from(table.numeric.prior)).toEqual([3, -400, 0.5, 7]);
    const school = table.text.school;
    expect([0, 1, 2, 3].map((row) => school.value(row))).toEqual(['A, north', 'B', 'say "hi"', 'B']);
    expect(table.text.id.value(2)).toBe('3');
    expect(Array.from(table.lineNumbers)).toEqual([2, 4, 5, 6]);
  });

  it('parses decimals exactly like Number()', () => {
    const random = new SeededRandom(3);
    const texts: string[] = [];
    for (let index = 0; index < 5000; index += 1) {
      const digits = 1 + random.nextInt(12);
      const value = (random.nextUniform() - 0.5) * 10 ** random.nextInt(8);
      texts.push(value.toFixed(digits % 9));
    }
    texts.push('0.1', '123456789012345', '1234567890123456789', '1e-7', '2.5E3', '0.000000000000000000001', '9007199254740993');
    const table = readNumericCsv(csv(`v\n${texts.join('\n')}\n`), { numeric: ['v'] });
    expect(Array.from(table.numeric.v)).toEqual(texts.map(Number));
  });

  it('names the line and column of a non-numeric cell and of a wrong field count', () => {
    expect(() => readNumericCsv(csv('a,b\n1,2\n3,abc\n'), { numeric: ['a', 'b'] })).toThrow("line 3, column 'b': 'abc' is not a number");
    expect(() => readNumericCsv(csv('a,b\n1,0x10\n'), { numeric: ['b'] })).toThrow(CsvFormatError);
    expect(() => readNumericCsv(csv('a,b\n1,2,3\n'), { numeric: ['a'] })).toThrow("line 2: has more than the header's 2 fields");
    expect(() => readNumericCsv(csv('a,b\n1\n'), { numeric: ['a'] })).toThrow('line 2: has 1 fields but the header has 2');
    expect(() => readNumericCsv(csv('a,b\n1,2\n'), { numeric: ['c'] })).toThrow("column 'c' is not in the header");
    expect(() => readNumericCsv(csv('a,b\n"1,2\n'), { numeric: ['a'] })).toThrow('never closed');
  });

  it('reads GBK and UTF-8 with BOM, and refuses UTF-16', () => {
    const text = '学号,学校,成绩\n1,第一中学,90\n2,实验中学,85.5\n';
    const gbk = iconv.encode(text, 'gbk');
    expect(detectEncoding(gbk)).toBe('gbk');
    const table = readNumericCsv(gbk, { numeric: ['成绩'], text: ['学校'] });
    expect(table.encoding).toBe('gbk');
    expect(table.text['学校'].value(0)).toBe('第一中学');
    expect(Array.from(table.numeric['成绩'])).toEqual([90, 85.5]);
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    expect(readNumericCsv(bom, { numeric: ['成绩'] }).encoding).toBe('utf8-bom');
    expect(() => readNumericCsv(gbk, { numeric: ['成绩'], encoding: 'utf8' })).toThrow(InputEncodingError);
    expect(() => readNumericCsv(Buffer.from('\ufeffa\n1\n', 'utf16le'), { numeric: ['a'] })).toThrow(/UTF-16/);
  });

  it('detects tab and semicolon delimiters from the header', () => {
    expect(readNumericCsv(csv('a\tb\n1\t2\n'), { numeric: ['b'] }).numeric.b[0]).toBe(2);
    expect(readNumericCsv(csv('a;b\n1;2,5\n'), { numeric: ['a'] }).numeric.a[0]).toBe(1);
  });
});

describe('factorize', () => {
  it('codes labels in order of first appearance and skips excluded rows', () => {
    const table = readNumericCsv(csv('g\nB\nA\nB\nC\nA\nD\n'), { numeric: [], text: ['g'] });
    const all = factorize(table.text.g);
    expect(all.labels).toEqual(['B', 'A', 'C', 'D']);
    expect(Array.from(all.codes)).toEqual([0, 1, 0, 2, 1, 3]);
    const some = factorize(table.text.g, Uint8Array.of(1, 0, 1, 1, 1, 0));
    expect(some.labels).toEqual(['B', 'C', 'A']);
    expect(Array.from(some.codes)).toEqual([0, -1, 0, 1, 2, -1]);
  });

  it('handles many distinct labels (table growth)', () => {
    const labels = Array.from({ length: 5000 }, (_, index) => `S${index % 2500}`);
    const table = readNumericCsv(csv(`g\n${labels.join('\n')}\n`), { numeric: [], text: ['g'] });
    const result = factorize(table.text.g);
    expect(result.labels.length).toBe(2500);
    expect(result.codes[2500 + 17]).toBe(17);
  });
});

describe('CSV writers', () => {
  const directory = mkdtempSync(join(tmpdir(), 'wuyu-csv-writer-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('ByteCsvWriter writes bytes, labels and fixed-decimal numbers', () => {
    const path = join(directory, 'bytes.csv');
    const writer = new ByteCsvWriter(path, ['id', 'value']);
    const values = [1.2345675, -0.0000004, -0.0000005, 12, 0.5, -3.25, 1e20, NaN, 100.1];
    for (const value of values) {
      writer.text('x');
      writer.comma();
      writer.fixed(value, 6);
      writer.newline();
    }
    writer.close();
    const cells = readFileSync(path, 'utf8').trim().split('\n').slice(1).map((line) => line.split(',')[1]);
    expect(cells).toEqual(['1.234568', '0', '-0.000001', '12', '0.5', '-3.25', '100000000000000000000', '', '100.1']);
  });

  it('CsvFileWriter quotes only when needed and writes shortest round-trip numbers', () => {
    const path = join(directory, 'text.csv');
    const writer = new CsvFileWriter(path, ['group', 'estimate']);
    writer.writeRow([csvText('a,"b"'), csvNumber(0.1 + 0.2)]);
    writer.writeRow([csvText('学校'), csvNumber(NaN)]);
    writer.close();
    expect(readFileSync(path, 'utf8')).toBe('group,estimate\n"a,""b""",0.30000000000000004\n学校,\n');
  });
});

describe('readNumericCsv row capacity', () => {
  it('grows when later lines are much shorter than the first ones', () => {
    const long = Array.from({ length: 200 }, (_, index) => `${index},${'x'.repeat(200)}`);
    const short = Array.from({ length: 5000 }, (_, index) => `${index},y`);
    const table = readNumericCsv(csv(`n,t\n${[...long, ...short].join('\n')}\n`), { numeric: ['n'], text: ['t'] });
    expect(table.rowCount).toBe(5200);
    expect(table.numeric.n[5199]).toBe(4999);
    expect(table.text.t.value(5199)).toBe('y');
    expect(table.lineNumbers[5199]).toBe(5201);
  });
});
