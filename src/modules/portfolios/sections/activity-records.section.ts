import { DIMENSIONS } from '../../intake/dimensions';
import type { ConfirmedRecordsService } from '../../review/confirmed-records.service';
import type { CompiledSection, PortfolioSection, PortfolioStudent } from './section';

/**
 * 写实记录: the student's confirmed activity records from the review workflow (after 公示:
 * CONFIRMED, or AMENDED — the corrected version after an upheld appeal or an integrity case),
 * each with its version, when it was confirmed and the SHA-256 of its evidence files, and the
 * count and hours per dimension. Drafts, records under review, returned, rejected or revoked
 * never enter.
 */
export class ActivityRecordsSection implements PortfolioSection {
  readonly key = 'activityRecords';
  readonly titleZh = '写实记录';

  constructor(private readonly confirmed: ConfirmedRecordsService) {}

  async compile(student: PortfolioStudent): Promise<CompiledSection> {
    // The caller's right to compile this student's portfolio was checked; the review module applies no scope of its own here.
    const records = await this.confirmed.confirmedRecordsForStudent(student.id);
    const items = records.map((record) => ({
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
      confirmedAt: record.confirmedAt,
      evidenceSha256: record.evidence.map((file) => file.sha256),
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
