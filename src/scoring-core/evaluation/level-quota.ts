/**
 * The quota check on level A (优秀比例上限, issue 7 point 2): some cities allow at most a share
 * of a school's students to be A in a dimension, with exempt dimensions (思想品德 usually).
 *
 * Per school × non-exempt dimension with n students and k computed A:
 *   allowed = ⌊maxShareA × n⌋ (a cap is never exceeded; 1e-9 guards 0.3 × 10 = 2.9999…);
 *   if k ≤ allowed nothing changes; else the A students are ordered by score (highest first),
 *   the score s* of the first student beyond the cap is found, and every A student whose score
 *   is not above s* becomes B. Tie rule: students with equal scores are treated alike — if
 *   keeping all of them would exceed the cap, all of them become B (so fewer than `allowed` may
 *   keep A; the cap is never exceeded and nobody loses an A to a same-score classmate).
 * Exempt dimensions are reported (distribution only) and never changed.
 * Cost: O(n log n) per school × dimension.
 */
import type { EvaluationDimension } from './activity-vocabulary';
import { EVALUATION_LEVELS, type EvaluationLevel, type QuotaDefinition } from './rubric';

export interface QuotaEntry {
  readonly studentId: string;
  readonly schoolId: string;
  readonly dimension: EvaluationDimension;
  readonly score: number;
  readonly level: EvaluationLevel;
}

export type LevelCounts = Record<EvaluationLevel, number>;

export interface QuotaGroupReport {
  readonly schoolId: string;
  readonly dimension: EvaluationDimension;
  readonly students: number;
  readonly exempt: boolean;
  /** ⌊maxShareA × students⌋; null when exempt. */
  readonly allowedA: number | null;
  readonly computed: LevelCounts;
  readonly final: LevelCounts;
  /** Score of the first student beyond the cap (the A students at or below it became B); null when nothing changed. */
  readonly boundaryScore: number | null;
  /** Students whose A became B, highest score first, then by id. */
  readonly demoted: readonly { readonly studentId: string; readonly score: number }[];
}

export interface QuotaOutcome {
  /** `${studentId}|${dimension}` of every entry whose A became B. */
  readonly demotedKeys: ReadonlySet<string>;
  /** Sorted by school id, then dimension order. */
  readonly groups: readonly QuotaGroupReport[];
}

const emptyCounts = (): LevelCounts => ({ A: 0, B: 0, C: 0, D: 0 });

export function quotaKey(studentId: string, dimension: string): string {
  return `${studentId}|${dimension}`;
}

/** Applies the quota (or, with `quota` null, only reports the distribution). */
export function applyLevelQuota(entries: readonly QuotaEntry[], quota: QuotaDefinition | null, dimensionOrder: readonly EvaluationDimension[]): QuotaOutcome {
  const groups = new Map<string, QuotaEntry[]>();
  for (const entry of entries) {
    const key = `${entry.schoolId}|${entry.dimension}`;
    const list = groups.get(key);
    if (list) list.push(entry);
    else groups.set(key, [entry]);
  }
  const demotedKeys = new Set<string>();
  const reports: QuotaGroupReport[] = [];
  for (const list of groups.values()) {
    const { schoolId, dimension } = list[0];
    const computed = emptyCounts();
    for (const entry of list) computed[entry.level] += 1;
    const exempt = quota === null || quota.exemptDimensions.includes(dimension);
    const allowedA = exempt ? null : Math.floor(quota!.maxShareA * list.length + 1e-9);
    let boundaryScore: number | null = null;
    const demoted: { studentId: string; score: number }[] = [];
    if (allowedA !== null && computed.A > allowedA) {
      const aStudents = list.filter((e) => e.level === 'A').sort((a, b) => b.score - a.score || (a.studentId < b.studentId ? -1 : a.studentId > b.studentId ? 1 : 0));
      boundaryScore = aStudents[allowedA].score;
      for (const entry of aStudents) {
        if (entry.score <= boundaryScore) {
          demoted.push({ studentId: entry.studentId, score: entry.score });
          demotedKeys.add(quotaKey(entry.studentId, dimension));
        }
      }
    }
    const final = { ...computed };
    final.A -= demoted.length;
    final.B += demoted.length;
    reports.push({ schoolId, dimension, students: list.length, exempt, allowedA, computed, final, boundaryScore, demoted });
  }
  reports.sort((a, b) => (a.schoolId < b.schoolId ? -1 : a.schoolId > b.schoolId ? 1 : dimensionOrder.indexOf(a.dimension) - dimensionOrder.indexOf(b.dimension)));
  return { demotedKeys, groups: reports };
}

/** Level counts of a list of levels (for distributions). */
export function countLevels(levels: Iterable<EvaluationLevel>): LevelCounts {
  const counts = emptyCounts();
  for (const level of levels) if ((EVALUATION_LEVELS as readonly string[]).includes(level)) counts[level] += 1;
  return counts;
}
