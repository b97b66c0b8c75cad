import { createHash } from 'node:crypto';
import { canonicalJson, sha256Hex } from './canonical-json';

describe('canonicalJson', () => {
  it('sorts keys at every depth, keeps array order and writes no whitespace', () => {
    const text = canonicalJson({ b: { y: 1, x: [3, 1, 2] }, a: '德', c: null, d: true });
    expect(text).toBe('{"a":"德","b":{"x":[3,1,2],"y":1},"c":null,"d":true}');
  });

  it('gives the same text whatever order the keys were written in', () => {
    const one = { student: { name: '张三', id: 'x' }, sections: { fitness: { total: 88.5 } } };
    const two = { sections: { fitness: { total: 88.5 } }, student: { id: 'x', name: '张三' } };
    expect(canonicalJson(one)).toBe(canonicalJson(two));
  });

  it('orders keys by UTF-16 code units (RFC 8785), so upper case comes before lower case', () => {
    expect(canonicalJson({ b: 1, B: 2, a: 3, 劳: 4, 德: 5 })).toBe('{"B":2,"a":3,"b":1,"劳":4,"德":5}');
  });

  it('round-trips: parsing the text and writing it again gives the same bytes', () => {
    const value = { levels: { moral: 'A', academic: 'B' }, hours: [1.5, 2, 0.25], note: 'line\nbreak "quoted"' };
    const text = canonicalJson(value);
    expect(canonicalJson(JSON.parse(text))).toBe(text);
  });

  it('leaves out undefined members and refuses what JSON cannot hold', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson({ a: Number.POSITIVE_INFINITY })).toThrow(TypeError);
    expect(() => canonicalJson({ a: BigInt(1) })).toThrow(TypeError);
  });

  it('hashes the UTF-8 bytes, as sha256sum would', () => {
    const text = canonicalJson({ 姓名: '张三' });
    expect(sha256Hex(text)).toBe(createHash('sha256').update(Buffer.from('{"姓名":"张三"}', 'utf8')).digest('hex'));
    expect(sha256Hex(text)).not.toBe(sha256Hex(canonicalJson({ 姓名: '张四' })));
  });
});
