import { EVERYTHING } from '../../auth/data-scope';
import type { RecordsService } from '../../intake/records.service';
import { artAssessment } from '../../../scoring-core';
import { allPages, type CompiledSection, type PortfolioSection, type PortfolioStudent } from './section';

const PARTS: Readonly<Record<string, 'basic' | 'academic' | 'development'>> = {
  'aesthetic.assessment.basic': 'basic',
  'aesthetic.assessment.academic': 'academic',
  'aesthetic.assessment.development': 'development',
};

/**
 * 艺术素质测评 per term: the level (优秀/良好/合格/不合格 at 90/75/60 of 基础 + 学业 + 发展, by the
 * scoring core), not the points — admitting high schools see art "level only" (DOMAIN.md; ADR
 * 0822) — and the student's other aesthetic records that are levels or text (course grades, art skills).
 */
export class ArtSection implements PortfolioSection {
  readonly key = 'art';
  readonly titleZh = '艺术素质测评';

  constructor(private readonly records: RecordsService) {}

  async compile(student: PortfolioStudent): Promise<CompiledSection> {
    const records = await allPages((page) => this.records.listTermRecords(EVERYTHING, { studentId: student.id, dimension: 'aesthetic', page, pageSize: 200 }));
    const terms = new Map<string, { basic: number | null; academic: number | null; development: number | null }>();
    const other: Record<string, unknown>[] = [];
    for (const record of records) {
      const part = PARTS[record.indicator.code];
      if (part) {
        const term = terms.get(record.term.code) ?? { basic: null, academic: null, development: null };
        term[part] = record.value.number;
        terms.set(record.term.code, term);
      } else {
        // Numbers (scores) stay with the school; levels and text (course grade A–E, art skill) are what the portfolio shows.
        if (record.value.number === null) other.push({ term: record.term.code, indicator: record.indicator.code, nameZh: record.indicator.nameZh, value: record.value.text, marker: record.value.marker });
      }
    }
    const assessments = [...terms.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([term, parts]) => ({ term, level: artAssessment(parts).level, complete: parts.basic !== null && parts.academic !== null && parts.development !== null }));
    return { content: { assessments, otherRecords: other } };
  }
}
