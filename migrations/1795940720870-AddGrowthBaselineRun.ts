import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddGrowthBaselineRun1795940720870 implements MigrationInterface {
  name = 'AddGrowthBaselineRun1795940720870';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"growth_runs\" ADD \"baseline_run_id\" uuid");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"growth_runs\" DROP COLUMN \"baseline_run_id\"");
  }
}
