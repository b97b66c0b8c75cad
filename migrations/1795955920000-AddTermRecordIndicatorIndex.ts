import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * term_records by indicator and term, carrying school and update time (ADR 0920): the fitness
 * freshness check (count and latest update of a year's fitness records per school, before every
 * fitness read) becomes an index-only scan of those records instead of a pass over the whole
 * table, and the myopia aggregate finds a year's screenings without one. Written by hand: the
 * entity declares it with synchronize: false, as TypeORM cannot express INCLUDE.
 */
export class AddTermRecordIndicatorIndex1795955920000 implements MigrationInterface {
  name = 'AddTermRecordIndicatorIndex1795955920000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE INDEX "ix_term_records_indicator_term" ON "term_records" ("indicator_id", "term_id") INCLUDE ("school_id", "updated_at")');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "ix_term_records_indicator_term"');
  }
}
