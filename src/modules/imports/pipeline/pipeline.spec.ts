import * as iconv from 'iconv-lite';
import { decodeText } from './decode';
import { normaliseCell } from './normalise';
import { parseFlexibleDate, parseRunTime } from './parse-values';
import { parseCsv } from './read-table';

describe('decodeText', () => {
  const text = '学籍号,姓名\r\nG1,张伟\r\n';
  it('reads UTF-8, UTF-8 with BOM, GBK and GB18030', () => {
    expect(decodeText(Buffer.from(text, 'utf8'))).toEqual({ text, encoding: 'utf-8' });
    expect(decodeText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]))).toEqual({ text, encoding: 'utf-8-bom' });
    expect(decodeText(iconv.encode(text, 'gbk'))).toEqual({ text, encoding: 'gb18030' });
    const rare = '䶮,𠀀'; // CJK Ext. A and Ext. B: only GB18030 encodes them
    expect(decodeText(iconv.encode(rare, 'gb18030'))).toEqual({ text: rare, encoding: 'gb18030' });
  });
  it('refuses bytes that are neither', () => {
    expect(decodeText(Buffer.from([0x41, 0x80, 0xff, 0x80]))).toEqual({ error: 'ENCODING_UNDETECTED' });
  });
});

describe('normaliseCell', () => {
  it('turns full-width ASCII and ideographic spaces into plain characters, keeping Chinese', () => {
    expect(normaliseCell('\u3000Ｇ１５０３０２\u3000')).toBe('G150302');
    expect(normaliseCell('２０２４－０９－０１')).toBe('2024-09-01');
    expect(normaliseCell('初一（１）班')).toBe('初一(1)班');
    expect(normaliseCell('\u200b张\u00a0伟 ')).toBe('张 伟');
  });
});

describe('parseFlexibleDate', () => {
  it.each([
    ['2024-09-01', '2024-09-01'],
    ['2024/9/1', '2024-09-01'],
    ['2024.9.1', '2024-09-01'],
    ['2024年9月1日', '2024-09-01'],
    ['20240901', '2024-09-01'],
    ['45536', '2024-09-01'], // Excel serial
    ['45536.0', '2024-09-01'],
    ['2024-02-29', '2024-02-29'],
  ])('%s → %s', (raw, expected) => expect(parseFlexibleDate(raw)).toBe(expected));
  it.each(['2023-02-29', '2024-13-01', '2024/9', 'yesterday', '0', '2024-9-1x'])('%s is not a date', (raw) => expect(parseFlexibleDate(raw)).toBeUndefined());
});

describe('parseRunTime', () => {
  it.each([
    ["3'55\"", 235],
    ['3′55″', 235],
    ['3:55', 235],
    ['3分55秒', 235],
    ["3'55", 235],
    ['235', 235],
    ['9.8', 9.8],
    ['55秒', 55],
    ["3'05.5\"", 185.5],
  ])('%s → %s s', (raw, seconds) => expect(parseRunTime(raw)).toBeCloseTo(seconds, 10));
  it.each(["3'75\"", 'fast', '3:'])('%s is not a time', (raw) => expect(parseRunTime(raw)).toBeUndefined());
});

describe('parseCsv', () => {
  it('handles quotes, escaped quotes, embedded line breaks and CRLF, numbering rows as Excel does', () => {
    const records = parseCsv('a,b\r\n"x, y","say ""hi"""\r\n"multi\nline",z\r\n\r\nlast,1');
    expect(records).toEqual([
      { rowNumber: 1, cells: ['a', 'b'] },
      { rowNumber: 2, cells: ['x, y', 'say "hi"'] },
      { rowNumber: 3, cells: ['multi\nline', 'z'] },
      { rowNumber: 4, cells: [''] },
      { rowNumber: 5, cells: ['last', '1'] },
    ]);
  });
  it('throws on an unterminated quote', () => {
    expect(() => parseCsv('a\r\n"open')).toThrow(/unterminated/);
  });
});
