/**
 * Simulated growth cohorts for property tests of the growth-percentile core: priors and a current
 * score with a non-linear, heteroscedastic relation, from a seeded generator (mulberry32 for
 * uniforms, Box–Muller for normals), so every run sees the same students.
 */
export function seededUniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function seededNormal(seed: number): () => number {
  const uniform = seededUniform(seed);
  return () => {
    let u = 0;
    while (u === 0) u = uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
  };
}

export interface SimulatedCohort {
  readonly current: Float64Array;
  /** Most recent first. */
  readonly priors: Float64Array[];
}

/** n students with `priorCount` priors, scores rounded to 2 decimals; no missing values. */
export function simulateGrowthCohort(n: number, priorCount: number, seed: number): SimulatedCohort {
  const normal = seededNormal(seed);
  const round2 = (value: number): number => Math.round(value * 100) / 100;
  const priors = Array.from({ length: priorCount }, () => new Float64Array(n));
  const current = new Float64Array(n);
  for (let index = 0; index < n; index += 1) {
    const ability = normal();
    let previous = 450 + 45 * ability + 15 * normal();
    for (let k = priorCount - 1; k >= 0; k -= 1) {
      previous = round2(0.7 * previous + 160 + 15 * ability + 20 * normal());
      priors[k][index] = previous;
    }
    const latest = priors[0][index];
    current[index] = round2(30 + 0.9 * latest + 0.0008 * (latest - 480) ** 2 + 8 * ability + (15 + 0.04 * Math.abs(latest - 480)) * normal());
  }
  return { current, priors };
}
