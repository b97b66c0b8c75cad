import { EVERYTHING } from '../../auth/data-scope';
import type { GrowthService } from '../../growth/growth.service';
import type { CompiledSection, PortfolioSection, PortfolioStudent } from './section';

/** 成长档案: the student's growth profile — per finished growth run: value, cohort z, percentile rank, SGP. */
export class GrowthSection implements PortfolioSection {
  readonly key = 'growth';
  readonly titleZh = '成长情况';

  constructor(private readonly growth: GrowthService) {}

  async compile(student: PortfolioStudent): Promise<CompiledSection> {
    const profile = await this.growth.studentProfile(student.id, EVERYTHING);
    return {
      content: {
        entries: profile.entries.map((entry) => ({
          runId: entry.runId,
          indicator: entry.indicator,
          current: entry.current,
          value: entry.value,
          zScore: entry.zScore,
          percentileRank: entry.percentileRank,
          sgp: entry.sgp,
          sgpOrder: entry.sgpOrder,
        })),
      },
    };
  }
}
