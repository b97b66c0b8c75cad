import { RowDigest } from './backup';

/** The digest must not depend on where the byte stream is cut (COPY and archive reads cut it differently). */
describe('RowDigest', () => {
  const rows = Buffer.from('1\t海勃湾区\t乌海市\n2\t乌达区\t\\N\n3\t海南区\t内蒙古自治区\n', 'utf8');

  function digestOf(cuts: number[]): string {
    const digest = new RowDigest();
    let start = 0;
    for (const cut of [...cuts, rows.length]) {
      digest.update(rows.subarray(start, cut));
      start = cut;
    }
    return digest.digest();
  }

  it('gives the same digest however the rows are split into chunks, even inside a character', () => {
    const whole = digestOf([]);
    expect(whole).toMatch(/^3:[0-9a-f]{16}$/);
    for (let cut = 1; cut < rows.length; cut++) expect(digestOf([cut])).toBe(whole);
    expect(digestOf([1, 4, 5, 9, 17, 30])).toBe(whole);
  });

  it('changes when one character changes', () => {
    const digest = new RowDigest();
    digest.update(Buffer.from('1\t海勃湾区\t乌海市\n2\t乌达区\t\\N\n3\t海南区\t内蒙古自治区 \n', 'utf8'));
    expect(digest.digest()).not.toBe(digestOf([]));
  });
});
