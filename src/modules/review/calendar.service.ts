import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { HolidayDto } from './dto/publicity.dto';
import type { HolidayKind } from './entities/holiday.entity';
import { ReviewError, reviewNotFound } from './review.errors';
import { endOfChinaDay, type WorkingDayCalendar, windowOfWorkingDays } from './workflow/working-days';

export interface HolidayResponse {
  date: string;
  kind: HolidayKind;
  name: string;
}

/** The working-day calendar (holidays and 调休 make-up days), kept by the city administrator. */
@Injectable()
export class CalendarService {
  constructor(private readonly dataSource: DataSource) {}

  async calendar(manager: EntityManager = this.dataSource.manager): Promise<WorkingDayCalendar> {
    const rows = (await manager.query(`SELECT date::text AS date, kind FROM holidays`)) as { date: string; kind: HolidayKind }[];
    return {
      holidays: new Set(rows.filter((row) => row.kind === 'holiday').map((row) => row.date)),
      makeupWorkdays: new Set(rows.filter((row) => row.kind === 'makeup_workday').map((row) => row.date)),
    };
  }

  async list(year: number | undefined): Promise<HolidayResponse[]> {
    const rows = (await this.dataSource.query(
      `SELECT date::text AS date, kind, name FROM holidays WHERE $1::int IS NULL OR extract(year FROM date) = $1 ORDER BY date`,
      [year ?? null],
    )) as HolidayResponse[];
    return rows;
  }

  async put(userId: string, date: string, dto: HolidayDto): Promise<HolidayResponse> {
    const day = new Date(`${date}T00:00:00Z`);
    if (Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== date) throw new ReviewError('INVALID_SETTINGS', `${date} is not a calendar date`, `${date}不是有效日期`);
    const weekday = day.getUTCDay();
    if (dto.kind === 'makeup_workday' && weekday !== 0 && weekday !== 6) {
      throw new ReviewError('INVALID_SETTINGS', 'a make-up working day (调休上班) must be a Saturday or Sunday', '调休上班日须为周六或周日');
    }
    await this.dataSource.query(
      `INSERT INTO holidays (date, kind, name, created_by) VALUES ($1, $2, $3, $4) ON CONFLICT (date) DO UPDATE SET kind = EXCLUDED.kind, name = EXCLUDED.name, created_by = EXCLUDED.created_by`,
      [date, dto.kind, dto.name, userId],
    );
    return { date, kind: dto.kind, name: dto.name };
  }

  async remove(date: string): Promise<HolidayResponse> {
    const rows = (await this.dataSource.query(`DELETE FROM holidays WHERE date = $1::date RETURNING date::text AS date, kind, name`, [date])) as HolidayResponse[];
    if (rows.length === 0) throw reviewNotFound('holiday', '节假日', date);
    return rows[0];
  }

  /** What a window starting on `start` with `days` working days would be, over the current calendar. */
  async preview(start: string, days: number): Promise<{ firstDay: string; lastDay: string; closesAt: string; workingDays: number }> {
    try {
      const window = windowOfWorkingDays(start, days, await this.calendar());
      return { ...window, closesAt: endOfChinaDay(window.lastDay).toISOString(), workingDays: days };
    } catch (error) {
      if (error instanceof RangeError) throw new ReviewError('INVALID_BATCH', error.message, '日期或工作日数不合法');
      throw error;
    }
  }
}
