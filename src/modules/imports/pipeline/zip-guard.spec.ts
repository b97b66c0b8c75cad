import { makeZip } from '../../../../test/helpers/make-zip';
import { checkZipInflation } from './zip-guard';

describe('zip inflation guard (XLSX zip bombs)', () => {
  const small = makeZip([{ name: 'a.xml', content: Buffer.from('<a>hello</a>') }, { name: 'b.xml', content: Buffer.alloc(10_000, 0x20) }]);

  it('accepts an archive within the limit', async () => {
    expect(await checkZipInflation(small, 20_000)).toBe('ok');
  });

  it('refuses by the declared sizes without inflating', async () => {
    expect(await checkZipInflation(small, 5_000)).toBe('too-large');
  });

  it('refuses an entry that declares a small size but inflates past the limit', async () => {
    const lying = makeZip([{ name: 'sheet.xml', content: Buffer.alloc(3_000_000, 0x20), declaredSize: 100 }]);
    expect(lying.length).toBeLessThan(10_000);
    expect(await checkZipInflation(lying, 1_000_000)).toBe('too-large');
  });

  it('calls damaged archives unreadable', async () => {
    expect(await checkZipInflation(small.subarray(0, small.length - 30))).toBe('unreadable');
    const flipped = Buffer.from(small);
    flipped[0] ^= 0xff; // the first local header's signature
    expect(await checkZipInflation(flipped)).toBe('unreadable');
    expect(await checkZipInflation(Buffer.from('PK\u0003\u0004 not really a zip'))).toBe('unreadable');
  });
});
