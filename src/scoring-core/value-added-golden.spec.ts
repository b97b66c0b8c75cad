/**
 * Golden values from R (lm; lme4::lmer REML and ML with ranef condVar), produced by
 * tools/r/value-added-golden.R into test/reference/value-added/*.json.
 *
 * Tolerances (issue 6): OLS coefficients and standard errors 1e-9 relative; REML/ML variance
 * components, fixed effects and their SEs, EB effects and posterior SEs 1e-6 relative. The
 * absolute floor for EB effects is 1e-9 × the group-effect SD so that an effect that is
 * almost exactly zero is not asked for relative precision it cannot have.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fitLeastSquares } from './least-squares';
import { fitRandomIntercept, type RandomInterceptFit } from './random-intercept-model';
import { expectAllClose, expectClose } from '../../test/helpers/expect-close';

interface MixedGolden {
  theta: number;
  criterion: number;
  sigma2: number;
  tau2: number;
  fixef_terms: string[];
  fixef: number[];
  fixef_se: number[];
  ranef_groups: string[];
  ranef: number[];
  ranef_post_sd: number[];
}
interface Golden {
  name: string;
  source: string;
  predictors: string[];
  data: Record<string, number[]> & { group: string[] };
  lm: { terms: string[]; coefficients: number[]; standard_errors: number[]; sigma: number; r_squared: number };
  lmer_reml: MixedGolden;
  lmer_ml: MixedGolden;
}

const referenceDirectory = join(__dirname, '..', '..', 'test', 'reference', 'value-added');
const datasets = ['covariates', 'unequal-groups', 'near-singular'].map(
  (name) => JSON.parse(readFileSync(join(referenceDirectory, `${name}.json`), 'utf8')) as Golden,
);

function prepare(golden: Golden) {
  const labels: string[] = [];
  const codes = new Map<string, number>();
  const groupIndex = Int32Array.from(golden.data.group, (label) => {
    let code = codes.get(label);
    if (code === undefined) {
      code = labels.length;
      codes.set(label, code);
      labels.push(label);
    }
    return code;
  });
  return {
    outcome: Float64Array.from(golden.data.outcome),
    predictors: golden.predictors.map((name) => Float64Array.from(golden.data[name])),
    groupIndex,
    labels,
  };
}

function checkMixed(fit: RandomInterceptFit, expected: MixedGolden, labels: string[]): void {
  const tolerance = 1e-6;
  expectClose(fit.residualVariance, expected.sigma2, tolerance);
  expectClose(fit.groupVariance, expected.tau2, tolerance);
  expectClose(fit.criterion, expected.criterion, tolerance);
  expectAllClose(fit.coefficients, expected.fixef, tolerance);
  expectAllClose(fit.standardErrors, expected.fixef_se, tolerance);
  const effectFloor = 1e-9 * Math.sqrt(expected.tau2);
  const effects = expected.ranef_groups.map((label) => fit.groupEffects[labels.indexOf(label)]);
  const posteriorSds = expected.ranef_groups.map((label) => fit.groupEffectStandardErrors[labels.indexOf(label)]);
  expectAllClose(effects, expected.ranef, tolerance, effectFloor);
  expectAllClose(posteriorSds, expected.ranef_post_sd, tolerance);
}

describe.each(datasets.map((golden) => [golden.name, golden] as const))('golden values from R: %s', (_name, golden) => {
  const { outcome, predictors, groupIndex, labels } = prepare(golden);

  it('records where its numbers come from', () => {
    expect(golden.source).toMatch(/R version 4\.\d.*lme4 .*mkMerMod \(= lmer/);
  });

  it('matches lm coefficients and standard errors to 1e-9 relative', () => {
    const fit = fitLeastSquares({ outcome, predictors, predictorNames: golden.predictors });
    expect(fit.terms).toEqual(golden.lm.terms);
    expectAllClose(fit.coefficients, golden.lm.coefficients, 1e-9);
    expectAllClose(fit.standardErrors, golden.lm.standard_errors, 1e-9);
    expectClose(fit.residualStandardDeviation, golden.lm.sigma, 1e-9);
    expectClose(fit.rSquared, golden.lm.r_squared, 1e-9);
  });

  it('matches lmer REML variance components, fixed effects, EB effects and posterior SEs to 1e-6', () => {
    const fit = fitRandomIntercept({ outcome, predictors, predictorNames: golden.predictors, groupIndex, groupCount: labels.length });
    expect(fit.terms).toEqual(golden.lmer_reml.fixef_terms);
    checkMixed(fit, golden.lmer_reml, labels);
  });

  it('matches lmer ML (REML = FALSE) to 1e-6', () => {
    const fit = fitRandomIntercept({
      outcome,
      predictors,
      predictorNames: golden.predictors,
      groupIndex,
      groupCount: labels.length,
      estimation: 'ML',
    });
    checkMixed(fit, golden.lmer_ml, labels);
  });
});
