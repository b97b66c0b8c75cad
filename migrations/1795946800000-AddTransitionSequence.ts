import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddTransitionSequence1795946800000 implements MigrationInterface {
  name = 'AddTransitionSequence1795946800000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"activity_record_transitions\" ADD \"seq\" BIGSERIAL NOT NULL");
    await queryRunner.query("CREATE UNIQUE INDEX \"uq_activity_record_transitions_seq\" ON \"activity_record_transitions\"  (\"seq\") ");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX \"public\".\"uq_activity_record_transitions_seq\"");
    await queryRunner.query("ALTER TABLE \"activity_record_transitions\" DROP COLUMN \"seq\"");
  }
}
