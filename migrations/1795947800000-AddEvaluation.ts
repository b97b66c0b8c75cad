import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddEvaluation1795947800000 implements MigrationInterface {
  name = 'AddEvaluation1795947800000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"evaluation_rubrics\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"code\" character varying(60) NOT NULL, \"version\" integer NOT NULL, \"name_zh\" character varying(100) NOT NULL, \"name_en\" character varying(200) NOT NULL, \"description\" character varying(2000), \"definition\" jsonb NOT NULL, \"built_in\" boolean NOT NULL DEFAULT false, \"supersedes_id\" uuid, \"superseded_at\" TIMESTAMP WITH TIME ZONE, \"created_by\" uuid, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"ck_evaluation_rubrics_version\" CHECK (version >= 1), CONSTRAINT \"PK_8c8840b1490031e4e355c4938d2\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE UNIQUE INDEX \"uq_evaluation_rubrics_code_version\" ON \"evaluation_rubrics\"  (\"code\", \"version\") ");
    await queryRunner.query("CREATE TABLE \"evaluation_assignments\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"stage\" character varying(16) NOT NULL, \"entry_year\" smallint NOT NULL, \"region_id\" uuid, \"rubric_id\" uuid NOT NULL, \"assigned_by\" uuid, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"ck_evaluation_assignments_entry_year\" CHECK (entry_year BETWEEN 2000 AND 2100), CONSTRAINT \"ck_evaluation_assignments_stage\" CHECK (stage IN ('primary', 'junior', 'senior')), CONSTRAINT \"PK_98d24083facdf48967cdaaeebe2\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"ix_evaluation_assignments_rubric_id\" ON \"evaluation_assignments\"  (\"rubric_id\") ");
    await queryRunner.query("CREATE UNIQUE INDEX \"uq_evaluation_assignments_cohort_region\" ON \"evaluation_assignments\"  (\"stage\", \"entry_year\", \"region_id\") WHERE region_id IS NOT NULL");
    await queryRunner.query("CREATE UNIQUE INDEX \"uq_evaluation_assignments_cohort\" ON \"evaluation_assignments\"  (\"stage\", \"entry_year\") WHERE region_id IS NULL");
    await queryRunner.query("CREATE TABLE \"evaluation_runs\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"kind\" character varying(12) NOT NULL, \"job_id\" uuid, \"state\" character varying(12) NOT NULL DEFAULT 'queued', \"rubric_id\" uuid NOT NULL, \"term_id\" uuid, \"stage\" character varying(16) NOT NULL, \"entry_year\" smallint NOT NULL, \"region_id\" uuid, \"input_hash\" character(64), \"engine_version\" character varying(40), \"summary\" jsonb, \"quota\" jsonb, \"error\" jsonb, \"created_by\" uuid, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"finished_at\" TIMESTAMP WITH TIME ZONE, CONSTRAINT \"ck_evaluation_runs_term\" CHECK ((kind = 'term') = (term_id IS NOT NULL)), CONSTRAINT \"ck_evaluation_runs_state\" CHECK (state IN ('queued', 'running', 'succeeded', 'failed')), CONSTRAINT \"ck_evaluation_runs_kind\" CHECK (kind IN ('term', 'graduation')), CONSTRAINT \"PK_fbeb1f5d29c74ecda426e2e98f5\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"ix_evaluation_runs_rubric_id\" ON \"evaluation_runs\"  (\"rubric_id\") ");
    await queryRunner.query("CREATE INDEX \"ix_evaluation_runs_cohort\" ON \"evaluation_runs\"  (\"stage\", \"entry_year\", \"term_id\") ");
    await queryRunner.query("CREATE TABLE \"evaluation_results\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"run_id\" uuid NOT NULL, \"student_id\" uuid NOT NULL, \"school_id\" uuid NOT NULL, \"dimension\" character varying(12) NOT NULL, \"score\" double precision NOT NULL, \"computed_level\" character(1) NOT NULL, \"level\" character(1) NOT NULL, \"quota_adjusted\" boolean NOT NULL DEFAULT false, \"provenance\" jsonb NOT NULL, CONSTRAINT \"ck_evaluation_results_levels\" CHECK (computed_level IN ('A', 'B', 'C', 'D') AND level IN ('A', 'B', 'C', 'D')), CONSTRAINT \"PK_c621da2265b8bed07a44a5d5fa6\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"ix_evaluation_results_run_school\" ON \"evaluation_results\"  (\"run_id\", \"school_id\") ");
    await queryRunner.query("CREATE INDEX \"ix_evaluation_results_student_id\" ON \"evaluation_results\"  (\"student_id\") ");
    await queryRunner.query("CREATE UNIQUE INDEX \"uq_evaluation_results_run_student_dimension\" ON \"evaluation_results\"  (\"run_id\", \"student_id\", \"dimension\") ");
    await queryRunner.query("ALTER TABLE \"evaluation_rubrics\" ADD CONSTRAINT \"FK_cf516954a6e5381cedae40a6f77\" FOREIGN KEY (\"supersedes_id\") REFERENCES \"evaluation_rubrics\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"evaluation_assignments\" ADD CONSTRAINT \"FK_50355d22c7c9ee6661e27631ff5\" FOREIGN KEY (\"region_id\") REFERENCES \"regions\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"evaluation_assignments\" ADD CONSTRAINT \"FK_944a927ad2dc506201e3921a523\" FOREIGN KEY (\"rubric_id\") REFERENCES \"evaluation_rubrics\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"evaluation_runs\" ADD CONSTRAINT \"FK_1902e7a23a01694d911f68cdc74\" FOREIGN KEY (\"rubric_id\") REFERENCES \"evaluation_rubrics\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"evaluation_runs\" ADD CONSTRAINT \"FK_c5ef2bbe562f4c5416ad56c6617\" FOREIGN KEY (\"term_id\") REFERENCES \"terms\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"evaluation_runs\" ADD CONSTRAINT \"FK_3a45c6524f06d3a6a266e85e209\" FOREIGN KEY (\"region_id\") REFERENCES \"regions\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"evaluation_results\" ADD CONSTRAINT \"FK_557922742d4e7b90b56e8aa840f\" FOREIGN KEY (\"run_id\") REFERENCES \"evaluation_runs\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"evaluation_results\" ADD CONSTRAINT \"FK_f31ff95bf530618da4ecf4d8117\" FOREIGN KEY (\"student_id\") REFERENCES \"students\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"evaluation_results\" DROP CONSTRAINT \"FK_f31ff95bf530618da4ecf4d8117\"");
    await queryRunner.query("ALTER TABLE \"evaluation_results\" DROP CONSTRAINT \"FK_557922742d4e7b90b56e8aa840f\"");
    await queryRunner.query("ALTER TABLE \"evaluation_runs\" DROP CONSTRAINT \"FK_3a45c6524f06d3a6a266e85e209\"");
    await queryRunner.query("ALTER TABLE \"evaluation_runs\" DROP CONSTRAINT \"FK_c5ef2bbe562f4c5416ad56c6617\"");
    await queryRunner.query("ALTER TABLE \"evaluation_runs\" DROP CONSTRAINT \"FK_1902e7a23a01694d911f68cdc74\"");
    await queryRunner.query("ALTER TABLE \"evaluation_assignments\" DROP CONSTRAINT \"FK_944a927ad2dc506201e3921a523\"");
    await queryRunner.query("ALTER TABLE \"evaluation_assignments\" DROP CONSTRAINT \"FK_50355d22c7c9ee6661e27631ff5\"");
    await queryRunner.query("ALTER TABLE \"evaluation_rubrics\" DROP CONSTRAINT \"FK_cf516954a6e5381cedae40a6f77\"");
    await queryRunner.query("DROP INDEX \"public\".\"uq_evaluation_results_run_student_dimension\"");
    await queryRunner.query("DROP INDEX \"public\".\"ix_evaluation_results_student_id\"");
    await queryRunner.query("DROP INDEX \"public\".\"ix_evaluation_results_run_school\"");
    await queryRunner.query("DROP TABLE \"evaluation_results\"");
    await queryRunner.query("DROP INDEX \"public\".\"ix_evaluation_runs_cohort\"");
    await queryRunner.query("DROP INDEX \"public\".\"ix_evaluation_runs_rubric_id\"");
    await queryRunner.query("DROP TABLE \"evaluation_runs\"");
    await queryRunner.query("DROP INDEX \"public\".\"uq_evaluation_assignments_cohort\"");
    await queryRunner.query("DROP INDEX \"public\".\"uq_evaluation_assignments_cohort_region\"");
    await queryRunner.query("DROP INDEX \"public\".\"ix_evaluation_assignments_rubric_id\"");
    await queryRunner.query("DROP TABLE \"evaluation_assignments\"");
    await queryRunner.query("DROP INDEX \"public\".\"uq_evaluation_rubrics_code_version\"");
    await queryRunner.query("DROP TABLE \"evaluation_rubrics\"");
  }
}
