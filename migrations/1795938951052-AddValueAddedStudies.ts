import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Value-added studies, their runs and group results (issue 6 point 4, ADR 0601). */
export class AddValueAddedStudies1795938951052 implements MigrationInterface {
  name = 'AddValueAddedStudies1795938951052';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"value_added_group_results\" (\"run_id\" uuid NOT NULL, \"model\" character varying(12) NOT NULL, \"group_id\" uuid NOT NULL, \"school_id\" uuid NOT NULL, \"n\" integer NOT NULL, \"estimate\" double precision NOT NULL, \"se\" double precision NOT NULL, \"ci_low\" double precision NOT NULL, \"ci_high\" double precision NOT NULL, \"category\" character varying(16) NOT NULL, \"reliability\" double precision, \"rank\" double precision NOT NULL, CONSTRAINT \"ck_value_added_group_results_category\" CHECK (category IN ('above', 'below', 'not_significant', 'insufficient')), CONSTRAINT \"PK_bfdfb2ce881edb704b3953ff707\" PRIMARY KEY (\"run_id\", \"model\", \"group_id\"))");
    await queryRunner.query("CREATE INDEX \"ix_value_added_group_results_school\" ON \"value_added_group_results\"  (\"school_id\") ");
    await queryRunner.query("CREATE TABLE \"value_added_runs\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"study_id\" uuid NOT NULL, \"job_id\" uuid, \"state\" character varying(12) NOT NULL DEFAULT 'queued', \"models\" jsonb NOT NULL, \"parameters\" jsonb, \"input_hash\" character(64), \"engine_version\" character varying(40), \"summary\" jsonb, \"comparison\" jsonb, \"error\" jsonb, \"created_by\" uuid, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"finished_at\" TIMESTAMP WITH TIME ZONE, CONSTRAINT \"ck_value_added_runs_state\" CHECK (state IN ('queued', 'running', 'succeeded', 'failed')), CONSTRAINT \"PK_c57b221483e7d10309f0331f628\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"ix_value_added_runs_study\" ON \"value_added_runs\"  (\"study_id\", \"created_at\") ");
    await queryRunner.query("CREATE TABLE \"value_added_studies\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"name\" character varying(100) NOT NULL, \"outcome\" jsonb NOT NULL, \"priors\" jsonb NOT NULL, \"covariates\" jsonb NOT NULL DEFAULT '[]', \"grouping\" character varying(10) NOT NULL, \"model\" character varying(12) NOT NULL, \"min_group_size\" integer NOT NULL DEFAULT '10', \"created_by\" uuid, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"ck_value_added_studies_min_group_size\" CHECK (min_group_size >= 1), CONSTRAINT \"ck_value_added_studies_model\" CHECK (model IN ('zgain', 'prgain', 'ols', 'multilevel')), CONSTRAINT \"ck_value_added_studies_grouping\" CHECK (grouping IN ('school', 'class')), CONSTRAINT \"PK_61294413210f3d02fb5314ac4a8\" PRIMARY KEY (\"id\"))");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE \"value_added_studies\"");
    await queryRunner.query("DROP INDEX \"public\".\"ix_value_added_runs_study\"");
    await queryRunner.query("DROP TABLE \"value_added_runs\"");
    await queryRunner.query("DROP INDEX \"public\".\"ix_value_added_group_results_school\"");
    await queryRunner.query("DROP TABLE \"value_added_group_results\"");
  }
}
