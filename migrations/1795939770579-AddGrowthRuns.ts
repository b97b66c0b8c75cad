import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddGrowthRuns1795939770579 implements MigrationInterface {
  name = 'AddGrowthRuns1795939770579';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"growth_runs\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"job_id\" uuid, \"state\" character varying(12) NOT NULL DEFAULT 'queued', \"indicator_code\" character varying(100) NOT NULL, \"current\" jsonb NOT NULL, \"priors\" jsonb NOT NULL, \"minimum_n\" integer NOT NULL DEFAULT '10', \"parameters\" jsonb, \"input_hash\" character(64), \"engine_version\" character varying(40), \"coefficients\" jsonb, \"goodness_of_fit\" jsonb, \"schools\" jsonb, \"summary\" jsonb, \"error\" jsonb, \"created_by\" uuid, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"finished_at\" TIMESTAMP WITH TIME ZONE, CONSTRAINT \"ck_growth_runs_minimum_n\" CHECK (minimum_n >= 1), CONSTRAINT \"ck_growth_runs_state\" CHECK (state IN ('queued', 'running', 'succeeded', 'failed')), CONSTRAINT \"PK_0ebc897be42b60c9e025b3c7426\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"ix_growth_runs_created\" ON \"growth_runs\"  (\"created_at\") ");
    await queryRunner.query("CREATE TABLE \"growth_student_results\" (\"run_id\" uuid NOT NULL, \"student_id\" uuid NOT NULL, \"school_id\" uuid NOT NULL, \"value\" double precision NOT NULL, \"z_score\" double precision NOT NULL, \"percentile_rank\" double precision NOT NULL, \"prior_values\" jsonb NOT NULL, \"sgp\" smallint, \"sgp_order\" smallint, CONSTRAINT \"PK_bc508339844911fa5f6d70014ce\" PRIMARY KEY (\"run_id\", \"student_id\"))");
    await queryRunner.query("CREATE INDEX \"ix_growth_student_results_school\" ON \"growth_student_results\"  (\"school_id\") ");
    await queryRunner.query("CREATE INDEX \"ix_growth_student_results_student\" ON \"growth_student_results\"  (\"student_id\") ");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX \"public\".\"ix_growth_student_results_student\"");
    await queryRunner.query("DROP INDEX \"public\".\"ix_growth_student_results_school\"");
    await queryRunner.query("DROP TABLE \"growth_student_results\"");
    await queryRunner.query("DROP INDEX \"public\".\"ix_growth_runs_created\"");
    await queryRunner.query("DROP TABLE \"growth_runs\"");
  }
}
