import { JoinColumn, ManyToOne, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Region } from './region.entity';

export const SCHOOL_STAGES = ['primary', 'junior', 'senior', 'nine_year', 'twelve_year', 'vocational'] as const;
export type SchoolStage = (typeof SCHOOL_STAGES)[number];

/** A school, identified nationally by its 10-digit 学校标识码. */
@Entity({ name: 'schools' })
export class School {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('uq_schools_code', { unique: true })
  @Column({ type: 'char', length: 10 })
  code: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 16 })
  stage: SchoolStage;

  @Index('ix_schools_region_id')
  @Column({ type: 'uuid' })
  regionId: string;

  @ManyToOne(() => Region, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'region_id' })
  region?: Region;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
