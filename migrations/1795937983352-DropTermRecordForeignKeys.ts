import type { MigrationInterface, QueryRunner } from 'typeorm';

export class DropTermRecordForeignKeys1795937983352 implements MigrationInterface {
  name = 'DropTermRecordForeignKeys1795937983352';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"term_records\" DROP CONSTRAINT \"FK_f60c3edad44902b8245dcb37c24\"");
    await queryRunner.query("ALTER TABLE \"term_records\" DROP CONSTRAINT \"FK_cf1e60aefbc897890cd67f336f0\"");
    await queryRunner.query("ALTER TABLE \"term_records\" DROP CONSTRAINT \"FK_59ccb45eea1f9e3206c213a4615\"");
    await queryRunner.query("ALTER TABLE \"term_records\" DROP CONSTRAINT \"FK_865eca1b25ae35811b5f60a6cfe\"");
    await queryRunner.query("ALTER TABLE \"term_records\" DROP CONSTRAINT \"FK_ee77c8fd41516cfbec135ea92e6\"");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"term_records\" ADD CONSTRAINT \"FK_ee77c8fd41516cfbec135ea92e6\" FOREIGN KEY (\"import_batch_id\") REFERENCES \"import_batches\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"term_records\" ADD CONSTRAINT \"FK_865eca1b25ae35811b5f60a6cfe\" FOREIGN KEY (\"indicator_id\") REFERENCES \"indicators\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"term_records\" ADD CONSTRAINT \"FK_59ccb45eea1f9e3206c213a4615\" FOREIGN KEY (\"term_id\") REFERENCES \"terms\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"term_records\" ADD CONSTRAINT \"FK_cf1e60aefbc897890cd67f336f0\" FOREIGN KEY (\"student_id\") REFERENCES \"students\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"term_records\" ADD CONSTRAINT \"FK_f60c3edad44902b8245dcb37c24\" FOREIGN KEY (\"school_id\") REFERENCES \"schools\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
  }
}
