import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateIntakeAndJobs1795936182705 implements MigrationInterface {
  name = 'CreateIntakeAndJobs1795936182705';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"activity_records\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"school_id\" uuid NOT NULL, \"student_id\" uuid NOT NULL, \"term_id\" uuid NOT NULL, \"dimension\" character varying(12) NOT NULL, \"record_type\" character varying(20) NOT NULL, \"title\" character varying(30) NOT NULL, \"level\" character varying(12), \"role\" character varying(20), \"start_date\" date NOT NULL, \"end_date\" date, \"hours\" numeric, \"location\" character varying(100), \"organiser\" character varying(100), \"award_rank\" character varying(30), \"source\" character varying(20) NOT NULL, \"status\" character varying(24) NOT NULL, \"review_remark\" character varying(500), \"student_confirmed_at\" TIMESTAMP WITH TIME ZONE, \"version\" integer NOT NULL DEFAULT '1', \"recorded_by\" uuid, \"import_batch_id\" uuid, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"ck_activity_records_hours\" CHECK (hours IS NULL OR (hours >= 0 AND hours <= 10000)), CONSTRAINT \"ck_activity_records_dates\" CHECK (end_date IS NULL OR end_date >= start_date), CONSTRAINT \"ck_activity_records_source\" CHECK (source IN ('student', 'teacher_on_behalf', 'school_import', 'system')), CONSTRAINT \"ck_activity_records_status\" CHECK (status IN ('DRAFT', 'SUBMITTED', 'VERIFIED', 'RETURNED', 'REJECTED', 'SELECTED', 'IN_PUBLICITY', 'UNDER_INVESTIGATION', 'PUBLICITY_PASSED', 'CONFIRMED', 'AMENDED', 'REVOKED')), CONSTRAINT \"ck_activity_records_role\" CHECK (role IS NULL OR role IN ('organiser', 'main_participant', 'participant')), CONSTRAINT \"ck_activity_records_level\" CHECK (level IS NULL OR level IN ('school', 'district', 'city', 'province', 'national')), CONSTRAINT \"ck_activity_records_dimension\" CHECK (dimension IN ('moral', 'academic', 'physical', 'aesthetic', 'labour')), CONSTRAINT \"PK_3ee96d2cc455e742c82f4b053db\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"ix_activity_records_student_id\" ON \"activity_records\"  (\"student_id\") ");
    await queryRunner.query("CREATE INDEX \"ix_activity_records_school_term\" ON \"activity_records\"  (\"school_id\", \"term_id\") ");
    await queryRunner.query("CREATE UNIQUE INDEX \"uq_activity_records_identity\" ON \"activity_records\"  (\"student_id\", \"term_id\", \"title\", \"start_date\") ");
    await queryRunner.query("CREATE TABLE \"evidence_files\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"activity_record_id\" uuid NOT NULL, \"school_id\" uuid NOT NULL, \"student_id\" uuid NOT NULL, \"sha256\" character(64) NOT NULL, \"media_type\" character varying(50) NOT NULL, \"size_bytes\" integer NOT NULL, \"original_name\" character varying(255) NOT NULL, \"captured_at\" TIMESTAMP WITH TIME ZONE, \"uploaded_by\" uuid, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"ck_evidence_files_size\" CHECK (size_bytes > 0), CONSTRAINT \"PK_f8d1a9a8e0430b749e2f4694460\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"ix_evidence_files_school_id\" ON \"evidence_files\"  (\"school_id\") ");
    await queryRunner.query("CREATE INDEX \"ix_evidence_files_sha256\" ON \"evidence_files\"  (\"sha256\") ");
    await queryRunner.query("CREATE UNIQUE INDEX \"uq_evidence_files_record_sha256\" ON \"evidence_files\"  (\"activity_record_id\", \"sha256\") ");
    await queryRunner.query("CREATE TABLE \"indicators\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"code\" character varying(60) NOT NULL, \"dimension\" character varying(12) NOT NULL, \"name_zh\" character varying(50) NOT NULL, \"name_en\" character varying(100) NOT NULL, \"value_type\" character varying(12) NOT NULL, \"unit\" character varying(20), \"min_value\" numeric, \"max_value\" numeric, \"full_marks\" numeric, \"levels\" jsonb, \"aliases\" jsonb NOT NULL, \"built_in\" boolean NOT NULL DEFAULT false, \"retired_at\" TIMESTAMP WITH TIME ZONE, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"ck_indicators_value_type\" CHECK (value_type IN ('score', 'level', 'count', 'hours', 'measurement', 'boolean', 'text')), CONSTRAINT \"ck_indicators_dimension\" CHECK (dimension IN ('moral', 'academic', 'physical', 'aesthetic', 'labour')), CONSTRAINT \"PK_6e24383c110600564187e92042e\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE UNIQUE INDEX \"uq_indicators_code\" ON \"indicators\"  (\"code\") ");
    await queryRunner.query("CREATE INDEX \"ix_indicators_dimension\" ON \"indicators\"  (\"dimension\") ");
    await queryRunner.query("CREATE TABLE \"record_versions\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"record_kind\" character varying(20) NOT NULL, \"record_id\" uuid NOT NULL, \"school_id\" uuid NOT NULL, \"student_id\" uuid NOT NULL, \"version\" integer NOT NULL, \"snapshot\" jsonb NOT NULL, \"source\" character varying(20) NOT NULL, \"recorded_by\" uuid, \"recorded_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"import_batch_id\" uuid, \"superseded_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"ck_record_versions_kind\" CHECK (record_kind IN ('term_record', 'activity_record')), CONSTRAINT \"PK_525e8ec5cc4cec94a1830cdab42\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"ix_record_versions_school_id\" ON \"record_versions\"  (\"school_id\") ");
    await queryRunner.query("CREATE UNIQUE INDEX \"uq_record_versions_record_version\" ON \"record_versions\"  (\"record_kind\", \"record_id\", \"version\") ");
    await queryRunner.query("CREATE TABLE \"term_records\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"school_id\" uuid NOT NULL, \"student_id\" uuid NOT NULL, \"term_id\" uuid NOT NULL, \"indicator_id\" uuid NOT NULL, \"occasion_key\" character varying(120) NOT NULL DEFAULT '', \"exam_type\" character varying(12), \"occasion_date\" date, \"item_name\" character varying(100), \"numeric_value\" numeric, \"text_value\" character varying(200), \"full_marks\" numeric, \"marker\" character varying(10), \"attested_by\" character varying(50), \"source\" character varying(20) NOT NULL, \"version\" integer NOT NULL DEFAULT '1', \"recorded_by\" uuid, \"import_batch_id\" uuid, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"ck_term_records_value\" CHECK (num_nonnulls(numeric_value, text_value, marker) = 1), CONSTRAINT \"ck_term_records_source\" CHECK (source IN ('student', 'teacher_on_behalf', 'school_import', 'system')), CONSTRAINT \"ck_term_records_exam_type\" CHECK (exam_type IS NULL OR exam_type IN ('midterm', 'final', 'unified', 'proficiency', 'zhongkao')), CONSTRAINT \"ck_term_records_marker\" CHECK (marker IS NULL OR marker IN ('absent', 'exempt', 'deferred')), CONSTRAINT \"PK_abb3c92c49bc4d8f7671fe55d52\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"ix_term_records_school_term_indicator\" ON \"term_records\"  (\"school_id\", \"term_id\", \"indicator_id\") ");
    await queryRunner.query("CREATE UNIQUE INDEX \"uq_term_records_identity\" ON \"term_records\"  (\"student_id\", \"term_id\", \"indicator_id\", \"occasion_key\") ");
    await queryRunner.query("CREATE TABLE \"jobs\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"type\" character varying(40) NOT NULL, \"state\" character varying(12) NOT NULL DEFAULT 'queued', \"payload\" jsonb NOT NULL, \"progress_done\" integer NOT NULL DEFAULT '0', \"progress_total\" integer, \"result\" jsonb, \"error\" jsonb, \"school_id\" uuid, \"created_by\" uuid, \"attempts\" integer NOT NULL DEFAULT '0', \"started_at\" TIMESTAMP WITH TIME ZONE, \"finished_at\" TIMESTAMP WITH TIME ZONE, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"ck_jobs_state\" CHECK (state IN ('queued', 'running', 'succeeded', 'failed')), CONSTRAINT \"PK_cf0a6c42b72fcc7f7c237def345\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"ix_jobs_state_created_at\" ON \"jobs\"  (\"state\", \"created_at\") ");
    await queryRunner.query("ALTER TABLE \"activity_records\" ADD CONSTRAINT \"FK_3155a6e3effcc485410e151dde9\" FOREIGN KEY (\"school_id\") REFERENCES \"schools\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"activity_records\" ADD CONSTRAINT \"FK_0a7db37cb203d29e99a1896dbe1\" FOREIGN KEY (\"student_id\") REFERENCES \"students\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"activity_records\" ADD CONSTRAINT \"FK_65fa9ab2deff63476d713e40965\" FOREIGN KEY (\"term_id\") REFERENCES \"terms\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"activity_records\" ADD CONSTRAINT \"FK_ba74411e958a267761037d94f41\" FOREIGN KEY (\"import_batch_id\") REFERENCES \"import_batches\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"evidence_files\" ADD CONSTRAINT \"FK_0a204730f9c7e4068b8f5872d14\" FOREIGN KEY (\"activity_record_id\") REFERENCES \"activity_records\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"evidence_files\" ADD CONSTRAINT \"FK_e08cd7e38a5287ef8484e0f23ff\" FOREIGN KEY (\"school_id\") REFERENCES \"schools\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"evidence_files\" ADD CONSTRAINT \"FK_dc9c10bc5d8f4f16f499f802380\" FOREIGN KEY (\"student_id\") REFERENCES \"students\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"term_records\" ADD CONSTRAINT \"FK_f60c3edad44902b8245dcb37c24\" FOREIGN KEY (\"school_id\") REFERENCES \"schools\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"term_records\" ADD CONSTRAINT \"FK_cf1e60aefbc897890cd67f336f0\" FOREIGN KEY (\"student_id\") REFERENCES \"students\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"term_records\" ADD CONSTRAINT \"FK_59ccb45eea1f9e3206c213a4615\" FOREIGN KEY (\"term_id\") REFERENCES \"terms\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"term_records\" ADD CONSTRAINT \"FK_865eca1b25ae35811b5f60a6cfe\" FOREIGN KEY (\"indicator_id\") REFERENCES \"indicators\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"term_records\" ADD CONSTRAINT \"FK_ee77c8fd41516cfbec135ea92e6\" FOREIGN KEY (\"import_batch_id\") REFERENCES \"import_batches\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"term_records\" DROP CONSTRAINT \"FK_ee77c8fd41516cfbec135ea92e6\"");
    await queryRunner.query("ALTER TABLE \"term_records\" DROP CONSTRAINT \"FK_865eca1b25ae35811b5f60a6cfe\"");
    await queryRunner.query("ALTER TABLE \"term_records\" DROP CONSTRAINT \"FK_59ccb45eea1f9e3206c213a4615\"");
    await queryRunner.query("ALTER TABLE \"term_records\" DROP CONSTRAINT \"FK_cf1e60aefbc897890cd67f336f0\"");
    await queryRunner.query("ALTER TABLE \"term_records\" DROP CONSTRAINT \"FK_f60c3edad44902b8245dcb37c24\"");
    await queryRunner.query("ALTER TABLE \"evidence_files\" DROP CONSTRAINT \"FK_dc9c10bc5d8f4f16f499f802380\"");
    await queryRunner.query("ALTER TABLE \"evidence_files\" DROP CONSTRAINT \"FK_e08cd7e38a5287ef8484e0f23ff\"");
    await queryRunner.query("ALTER TABLE \"evidence_files\" DROP CONSTRAINT \"FK_0a204730f9c7e4068b8f5872d14\"");
    await queryRunner.query("ALTER TABLE \"activity_records\" DROP CONSTRAINT \"FK_ba74411e958a267761037d94f41\"");
    await queryRunner.query("ALTER TABLE \"activity_records\" DROP CONSTRAINT \"FK_65fa9ab2deff63476d713e40965\"");
    await queryRunner.query("ALTER TABLE \"activity_records\" DROP CONSTRAINT \"FK_0a7db37cb203d29e99a1896dbe1\"");
    await queryRunner.query("ALTER TABLE \"activity_records\" DROP CONSTRAINT \"FK_3155a6e3effcc485410e151dde9\"");
    await queryRunner.query("DROP INDEX \"public\".\"ix_jobs_state_created_at\"");
    await queryRunner.query("DROP TABLE \"jobs\"");
    await queryRunner.query("DROP INDEX \"public\".\"uq_term_records_identity\"");
    await queryRunner.query("DROP INDEX \"public\".\"ix_term_records_school_term_indicator\"");
    await queryRunner.query("DROP TABLE \"term_records\"");
    await queryRunner.query("DROP INDEX \"public\".\"uq_record_versions_record_version\"");
    await queryRunner.query("DROP INDEX \"public\".\"ix_record_versions_school_id\"");
    await queryRunner.query("DROP TABLE \"record_versions\"");
    await queryRunner.query("DROP INDEX \"public\".\"ix_indicators_dimension\"");
    await queryRunner.query("DROP INDEX \"public\".\"uq_indicators_code\"");
    await queryRunner.query("DROP TABLE \"indicators\"");
    await queryRunner.query("DROP INDEX \"public\".\"uq_evidence_files_record_sha256\"");
    await queryRunner.query("DROP INDEX \"public\".\"ix_evidence_files_sha256\"");
    await queryRunner.query("DROP INDEX \"public\".\"ix_evidence_files_school_id\"");
    await queryRunner.query("DROP TABLE \"evidence_files\"");
    await queryRunner.query("DROP INDEX \"public\".\"uq_activity_records_identity\"");
    await queryRunner.query("DROP INDEX \"public\".\"ix_activity_records_school_term\"");
    await queryRunner.query("DROP INDEX \"public\".\"ix_activity_records_student_id\"");
    await queryRunner.query("DROP TABLE \"activity_records\"");
  }
}
