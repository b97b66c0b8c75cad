import { EVERYTHING } from '../../auth/data-scope';
import type { FitnessResultsService } from '../../fitness/fitness-results.service';
import { fitnessGraduationScore, fitnessLevelFromTenths, type FitnessStage, type FitnessYearOutcome } from '../../../scoring-core';
import { allPages, type CompiledSection, type PortfolioSection, type PortfolioStudent } from './section';

const STAGE_OF_SCHOOL: Readonly<Record<string, FitnessStage>> = { primary: 'primary', junior: 'junior', nine_year: 'junior', senior: 'senior', twelve_year: 'senior', vocational: 'senior' };

/**
 * 体质健康: per school year the 国家学生体质健康标准 level (优秀/良好/及格/不及格) and status, and the
 * level of the graduation score (final year × 50% + mean of the other years × 50%, by the scoring
 * core; the latest school year on record is taken as the final year). Levels only: the portfolio
 * goes to admitting high schools, who see fitness "level only" (DOMAIN.md; ADR 0822); the scores
 * stay in the school's fitness results.
 */
export class FitnessSection implements PortfolioSection {
  readonly key = 'fitness';
  readonly titleZh = '体质健康';

  constructor(private readonly fitness: FitnessResultsService) {}

  async compile(student: PortfolioStudent): Promise<CompiledSection> {
    const results = await allPages((page) => this.fitness.list(EVERYTHING, { studentId: student.id, page, pageSize: 200 }));
    const scored = results
      .map((result) => ({ schoolYear: result.schoolYear, gradeCode: result.gradeCode, status: result.status, total: result.total, level: result.level }))
      .sort((a, b) => a.schoolYear.localeCompare(b.schoolYear));
    let graduation: Record<string, unknown> | null = null;
    if (scored.length > 0) {
      const outcomes: FitnessYearOutcome[] = scored.map((year) => ({ schoolYear: year.schoolYear, status: year.status as FitnessYearOutcome['status'], total: year.total }));
      const finalYear = outcomes[outcomes.length - 1];
      const result = fitnessGraduationScore({ stage: STAGE_OF_SCHOOL[student.school.stage] ?? 'junior', finalYear, otherYears: outcomes.slice(0, -1) });
      graduation = { finalYear: finalYear.schoolYear, status: result.status, level: result.score === null ? null : fitnessLevelFromTenths(Math.round(result.score * 10)), reason: result.reason };
    }
    const years = scored.map(({ total: _total, ...year }) => year);
    return { content: { years, graduation } };
  }
}
