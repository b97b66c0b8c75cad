import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateRoster1795934765723 implements MigrationInterface {
  name = 'CreateRoster1795934765723';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"regions\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"code\" character(6) NOT NULL, \"name\" character varying(100) NOT NULL, \"level\" character varying(16) NOT NULL, \"parent_id\" uuid, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_4fcd12ed6a046276e2deb08801c\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE UNIQUE INDEX \"uq_regions_code\" ON \"regions\"  (\"code\") ");
    await queryRunner.query("CREATE INDEX \"ix_regions_parent_id\" ON \"regions\"  (\"parent_id\") ");
    await queryRunner.query("CREATE TABLE \"schools\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"code\" character(10) NOT NULL, \"name\" character varying(200) NOT NULL, \"stage\" character varying(16) NOT NULL, \"region_id\" uuid NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_95b932e47ac129dd8e23a0db548\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE UNIQUE INDEX \"uq_schools_code\" ON \"schools\"  (\"code\") ");
    await queryRunner.query("CREATE INDEX \"ix_schools_region_id\" ON \"schools\"  (\"region_id\") ");
    await queryRunner.query("CREATE TABLE \"grades\" (\"code\" character varying(4) NOT NULL, \"name_zh\" character varying(20) NOT NULL, \"name_en\" character varying(40) NOT NULL, \"stage\" character varying(16) NOT NULL, \"ordinal\" smallint NOT NULL, CONSTRAINT \"PK_aed8f750101d1f10aa3d6f78024\" PRIMARY KEY (\"code\"))");
    await queryRunner.query("CREATE TABLE \"school_classes\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"school_id\" uuid NOT NULL, \"school_year\" character varying(9) NOT NULL, \"grade_code\" character varying(4) NOT NULL, \"name\" character varying(50) NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_598176ed17a4f905e76f0eb4daf\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"ix_school_classes_school_id\" ON \"school_classes\"  (\"school_id\") ");
    await queryRunner.query("CREATE UNIQUE INDEX \"uq_school_classes_school_year_grade_name\" ON \"school_classes\"  (\"school_id\", \"school_year\", \"grade_code\", \"name\") ");
    await queryRunner.query("CREATE TABLE \"students\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"student_number\" character varying(19) NOT NULL, \"name\" character varying(50) NOT NULL, \"sex_code\" character(1) NOT NULL, \"birth_date\" date NOT NULL, \"ethnicity_code\" character(2) NOT NULL, \"status\" character varying(16) NOT NULL DEFAULT 'enrolled', \"school_id\" uuid NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"ck_students_status\" CHECK (status IN ('enrolled', 'transferred_out', 'graduated', 'suspended')), CONSTRAINT \"ck_students_sex_code\" CHECK (sex_code IN ('0', '1', '2', '9')), CONSTRAINT \"PK_7d7f07271ad4ce999880713f05e\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE UNIQUE INDEX \"uq_students_student_number\" ON \"students\"  (\"student_number\") ");
    await queryRunner.query("CREATE INDEX \"ix_students_school_id\" ON \"students\"  (\"school_id\") ");
    await queryRunner.query("CREATE TABLE \"terms\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"code\" character varying(11) NOT NULL, \"school_year\" character varying(9) NOT NULL, \"term_number\" smallint NOT NULL, \"start_date\" date NOT NULL, \"end_date\" date NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_33b6fe77d6ace7ff43cc8a65958\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE UNIQUE INDEX \"uq_terms_code\" ON \"terms\"  (\"code\") ");
    await queryRunner.query("CREATE TABLE \"enrolments\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"student_id\" uuid NOT NULL, \"class_id\" uuid NOT NULL, \"term_id\" uuid NOT NULL, \"school_id\" uuid NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_6e79971fbd26967c4da9ed52770\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"ix_enrolments_class_id\" ON \"enrolments\"  (\"class_id\") ");
    await queryRunner.query("CREATE INDEX \"ix_enrolments_term_id\" ON \"enrolments\"  (\"term_id\") ");
    await queryRunner.query("CREATE INDEX \"ix_enrolments_school_id\" ON \"enrolments\"  (\"school_id\") ");
    await queryRunner.query("CREATE UNIQUE INDEX \"uq_enrolments_student_term\" ON \"enrolments\"  (\"student_id\", \"term_id\") ");
    await queryRunner.query("CREATE TABLE \"import_batches\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"kind\" character varying(40) NOT NULL, \"file_sha256\" character(64) NOT NULL, \"file_name\" character varying(255) NOT NULL, \"encoding\" character varying(16) NOT NULL, \"row_count\" integer NOT NULL, \"summary\" jsonb NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_6162597a2576c03e04bb2c1a2dd\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"ix_import_batches_kind_sha256\" ON \"import_batches\"  (\"kind\", \"file_sha256\") ");
    await queryRunner.query("ALTER TABLE \"regions\" ADD CONSTRAINT \"FK_b1dc15f575548116575b521d8de\" FOREIGN KEY (\"parent_id\") REFERENCES \"regions\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"schools\" ADD CONSTRAINT \"FK_34c5b9042783fd87b444bd4b4ab\" FOREIGN KEY (\"region_id\") REFERENCES \"regions\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"school_classes\" ADD CONSTRAINT \"FK_8e1e4aefbf8e2fc2f2ae449a74c\" FOREIGN KEY (\"school_id\") REFERENCES \"schools\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"school_classes\" ADD CONSTRAINT \"FK_86390ab9f6986c41a45a8cc9424\" FOREIGN KEY (\"grade_code\") REFERENCES \"grades\"(\"code\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"students\" ADD CONSTRAINT \"FK_aa8edc7905ad764f85924569647\" FOREIGN KEY (\"school_id\") REFERENCES \"schools\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"enrolments\" ADD CONSTRAINT \"FK_249771254e7dc03134d5dfc5618\" FOREIGN KEY (\"student_id\") REFERENCES \"students\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"enrolments\" ADD CONSTRAINT \"FK_0eecdbc0cae81931814c85ec284\" FOREIGN KEY (\"class_id\") REFERENCES \"school_classes\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"enrolments\" ADD CONSTRAINT \"FK_52169dfcf64b3c28dc06b05e83e\" FOREIGN KEY (\"term_id\") REFERENCES \"terms\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"enrolments\" ADD CONSTRAINT \"FK_31adbd76fc2a8ad9dec2a4c82f7\" FOREIGN KEY (\"school_id\") REFERENCES \"schools\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"enrolments\" DROP CONSTRAINT \"FK_31adbd76fc2a8ad9dec2a4c82f7\"");
    await queryRunner.query("ALTER TABLE \"enrolments\" DROP CONSTRAINT \"FK_52169dfcf64b3c28dc06b05e83e\"");
    await queryRunner.query("ALTER TABLE \"enrolments\" DROP CONSTRAINT \"FK_0eecdbc0cae81931814c85ec284\"");
    await queryRunner.query("ALTER TABLE \"enrolments\" DROP CONSTRAINT \"FK_249771254e7dc03134d5dfc5618\"");
    await queryRunner.query("ALTER TABLE \"students\" DROP CONSTRAINT \"FK_aa8edc7905ad764f85924569647\"");
    await queryRunner.query("ALTER TABLE \"school_classes\" DROP CONSTRAINT \"FK_86390ab9f6986c41a45a8cc9424\"");
    await queryRunner.query("ALTER TABLE \"school_classes\" DROP CONSTRAINT \"FK_8e1e4aefbf8e2fc2f2ae449a74c\"");
    await queryRunner.query("ALTER TABLE \"schools\" DROP CONSTRAINT \"FK_34c5b9042783fd87b444bd4b4ab\"");
    await queryRunner.query("ALTER TABLE \"regions\" DROP CONSTRAINT \"FK_b1dc15f575548116575b521d8de\"");
    await queryRunner.query("DROP INDEX \"public\".\"ix_import_batches_kind_sha256\"");
    await queryRunner.query("DROP TABLE \"import_batches\"");
    await queryRunner.query("DROP INDEX \"public\".\"uq_enrolments_student_term\"");
    await queryRunner.query("DROP INDEX \"public\".\"ix_enrolments_school_id\"");
    await queryRunner.query("DROP INDEX \"public\".\"ix_enrolments_term_id\"");
    await queryRunner.query("DROP INDEX \"public\".\"ix_enrolments_class_id\"");
    await queryRunner.query("DROP TABLE \"enrolments\"");
    await queryRunner.query("DROP INDEX \"public\".\"uq_terms_code\"");
    await queryRunner.query("DROP TABLE \"terms\"");
    await queryRunner.query("DROP INDEX \"public\".\"ix_students_school_id\"");
    await queryRunner.query("DROP INDEX \"public\".\"uq_students_student_number\"");
    await queryRunner.query("DROP TABLE \"students\"");
    await queryRunner.query("DROP INDEX \"public\".\"uq_school_classes_school_year_grade_name\"");
    await queryRunner.query("DROP INDEX \"public\".\"ix_school_classes_school_id\"");
    await queryRunner.query("DROP TABLE \"school_classes\"");
    await queryRunner.query("DROP TABLE \"grades\"");
    await queryRunner.query("DROP INDEX \"public\".\"ix_schools_region_id\"");
    await queryRunner.query("DROP INDEX \"public\".\"uq_schools_code\"");
    await queryRunner.query("DROP TABLE \"schools\"");
    await queryRunner.query("DROP INDEX \"public\".\"ix_regions_parent_id\"");
    await queryRunner.query("DROP INDEX \"public\".\"uq_regions_code\"");
    await queryRunner.query("DROP TABLE \"regions\"");
  }
}
