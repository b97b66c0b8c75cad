/**
 * Shared argument checks of the scoring core (internal: not exported from index.ts). Each
 * throws a ScoringInputError whose message names the offending input and says what to do.
 */
import { ScoringInputError } from './scoring-input-error';

/** Throws NON_FINITE_INPUT at the first NaN or ±Infinity in `values`. O(n). */
export function assertFinite(values: ArrayLike<number>, name: string): void {
  for (let index = 0; index < values.length; index += 1) {
    const value = values[index];
    if (!Number.isFinite(value)) {
      throw new ScoringInputError(
        'NON_FINITE_INPUT',
        `${name} has a non-finite value (${value}) at row ${index}; exclude rows with missing values before scoring`,
        { input: name, row: index },
      );
    }
  }
}

/** Throws DIMENSION_MISMATCH unless `values` has `expectedLength` entries. */
export function assertLength(values: ArrayLike<number>, expectedLength: number, name: string): void {
  if (values.length !== expectedLength) {
    throw new ScoringInputError(
      'DIMENSION_MISMATCH',
      `${name} has ${values.length} values but the outcome has ${expectedLength}; every column must have one value per student`,
      { input: name, length: values.length, expected: expectedLength },
    );
  }
}

/**
 * Checks group codes (0..groupCount−1, one per row) and returns the group sizes n_j.
 * Throws INVALID_ARGUMENT for a code out of range and GROUP_TOO_SMALL for a group with no rows
 * (number the groups that actually occur, e.g. in order of first appearance).
 */
export function countGroups(groupIndex: Int32Array, groupCount: number): Int32Array {
  if (!Number.isInteger(groupCount) || groupCount < 1) {
    throw new ScoringInputError('INVALID_ARGUMENT', `groupCount must be a positive integer, got ${groupCount}`, { groupCount });
  }
  const counts = new Int32Array(groupCount);
  for (let row = 0; row < groupIndex.length; row += 1) {
    const group = groupIndex[row];
    if (group < 0 || group >= groupCount) {
      throw new ScoringInputError(
        'INVALID_ARGUMENT',
        `group code ${group} at row ${row} is outside 0..${groupCount - 1}`,
        { row, group, groupCount },
      );
    }
    counts[group] += 1;
  }
  for (let group = 0; group < groupCount; group += 1) {
    if (counts[group] === 0) {
      throw new ScoringInputError(
        'GROUP_TOO_SMALL',
        `group code ${group} has no students; number only the groups that occur (0..J−1)`,
        { group },
      );
    }
  }
  return counts;
}

/**
 * Checks a regression's outcome and predictor columns (equal lengths, finite values) and
 * returns the predictor names (x1, x2, … when none are given). Throws DIMENSION_MISMATCH or
 * NON_FINITE_INPUT naming the column. O(N·k).
 */
export function checkRegressionInput(
  outcome: Float64Array,
  predictors: readonly Float64Array[],
  predictorNames: readonly string[] | undefined,
): readonly string[] {
  const names = predictorNames ?? predictors.map((_, index) => `x${index + 1}`);
  if (names.length !== predictors.length) {
    throw new ScoringInputError('DIMENSION_MISMATCH', `${names.length} predictor names for ${predictors.length} predictors`);
  }
  assertFinite(outcome, 'outcome');
  predictors.forEach((column, index) => {
    assertLength(column, outcome.length, names[index]);
    assertFinite(column, names[index]);
  });
  return names;
}
