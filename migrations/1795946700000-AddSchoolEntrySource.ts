import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Term records entered one at a time through the API have the source `school_entry` (ADR 0512).
 * Written by hand: the schema diff does not compare the expressions of check constraints.
 */
export class AddSchoolEntrySource1795946700000 implements MigrationInterface {
  name = 'AddSchoolEntrySource1795946700000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "term_records" DROP CONSTRAINT "ck_term_records_source"');
    await queryRunner.query(`ALTER TABLE "term_records" ADD CONSTRAINT "ck_term_records_source" CHECK (source IN ('student', 'teacher_on_behalf', 'school_import', 'system', 'school_entry'))`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "term_records" DROP CONSTRAINT "ck_term_records_source"');
    await queryRunner.query(`ALTER TABLE "term_records" ADD CONSTRAINT "ck_term_records_source" CHECK (source IN ('student', 'teacher_on_behalf', 'school_import', 'system'))`);
  }
}
