import { midRanks } from '../../scoring-core';

export interface ModelGroups {
  readonly model: string;
  /** Per group, in the run's group order. */
  readonly estimate: ArrayLike<number>;
  readonly category: readonly string[];
}

export interface MethodComparison {
  /** Groups compared: those not `insufficient` (their category is the same, `insufficient`, under every model). */
  readonly groupsCompared: number;
  /** Spearman rank correlation of the group estimates for every pair of models (null when fewer than 3 groups). */
  readonly correlations: { readonly models: readonly [string, string]; readonly spearman: number | null }[];
  /** Groups whose category is not the same under every model, with the category per model. */
  readonly categoryDifferences: { readonly groupId: string; readonly schoolId: string; readonly categories: Readonly<Record<string, string>> }[];
}

/** Pearson correlation of two rank vectors = Spearman's ρ with mid-ranks for ties; null if either is constant. */
function pearson(x: Float64Array, y: Float64Array): number | null {
  const n = x.length;
  let meanX = 0;
  let meanY = 0;
  for (let i = 0; i < n; i += 1) {
    meanX += x[i];
    meanY += y[i];
  }
  meanX /= n;
  meanY /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i += 1) {
    sxy += (x[i] - meanX) * (y[i] - meanY);
    sxx += (x[i] - meanX) ** 2;
    syy += (y[i] - meanY) ** 2;
  }
  if (sxx === 0 || syy === 0) return null;
  return sxy / Math.sqrt(sxx * syy);
}

/**
 * How stable a group's position is across methods (issue 6, point 4): Spearman's ρ between the
 * estimates of every pair of models over the groups of sufficient size (ranks by the scoring
 * core's mid-ranks), and the groups whose category differs between models. O(M²·J log J).
 * Example: compareMethods(groups, [{ model: 'ols', … }, { model: 'multilevel', … }]).correlations[0].spearman
 */
export function compareMethods(groups: readonly { id: string; schoolId: string }[], models: readonly ModelGroups[]): MethodComparison {
  const eligible = groups.map((_, index) => index).filter((index) => models.every((m) => m.category[index] !== 'insufficient'));
  const ranks = models.map((m) => (eligible.length > 0 ? midRanks(eligible.map((index) => m.estimate[index]), `${m.model} estimates`) : new Float64Array(0)));
  const correlations: MethodComparison['correlations'] = [];
  for (let a = 0; a < models.length; a += 1) {
    for (let b = a + 1; b < models.length; b += 1) {
      correlations.push({ models: [models[a].model, models[b].model], spearman: eligible.length >= 3 ? pearson(ranks[a], ranks[b]) : null });
    }
  }
  const categoryDifferences = groups.flatMap((group, index) => {
    const categories = Object.fromEntries(models.map((m) => [m.model, m.category[index]]));
    return new Set(Object.values(categories)).size > 1 ? [{ groupId: group.id, schoolId: group.schoolId, categories }] : [];
  });
  return { groupsCompared: eligible.length, correlations, categoryDifferences };
}
