import { growthBand } from './growth.section';

describe('growthBand (SGP reporting bands: < 35 low, 35–65 typical, > 65 high)', () => {
  it('puts the boundaries in the typical band', () => {
    expect([1, 34, 35, 50, 65, 66, 99].map(growthBand)).toEqual(['low', 'low', 'typical', 'typical', 'typical', 'high', 'high']);
  });

  it('has no band without an SGP', () => {
    expect(growthBand(null)).toBeNull();
  });
});
