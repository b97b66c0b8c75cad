import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { DIMENSIONS } from '../intake/dimensions';
import type { UpdateReviewSettingsDto } from './dto/settings.dto';
import { ReviewError } from './review.errors';

export interface ReviewSettingsView {
  publicityMinWorkingDays: number;
  appealWindowWorkingDays: number;
  escalationWindowWorkingDays: number;
  /** At most this many selected records per student, term and dimension. */
  selectionCaps: Record<string, number>;
  maxHoursPerDay: number;
  burstCount: number;
  burstMinutes: number;
  updatedBy: string | null;
  updatedAt: string | null;
}

/**
 * Defaults: 5 working days of publicity (DOMAIN.md), 5 working days to appeal and to escalate,
 * 10 selected records per dimension and term, 12 claimed hours a day, 5 submissions within
 * 10 minutes. A deployment changes them (PUT /api/review/settings); provinces differ.
 */
export const DEFAULT_REVIEW_SETTINGS: ReviewSettingsView = {
  publicityMinWorkingDays: 5,
  appealWindowWorkingDays: 5,
  escalationWindowWorkingDays: 5,
  selectionCaps: Object.fromEntries(DIMENSIONS.map((dimension) => [dimension, 10])),
  maxHoursPerDay: 12,
  burstCount: 5,
  burstMinutes: 10,
  updatedBy: null,
  updatedAt: null,
};

/** Provincial publicity minimums seen in practice (DOMAIN.md). */
export const PUBLICITY_DAY_CHOICES = [5, 7, 10, 15] as const;

@Injectable()
export class ReviewSettingsService {
  constructor(private readonly dataSource: DataSource) {}

  async get(manager: EntityManager = this.dataSource.manager): Promise<ReviewSettingsView> {
    const [row] = (await manager.query('SELECT * FROM review_settings WHERE id = 1')) as Record<string, unknown>[];
    if (!row) return DEFAULT_REVIEW_SETTINGS;
    return {
      publicityMinWorkingDays: row.publicity_min_working_days as number,
      appealWindowWorkingDays: row.appeal_window_working_days as number,
      escalationWindowWorkingDays: row.escalation_window_working_days as number,
      selectionCaps: { ...DEFAULT_REVIEW_SETTINGS.selectionCaps, ...(row.selection_caps as Record<string, number>) },
      maxHoursPerDay: Number(row.max_hours_per_day),
      burstCount: row.burst_count as number,
      burstMinutes: row.burst_minutes as number,
      updatedBy: row.updated_by as string | null,
      updatedAt: (row.updated_at as Date).toISOString(),
    };
  }

  async update(userId: string, dto: UpdateReviewSettingsDto): Promise<ReviewSettingsView> {
    const current = await this.get();
    const caps = { ...current.selectionCaps, ...(dto.selectionCaps ?? {}) };
    for (const [dimension, cap] of Object.entries(caps)) {
      if (!(DIMENSIONS as readonly string[]).includes(dimension) || !Number.isInteger(cap) || cap < 0 || cap > 100) {
        throw new ReviewError('INVALID_SETTINGS', `selectionCaps must map dimensions (${DIMENSIONS.join(', ')}) to whole numbers 0–100; got ${dimension}: ${cap}`, `遴选上限须为各维度0–100的整数`);
      }
    }
    const given = Object.fromEntries(Object.entries(dto).filter(([, v]) => v !== undefined)) as UpdateReviewSettingsDto;
    const next = { ...current, ...given, selectionCaps: caps };
    await this.dataSource.query(
      `INSERT INTO review_settings (id, publicity_min_working_days, appeal_window_working_days, escalation_window_working_days, selection_caps, max_hours_per_day, burst_count, burst_minutes, updated_by, updated_at)
       VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8, now())
       ON CONFLICT (id) DO UPDATE SET publicity_min_working_days = EXCLUDED.publicity_min_working_days, appeal_window_working_days = EXCLUDED.appeal_window_working_days,
         escalation_window_working_days = EXCLUDED.escalation_window_working_days, selection_caps = EXCLUDED.selection_caps, max_hours_per_day = EXCLUDED.max_hours_per_day,
         burst_count = EXCLUDED.burst_count, burst_minutes = EXCLUDED.burst_minutes, updated_by = EXCLUDED.updated_by, updated_at = now()`,
      [next.publicityMinWorkingDays, next.appealWindowWorkingDays, next.escalationWindowWorkingDays, JSON.stringify(caps), next.maxHoursPerDay, next.burstCount, next.burstMinutes, userId],
    );
    return this.get();
  }
}
