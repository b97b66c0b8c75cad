import { simulateGrowthCohort } from '../../test/helpers/simulate-growth';
import { growthPercentileToReach, growthTrajectories, projectGrowth } from './growth-projections';
import { fitGrowthCoefficients, growthPercentileOf, growthPercentilePredictions, studentGrowthPercentiles } from './student-growth-percentiles';

describe('growth projections from stored matrices', () => {
  const cohort = simulateGrowthCohort(3000, 2, 99);
  const set = fitGrowthCoefficients(cohort);

  it('gives ordered P35/P50/P65 trajectories that equal the fitted predictions for the same history', () => {
    const student = 5;
    const history = [cohort.priors[0][student], cohort.priors[1][student]];
    const [p35, p50, p65] = growthTrajectories(set, history);
    expect(p35).toBeLessThanOrEqual(p50);
    expect(p50).toBeLessThanOrEqual(p65);
    // Projection with the student's priors = the SGP predictions (clipping aside, inside LOSS/HOSS).
    const predictions = growthPercentilePredictions(set, cohort.priors, Int32Array.of(student), 2);
    expect(p50).toBe(predictions[49]);
    expect(projectGrowth(set, history).order).toBe(2);
    expect(projectGrowth(set, [history[0], Number.NaN]).order).toBe(1);
  });

  it('clips trajectories to LOSS/HOSS of the projected score', () => {
    const { trajectory } = projectGrowth(set, [set.priorScales[0].boundaries[1] + 200]);
    expect(Math.max(...trajectory)).toBeLessThanOrEqual(set.currentScale.lossHoss[1]);
  });

  it('needs the growth percentile that reaches the target, consistent with the SGP a score would earn', () => {
    const student = 11;
    const history = [cohort.priors[0][student], cohort.priors[1][student]];
    const { trajectory } = projectGrowth(set, history);
    const target = trajectory[59]; // the P60 trajectory value
    const needed = growthPercentileToReach(set, history, target);
    expect(needed).toBeLessThanOrEqual(60);
    expect(trajectory[needed - 1]).toBeGreaterThanOrEqual(target);
    expect(growthPercentileToReach(set, history, -1e9)).toBe(1);
    expect(growthPercentileToReach(set, history, 1e9)).toBe(99);
    // A student scoring exactly the needed trajectory value gets an SGP just below it.
    expect(growthPercentileOf(trajectory, target)).toBeLessThan(needed + 1);
    const sgp = studentGrowthPercentiles({ current: Float64Array.of(cohort.current[student]), priors: history.map((v) => Float64Array.of(v)) }, set).sgp[0];
    expect(sgp).toBeGreaterThanOrEqual(1);
  });

  it('refuses a projection without the most recent score', () => {
    expect(() => projectGrowth(set, [Number.NaN])).toThrow(expect.objectContaining({ code: 'INSUFFICIENT_DATA' }));
  });
});
