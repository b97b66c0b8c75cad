import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A school's students in 学籍号 order (the students list): (school_id, student_number) replaces (school_id). */
export class IndexStudentsBySchoolAndNumber1795956000000 implements MigrationInterface {
  name = 'IndexStudentsBySchoolAndNumber1795956000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE INDEX "ix_students_school_number" ON "students" ("school_id", "student_number") ');
    await queryRunner.query('DROP INDEX "public"."ix_students_school_id"');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE INDEX "ix_students_school_id" ON "students" ("school_id") ');
    await queryRunner.query('DROP INDEX "public"."ix_students_school_number"');
  }
}
