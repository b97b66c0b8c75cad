/**
 * Level of a 艺术素质测评 (art-quality assessment) total.
 *
 * total = 基础指标 (0–40) + 学业指标 (0–50) + 发展指标 (0–20, of which 10 are bonus), at most 110;
 * level: 优秀 total ≥ 90, 良好 75 ≤ total < 90, 合格 60 ≤ total < 75, 不合格 below 60.
 * Source: 教育部《中小学生艺术素质测评办法》(教体艺〔2015〕5号), DOMAIN.md "aesthetic". A part that
 * is missing gives no total (never a zero). Throws RangeError for a part outside its range or a
 * non-finite value. O(1).
 * Example: artAssessment({ basic: 36, academic: 44, development: 12 }) → { total: 92, level: 'excellent' }.
 */
export type ArtAssessmentLevel = 'excellent' | 'good' | 'pass' | 'fail';

export const ART_ASSESSMENT_LEVEL_NAMES_ZH: Readonly<Record<ArtAssessmentLevel, string>> = { excellent: '优秀', good: '良好', pass: '合格', fail: '不合格' };

export interface ArtAssessmentParts {
  readonly basic: number | null;
  readonly academic: number | null;
  readonly development: number | null;
}

const RANGES: Readonly<Record<keyof ArtAssessmentParts, number>> = { basic: 40, academic: 50, development: 20 };

export function artAssessment(parts: ArtAssessmentParts): { total: number | null; level: ArtAssessmentLevel | null } {
  let total = 0;
  for (const key of ['basic', 'academic', 'development'] as const) {
    const value = parts[key];
    if (value === null) return { total: null, level: null };
    if (!Number.isFinite(value) || value < 0 || value > RANGES[key]) throw new RangeError(`art assessment part ${key} = ${value} is outside 0–${RANGES[key]}`);
    total += value;
  }
  // Parts are recorded to at most one decimal: round the sum to tenths so 0.1 + 0.2 compares as 0.3.
  total = Math.round(total * 10) / 10;
  const level: ArtAssessmentLevel = total >= 90 ? 'excellent' : total >= 75 ? 'good' : total >= 60 ? 'pass' : 'fail';
  return { total, level };
}
