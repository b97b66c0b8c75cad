import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddGrowthPriorStandings1795941006064 implements MigrationInterface {
  name = 'AddGrowthPriorStandings1795941006064';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"growth_student_results\" ADD \"prior_z_scores\" jsonb NOT NULL DEFAULT '[]'");
    await queryRunner.query("ALTER TABLE \"growth_student_results\" ADD \"prior_percentile_ranks\" jsonb NOT NULL DEFAULT '[]'");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"growth_student_results\" DROP COLUMN \"prior_percentile_ranks\"");
    await queryRunner.query("ALTER TABLE \"growth_student_results\" DROP COLUMN \"prior_z_scores\"");
  }
}
