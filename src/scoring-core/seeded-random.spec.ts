import { SeededRandom } from './seeded-random';
import { minimizeBrent } from './brent-minimize';
import { describe as describeValues } from './descriptive-statistics';
import { expectClose } from '../../test/helpers/expect-close';

describe('SeededRandom', () => {
  it('repeats its stream for the same seed and differs for another', () => {
    const first = new SeededRandom(42);
    const second = new SeededRandom(42);
    const other = new SeededRandom(43);
    const a = Array.from({ length: 5 }, () => first.nextUint32());
    expect(Array.from({ length: 5 }, () => second.nextUint32())).toEqual(a);
    expect(Array.from({ length: 5 }, () => other.nextUint32())).not.toEqual(a);
  });

  it('draws uniforms in [0, 1) and normals with mean 0 and SD 1', () => {
    const random = new SeededRandom(2024);
    const uniforms = Float64Array.from({ length: 200_000 }, () => random.nextUniform());
    const range = describeValues(uniforms);
    expect(range.minimum).toBeGreaterThanOrEqual(0);
    expect(range.maximum).toBeLessThan(1);
    // Mean of U(0,1) is 1/2 with SE √(1/12/n) ≈ 6.5e-4: allow 5 SE.
    expect(Math.abs(describeValues(uniforms).mean - 0.5)).toBeLessThan(3.3e-3);
    const normals = Float64Array.from({ length: 200_000 }, () => random.nextNormal());
    const summary = describeValues(normals);
    // SE of the mean 2.2e-3 and of the SD ≈ 1.6e-3: allow 5 SE.
    expect(Math.abs(summary.mean)).toBeLessThan(0.011);
    expect(Math.abs(summary.standardDeviation - 1)).toBeLessThan(0.008);
  });

  it('draws every integer below the bound', () => {
    const random = new SeededRandom(5);
    const counts = new Array<number>(7).fill(0);
    for (let draw = 0; draw < 70_000; draw += 1) counts[random.nextInt(7)] += 1;
    // Each count ~ Binomial(70000, 1/7): mean 10000, SD ≈ 93; allow 5 SD.
    for (const count of counts) expect(Math.abs(count - 10_000)).toBeLessThan(465);
    expect(() => random.nextInt(0)).toThrow(RangeError);
  });
});

describe('minimizeBrent', () => {
  it('finds the minimum of a parabola and of cos on [3, 4] to √ε', () => {
    expectClose(minimizeBrent((x) => (x - 2) ** 2 + 1, 0, 5).argument, 2, 1e-7);
    const result = minimizeBrent(Math.cos, 3, 4);
    expectClose(result.argument, Math.PI, 1e-7);
    expect(result.evaluations).toBeLessThan(40);
  });

  it('refuses an empty bracket', () => {
    expect(() => minimizeBrent((x) => x, 1, 1)).toThrow(/lower < upper/);
  });
});
