import { EVERYTHING } from '../../auth/data-scope';
import type { FitnessResultsService } from '../../fitness/fitness-results.service';
import { fitnessGraduationScore, type FitnessStage, type FitnessYearOutcome } from '../../../scoring-core';
import { allPages, type CompiledSection, type PortfolioSection, type PortfolioStudent } from './section';

const STAGE_OF_SCHOOL: Readonly<Record<string, FitnessStage>> = { primary: 'primary', junior: 'junior', nine_year: 'junior', senior: 'senior', twelve_year: 'senior', vocational: 'senior' };

/**
 * 体质健康: the 国家学生体质健康标准 year results (total, level, status) and the graduation score
 * (final year × 50% + mean of the other years × 50%, by the scoring core) with the latest
 * school year on record taken as the final year.
 */
export class FitnessSection implements PortfolioSection {
  readonly key = 'fitness';
  readonly titleZh = '体质健康';

  constructor(private readonly fitness: FitnessResultsService) {}

  async compile(student: PortfolioStudent): Promise<CompiledSection> {
    const results = await allPages((page) => this.fitness.list(EVERYTHING, { studentId: student.id, page, pageSize: 200 }));
    const years = results
      .map((result) => ({ schoolYear: result.schoolYear, gradeCode: result.gradeCode, status: result.status, standardScore: result.standardScore, bonus: result.bonus, total: result.total, level: result.level }))
      .sort((a, b) => a.schoolYear.localeCompare(b.schoolYear));
    let graduation: Record<string, unknown> | null = null;
    if (years.length > 0) {
      const outcomes: FitnessYearOutcome[] = years.map((year) => ({ schoolYear: year.schoolYear, status: year.status as FitnessYearOutcome['status'], total: year.total }));
      const finalYear = outcomes[outcomes.length - 1];
      const result = fitnessGraduationScore({ stage: STAGE_OF_SCHOOL[student.school.stage] ?? 'junior', finalYear, otherYears: outcomes.slice(0, -1) });
      graduation = { finalYear: finalYear.schoolYear, status: result.status, score: result.score, otherYearsUsed: result.otherYearsUsed, belowFifty: result.belowFifty, reason: result.reason };
    }
    return { content: { years, graduation } };
  }
}
