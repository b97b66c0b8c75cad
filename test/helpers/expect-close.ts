/**
 * Relative-tolerance comparison for numeric tests: |actual − expected| ≤ rel·max(|expected|, floor).
 * The floor keeps values near zero from demanding impossible relative precision; state the
 * tolerance you use and why at the call site.
 */
export function expectClose(actual: number, expected: number, relativeTolerance: number, absoluteFloor = 1e-12): void {
  if (!Number.isFinite(actual) || !Number.isFinite(expected)) {
    throw new Error(`expected finite numbers, got actual=${actual} expected=${expected}`);
  }
  const scale = Math.max(Math.abs(expected), absoluteFloor);
  const error = Math.abs(actual - expected) / scale;
  if (error > relativeTolerance) {
    throw new Error(
      `expected ${actual} to be within relative ${relativeTolerance} of ${expected} (relative error ${error.toExponential(3)})`,
    );
  }
}

export function expectAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, relativeTolerance: number, absoluteFloor = 1e-12): void {
  if (actual.length !== expected.length) {
    throw new Error(`length mismatch: actual ${actual.length}, expected ${expected.length}`);
  }
  for (let index = 0; index < expected.length; index += 1) {
    try {
      expectClose(actual[index], expected[index], relativeTolerance, absoluteFloor);
    } catch (error) {
      throw new Error(`at index ${index}: ${(error as Error).message}`);
    }
  }
}
