import { EVERYTHING } from '../../auth/data-scope';
import { DIMENSIONS } from '../../intake/dimensions';
import type { RecordsService } from '../../intake/records.service';
import { allPages, type CompiledSection, type PortfolioSection, type PortfolioStudent } from './section';

/**
 * 写实记录: the student's confirmed activity records (after 公示: CONFIRMED, or AMENDED — the
 * corrected version after an upheld appeal), each with its version, and the count and hours per
 * dimension. Drafts, records under review, returned, rejected or revoked never enter.
 */
export class ActivityRecordsSection implements PortfolioSection {
  readonly key = 'activityRecords';
  readonly titleZh = '写实记录';

  constructor(private readonly records: RecordsService) {}

  async compile(student: PortfolioStudent): Promise<CompiledSection> {
    // The caller's right to compile this student's portfolio was checked; the section reads everything of the student.
    const all = await allPages((page) => this.records.listActivityRecords(EVERYTHING, { studentId: student.id, page, pageSize: 200 }));
    const confirmed = all.filter((record) => record.status === 'CONFIRMED' || record.status === 'AMENDED');
    const items = confirmed.map((record) => ({
      id: record.id,
      version: record.version,
      status: record.status,
      term: record.term.code,
      dimension: record.dimension,
      recordType: record.recordType,
      title: record.title,
      level: record.level,
      role: record.role,
      startDate: record.startDate,
      endDate: record.endDate,
      hours: record.hours,
      location: record.location,
      organiser: record.organiser,
      awardRank: record.awardRank,
      source: record.source,
    }));
    const byDimension = Object.fromEntries(
      DIMENSIONS.map((dimension) => {
        const of = items.filter((item) => item.dimension === dimension);
        return [dimension, { count: of.length, hours: Math.round(of.reduce((sum, item) => sum + (item.hours ?? 0), 0) * 100) / 100 }];
      }),
    );
    return { content: { items, byDimension } };
  }
}
