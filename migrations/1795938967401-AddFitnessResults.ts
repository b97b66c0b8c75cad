import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Stored fitness year results per student × school year and the watermark of the raw data they came from (ADR 0501). */
export class AddFitnessResults1795938967401 implements MigrationInterface {
  name = 'AddFitnessResults1795938967401';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"fitness_result_sets\" (\"school_id\" uuid NOT NULL, \"school_year\" character varying(9) NOT NULL, \"source_count\" integer NOT NULL, \"source_updated_at\" TIMESTAMP WITH TIME ZONE, \"standard_version\" character varying(80) NOT NULL, \"computed_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_271529bd8e590e55c7c7abdd749\" PRIMARY KEY (\"school_id\", \"school_year\"))");
    await queryRunner.query("CREATE TABLE \"fitness_results\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"student_id\" uuid NOT NULL, \"school_id\" uuid NOT NULL, \"class_id\" uuid, \"school_year\" character varying(9) NOT NULL, \"grade_code\" character varying(4), \"sex\" character(1), \"status\" character varying(12) NOT NULL, \"bmi\" numeric(4,1), \"bmi_score\" smallint, \"measurements\" jsonb NOT NULL DEFAULT '{}', \"item_scores\" jsonb NOT NULL DEFAULT '{}', \"item_bonus\" jsonb NOT NULL DEFAULT '{}', \"standard_score\" numeric(5,2), \"bonus\" smallint, \"total\" numeric(4,1), \"level\" character varying(4), \"missing\" jsonb NOT NULL DEFAULT '[]', \"reason\" text, \"standard_version\" character varying(80) NOT NULL, \"engine_version\" character varying(40) NOT NULL, \"computed_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"ck_fitness_results_total\" CHECK ((status = 'scored') = (total IS NOT NULL)), CONSTRAINT \"ck_fitness_results_status\" CHECK (status IN ('scored', 'incomplete', 'exempt', 'deferred')), CONSTRAINT \"PK_bf2232a9c45714f7c1876e95d3f\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"ix_fitness_results_year_school\" ON \"fitness_results\"  (\"school_year\", \"school_id\") ");
    await queryRunner.query("CREATE UNIQUE INDEX \"uq_fitness_results_student_year\" ON \"fitness_results\"  (\"student_id\", \"school_year\") ");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX \"public\".\"uq_fitness_results_student_year\"");
    await queryRunner.query("DROP INDEX \"public\".\"ix_fitness_results_year_school\"");
    await queryRunner.query("DROP TABLE \"fitness_results\"");
    await queryRunner.query("DROP TABLE \"fitness_result_sets\"");
  }
}
