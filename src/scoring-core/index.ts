/**
 * The scoring core's only door. Framework-free: no @nestjs/*, typeorm, pg, fs, net, clock or
 * unseeded randomness below this folder (checked by tools/check-core-imports.js in CI).
 */
export { ScoringInputError } from './scoring-input-error';
export type { ScoringInputErrorCode } from './scoring-input-error';
export { ENGINE_VERSION } from './engine-version';
// Physical fitness: 国家学生体质健康标准（2014年修订） (issue 5; docs/fitness.md, ADR 0201).
export { FITNESS_GRADE_CODES, FITNESS_SEXES, FITNESS_ITEM_CODES } from './fitness/fitness-standard-types';
export type { FitnessGradeCode, FitnessSex, FitnessStage, FitnessItemCode, FitnessRequiredInput, FitnessDirection, BmiBandCode, FitnessLevel, FitnessStandardData } from './fitness/fitness-standard-types';
export { FITNESS_STANDARD_2014 } from './fitness/standard-2014.data';
export {
  compileFitnessStandard,
  fitnessStandard2014,
  fitnessProfileIndex,
  fitnessItemIndex,
  fitnessItemScore,
  fitnessItemBonus,
  fitnessBmiBand,
  bmiTenths,
  BMI_BAND_CODES,
  FITNESS_ITEM_COUNT,
  FITNESS_PROFILE_COUNT,
  FITNESS_BONUS_CAP,
} from './fitness/fitness-standard';
export type { CompiledFitnessStandard } from './fitness/fitness-standard';
export {
  scoreFitnessTest,
  scoreFitnessBatch,
  allocateFitnessBatchOutput,
  fitnessLevelFromTenths,
  fitnessValueProblem,
  fitnessPlausibleRange,
  fitnessMissingInputs,
  MISSING_HEIGHT_BIT,
  MISSING_WEIGHT_BIT,
} from './fitness/score-fitness-test';
export type { FitnessTestInput, FitnessTestResult, FitnessScore, FitnessItemResults, FitnessExemption, FitnessRetest, FitnessBatchInput, FitnessBatchOutput, FitnessPlausibleRange } from './fitness/score-fitness-test';
export { fitnessGraduationScore } from './fitness/fitness-graduation-score';
export type { FitnessYearOutcome, FitnessGraduationInput, FitnessGraduationResult } from './fitness/fitness-graduation-score';
export { summarizeFitnessGroup, summarizeFitnessCounts, compareWithFitnessTargets, fitnessYearOverYear, FITNESS_TARGETS } from './fitness/fitness-rates';
export type { FitnessResultForRates, FitnessGroupCounts, FitnessGroupSummary, FitnessTargetYear, FitnessTargetCheck, FitnessYearOverYearChange } from './fitness/fitness-rates';
export { summarizeMyopiaScreening, summarizeMyopiaCounts, myopiaYearOverYear, MYOPIA_TARGET_CHANGE_POINTS } from './fitness/myopia-screening';
export type { VisionScreeningRecord, MyopiaScreeningCounts, MyopiaScreeningSummary } from './fitness/myopia-screening';
// 艺术素质测评 total and level (portfolios).
export { artAssessment, ART_ASSESSMENT_LEVEL_NAMES_ZH } from './art-assessment-level';
export type { ArtAssessmentLevel, ArtAssessmentParts } from './art-assessment-level';
export { SeededRandom } from './seeded-random';
export { compensatedSum, mean, describe } from './descriptive-statistics';
export type { Description } from './descriptive-statistics';
export { zScores, tScores } from './standardise';
export { midRanks, percentileRanks } from './percentile-ranks';
export { fitLeastSquares, RANK_TOLERANCE } from './least-squares';
export type { LeastSquaresInput, LeastSquaresFit } from './least-squares';
export { minimizeBrent } from './brent-minimize';
export type { BrentMinimum } from './brent-minimize';
export { fitRandomIntercept } from './random-intercept-model';
export type { RandomInterceptInput, RandomInterceptFit, VarianceEstimation } from './random-intercept-model';
export {
  estimateValueAdded,
  categoriseGroup,
  VALUE_ADDED_MODELS,
  DEFAULT_MIN_GROUP_SIZE,
  CONFIDENCE_MULTIPLIER,
} from './value-added';
export type { ValueAddedModelName, ValueAddedCategory, ValueAddedInput, ValueAddedResult, GroupValueAdded } from './value-added';
// Student growth percentiles (issue 11): R primitives, bs() basis, quantile regression, SGP, aggregates, projections.
export { roundLikeR, roundHalfEven, quantileType7, quantileType7OfSorted, extendRange, finiteRange } from './r-quantile';
export { bSplineBasis, bSplineColumnCount, splineDesign } from './b-spline-basis';
export type { BSplineKnots } from './b-spline-basis';
export { quantileRegressionFrischNewton, purifyToOptimalVertex, quantileRegressionProcess } from './quantile-regression';
export type { FrischNewtonOptions, QuantileRegressionResult, QuantileRegressionProblem, QuantileProcessOptions } from './quantile-regression';
export {
  SGP_TAUS,
  SGP_KNOT_PROBABILITIES,
  SGP_PREDICTION_DIGITS,
  GROWTH_COEFFICIENT_FORMAT,
  growthScoreScale,
  growthDesign,
  rowsWithPriors,
  growthTauChains,
  planGrowthFit,
  fitGrowthChain,
  assembleGrowthCoefficients,
  fitGrowthCoefficients,
  checkGrowthCoefficientSet,
  growthPercentilePredictions,
  growthPercentileOf,
  studentGrowthPercentiles,
  growthPercentileCuts,
  growthColumnsPerPrior,
} from './student-growth-percentiles';
export type {
  GrowthScoreScale,
  GrowthCoefficientMatrix,
  GrowthCoefficientSet,
  GrowthScores,
  GrowthFitOptions,
  GrowthFitTask,
  GrowthFitPlan,
  StudentGrowthPercentileResult,
} from './student-growth-percentiles';
export { summariseGrowthGroups, shrinkGroupMedians, growthGoodnessOfFit } from './growth-aggregates';
export type { GrowthGroupSummary, GrowthGroupOptions, ShrunkGrowthGroupSummary, GrowthGoodnessOfFit } from './growth-aggregates';
export { projectGrowth, growthTrajectories, growthPercentileToReach } from './growth-projections';
export type { GrowthProjection } from './growth-projections';
// Comprehensive-quality evaluation (issue 7): rubric formulas in a sandbox, term scoring with provenance, level quotas, graduation.
export { ACTIVITY_LEVEL_CODES, ACTIVITY_ROLE_CODES, ACTIVITY_STATUS_CODES, EVALUATION_DIMENSIONS, canonicalActivityLevel, canonicalActivityRole, activityLevelRank } from './evaluation/activity-vocabulary';
export type { EvaluationDimension } from './evaluation/activity-vocabulary';
export {
  checkFormula,
  evaluateFormula,
  createSandboxMath,
  describeAggregate,
  describeAggregateOf,
  aggregateKey,
  INDICATOR_AGGREGATES,
  FITNESS_AGGREGATES,
  FITNESS_LEVELS,
  ACTIVITY_AGGREGATES,
  ACTIVITY_AGGREGATE_FUNCTIONS,
  FORMULA_FUNCTIONS,
  FORMULA_OPERATORS,
  SANDBOX_CALLABLE,
  MAX_FORMULA_LENGTH,
  MAX_FORMULA_NODES,
  MAX_FORMULA_DEPTH,
} from './evaluation/formula-sandbox';
export type { FormulaContext, FormulaProblem, FormulaProblemCode, CheckedFormula, FormulaCheck, FormulaTerm, FormulaEvaluation, FormulaSourceKind } from './evaluation/formula-sandbox';
export { checkRubricDefinition, levelForScore, roundScore, EVALUATION_LEVELS, EVALUATION_LEVEL_NAMES_ZH, EVALUATION_LEVEL_NAMES_EN, DEFAULT_ACTIVITY_STATUSES } from './evaluation/rubric';
export type { RubricDefinition, DimensionDefinition, RuleDefinition, RuleSource, QuotaDefinition, CatalogueIndicator, RubricProblem, CompiledRubric, CompiledRule, RubricCheck, EvaluationLevel } from './evaluation/rubric';
export { scoreStudentTerm } from './evaluation/score-student-term';
export type { TermRecordInput, ActivityInput, FitnessYearInput, StudentTermInput, AggregateProvenance, TermProvenance, RuleProvenance, DimensionTermScore } from './evaluation/score-student-term';
export { applyLevelQuota, countLevels, quotaKey } from './evaluation/level-quota';
export type { QuotaEntry, QuotaGroupReport, QuotaOutcome, LevelCounts } from './evaluation/level-quota';
export { combineTermScores, termWeightFor } from './evaluation/graduation';
export type { TermScoreInput, TermContribution, GraduationCombination } from './evaluation/graduation';
