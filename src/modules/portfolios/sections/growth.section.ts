import { EVERYTHING } from '../../auth/data-scope';
import type { GrowthService } from '../../growth/growth.service';
import type { CompiledSection, PortfolioSection, PortfolioStudent } from './section';

/**
 * Growth band of a student growth percentile, the usual SGP reporting bands (Betebenner 2009:
 * low < 35, typical 35–65, high > 65). The portfolio shows the band, never the percentile or the
 * student's standing in the cohort: admitting high schools see no ranks (DOMAIN.md; ADR 0822).
 */
export function growthBand(sgp: number | null): 'low' | 'typical' | 'high' | null {
  if (sgp === null) return null;
  return sgp < 35 ? 'low' : sgp > 65 ? 'high' : 'typical';
}

/** 成长情况: the student's growth profile — per finished growth run: the indicator, the occasions and the growth band. */
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
          priors: entry.priors,
          growthBand: growthBand(entry.sgp),
        })),
      },
    };
  }
}
