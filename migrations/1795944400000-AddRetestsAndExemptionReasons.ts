import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddRetestsAndExemptionReasons1795944400000 implements MigrationInterface {
  name = 'AddRetestsAndExemptionReasons1795944400000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"term_records\" ADD \"marker_reason\" character varying(200)");
    await queryRunner.query("ALTER TABLE \"fitness_results\" ADD \"exemption_reason\" text");
    await queryRunner.query("ALTER TABLE \"fitness_results\" ADD \"retest\" jsonb");
    await queryRunner.query("ALTER TABLE \"term_records\" ADD CONSTRAINT \"ck_term_records_marker_reason\" CHECK (marker_reason IS NULL OR marker IN ('exempt', 'deferred'))");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"term_records\" DROP CONSTRAINT \"ck_term_records_marker_reason\"");
    await queryRunner.query("ALTER TABLE \"fitness_results\" DROP COLUMN \"retest\"");
    await queryRunner.query("ALTER TABLE \"fitness_results\" DROP COLUMN \"exemption_reason\"");
    await queryRunner.query("ALTER TABLE \"term_records\" DROP COLUMN \"marker_reason\"");
  }
}
