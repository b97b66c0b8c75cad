import { EVERYTHING } from '../../auth/data-scope';
import type { RecordsService } from '../../intake/records.service';
import { allPages, type CompiledSection, type PortfolioSection, type PortfolioStudent } from './section';

/**
 * 劳动素养: the labour-dimension term records (劳动清单 items with category, hours and who confirmed
 * them; course grade, weekly hours, 劳动周, social practice) and the 劳动清单 hours per term and category.
 */
export class LabourSection implements PortfolioSection {
  readonly key = 'labour';
  readonly titleZh = '劳动素养';

  constructor(private readonly records: RecordsService) {}

  async compile(student: PortfolioStudent): Promise<CompiledSection> {
    const records = await allPages((page) => this.records.listTermRecords(EVERYTHING, { studentId: student.id, dimension: 'labour', page, pageSize: 200 }));
    const items = records.map((record) => ({
      term: record.term.code,
      indicator: record.indicator.code,
      nameZh: record.indicator.nameZh,
      category: record.indicator.code === 'labour.list_item_hours' ? record.occasion.key.split('|')[0] : null,
      item: record.occasion.itemName,
      date: record.occasion.date,
      value: record.value.number ?? record.value.text,
      marker: record.value.marker,
      attestedBy: record.attestedBy,
    }));
    const listHours: Record<string, Record<string, number>> = {};
    for (const item of items) {
      if (item.category === null || typeof item.value !== 'number') continue;
      const term = (listHours[item.term] ??= {});
      term[item.category] = Math.round(((term[item.category] ?? 0) + item.value) * 100) / 100;
    }
    return { content: { items, listHoursByTerm: listHours } };
  }
}
