import { Check, Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * The deployment's review parameters (provinces differ: configuration, not code). One row
 * (id 1); absent means the defaults of review-settings.ts.
 */
@Entity({ name: 'review_settings' })
@Check('ck_review_settings_single_row', `id = 1`)
@Check('ck_review_settings_publicity_days', `publicity_min_working_days BETWEEN 1 AND 30`)
export class ReviewSettings {
  @PrimaryColumn({ type: 'smallint' })
  id: number;

  /** 公示期 minimum in working days: 5 by default; provinces use 5, 7, 10 or 15. */
  @Column({ type: 'integer' })
  publicityMinWorkingDays: number;

  /** An appeal must be filed within this many working days after the rejection / confirmation. */
  @Column({ type: 'integer' })
  appealWindowWorkingDays: number;

  /** A dismissed appeal may be escalated to the bureau (复议) within this many working days. */
  @Column({ type: 'integer' })
  escalationWindowWorkingDays: number;

  /** 遴选 caps: at most this many selected records per student, term and dimension. */
  @Column({ type: 'jsonb' })
  selectionCaps: Record<string, number>;

  /** Integrity: more claimed hours than this on one day is implausible. */
  @Column({ type: 'numeric' })
  maxHoursPerDay: string;

  /** Integrity: `burstCount` submissions by one student within `burstMinutes` is a burst. */
  @Column({ type: 'integer' })
  burstCount: number;

  @Column({ type: 'integer' })
  burstMinutes: number;

  @Column({ type: 'uuid', nullable: true })
  updatedBy: string | null;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
