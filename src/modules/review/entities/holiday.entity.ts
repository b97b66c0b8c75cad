import { Check, Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export const HOLIDAY_KINDS = ['holiday', 'makeup_workday'] as const;
export type HolidayKind = (typeof HOLIDAY_KINDS)[number];

/**
 * The working-day calendar: weekdays that are off (法定节假日) and weekend days that are worked
 * (调休上班). Managed by the city administrator; publicity windows and appeal deadlines are
 * counted over it.
 */
@Entity({ name: 'holidays' })
@Check('ck_holidays_kind', `kind IN ('holiday', 'makeup_workday')`)
export class Holiday {
  @PrimaryColumn({ type: 'date' })
  date: string;

  @Column({ type: 'varchar', length: 16 })
  kind: HolidayKind;

  @Column({ type: 'varchar', length: 50 })
  name: string;

  @Column({ type: 'uuid', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
