/**
 * The graduation result of one dimension (毕业综合评价, issue 7 point 2): a weighted mean of the
 * student's term scores by the rubric's term weights (later terms often weigh more, DOMAIN.md).
 *
 *   score = round₂( Σ_t w_t · s_t / Σ_t w_t )   over the terms t the student has a result for,
 *   w_t = termWeights[position of t] (1 when the position is not listed; position 1 is the first
 *   term after entering the stage). Terms without a result are left out and the weights of the
 *   others renormalised; they are reported as missing. No weighted term at all → null.
 * Cost: O(terms).
 */
import { roundScore } from './rubric';

export interface TermScoreInput {
  readonly termId: string;
  readonly termCode: string;
  /** 1 = first term after entering the stage. */
  readonly position: number;
  readonly score: number;
  /** Where the term score comes from (evaluation run id). */
  readonly runId: string;
}

export interface TermContribution extends TermScoreInput {
  readonly weight: number;
  /** weight × score / Σ weights (the points this term adds to the graduation score). */
  readonly contribution: number;
}

export interface GraduationCombination {
  readonly score: number;
  readonly totalWeight: number;
  readonly terms: readonly TermContribution[];
  /** Listed positions with a positive weight that have no term result. */
  readonly missingPositions: readonly number[];
}

export function termWeightFor(position: number, termWeights: Readonly<Record<string, number>>): number {
  const key = String(position);
  return Object.hasOwn(termWeights, key) ? termWeights[key] : 1;
}

/** Combines one dimension's term scores; null when no term carries weight. */
export function combineTermScores(terms: readonly TermScoreInput[], termWeights: Readonly<Record<string, number>>): GraduationCombination | null {
  const ordered = [...terms].sort((a, b) => a.position - b.position || (a.termCode < b.termCode ? -1 : 1));
  let totalWeight = 0;
  let weighted = 0;
  for (const term of ordered) {
    const weight = termWeightFor(term.position, termWeights);
    totalWeight += weight;
    weighted += weight * term.score;
  }
  if (totalWeight <= 0) return null;
  const present = new Set(ordered.map((t) => t.position));
  const missingPositions = Object.entries(termWeights)
    .filter(([key, weight]) => weight > 0 && !present.has(Number(key)))
    .map(([key]) => Number(key))
    .sort((a, b) => a - b);
  return {
    score: roundScore(weighted / totalWeight),
    totalWeight,
    terms: ordered.map((term) => {
      const weight = termWeightFor(term.position, termWeights);
      return { ...term, weight, contribution: (weight * term.score) / totalWeight };
    }),
    missingPositions,
  };
}
