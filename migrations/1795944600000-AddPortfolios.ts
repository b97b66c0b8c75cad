import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddPortfolios1795944600000 implements MigrationInterface {
  name = 'AddPortfolios1795944600000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"admissions_batches\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"code\" character varying(40) NOT NULL, \"name\" character varying(100) NOT NULL, \"opens_on\" date NOT NULL, \"closes_on\" date NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"ck_admissions_batches_period\" CHECK (closes_on >= opens_on), CONSTRAINT \"PK_707f1a2476b71c7de7a4123c1dc\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE UNIQUE INDEX \"uq_admissions_batches_code\" ON \"admissions_batches\"  (\"code\") ");
    await queryRunner.query("CREATE TABLE \"admissions_applications\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"student_id\" uuid NOT NULL, \"school_id\" uuid NOT NULL, \"batch_id\" uuid NOT NULL, \"applied_on\" date NOT NULL, \"import_batch_id\" uuid, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_9b21dad5ac0888337ea716ea033\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"ix_admissions_applications_student_id\" ON \"admissions_applications\"  (\"student_id\") ");
    await queryRunner.query("CREATE INDEX \"ix_admissions_applications_school_batch\" ON \"admissions_applications\"  (\"school_id\", \"batch_id\") ");
    await queryRunner.query("CREATE UNIQUE INDEX \"uq_admissions_applications_identity\" ON \"admissions_applications\"  (\"student_id\", \"school_id\", \"batch_id\") ");
    await queryRunner.query("CREATE TABLE \"portfolios\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"student_id\" uuid NOT NULL, \"school_id\" uuid NOT NULL, \"version\" integer NOT NULL, \"status\" character varying(20) NOT NULL, \"supersedes_id\" uuid, \"reopen_reason\" character varying(500), \"content\" jsonb NOT NULL, \"dimension_levels\" jsonb NOT NULL DEFAULT '{}', \"compiled_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"compiled_by\" uuid, \"student_confirmed_at\" TIMESTAMP WITH TIME ZONE, \"student_confirmed_by\" uuid, \"class_teacher_comment\" text, \"commented_at\" TIMESTAMP WITH TIME ZONE, \"commented_by\" uuid, \"signed_off_at\" TIMESTAMP WITH TIME ZONE, \"signed_off_by\" uuid, \"sealed_at\" TIMESTAMP WITH TIME ZONE, \"sealed_by\" uuid, \"snapshot\" text, \"content_sha256\" character(64), \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"ck_portfolios_sealed\" CHECK ((status = 'sealed') = (snapshot IS NOT NULL AND content_sha256 IS NOT NULL AND sealed_at IS NOT NULL)), CONSTRAINT \"ck_portfolios_status\" CHECK (status IN ('compiled', 'student_confirmed', 'commented', 'signed_off', 'sealed')), CONSTRAINT \"PK_488aa6e9b219d1d9087126871ae\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"ix_portfolios_school_id\" ON \"portfolios\"  (\"school_id\") ");
    await queryRunner.query("CREATE UNIQUE INDEX \"uq_portfolios_one_open_version\" ON \"portfolios\"  (\"student_id\") WHERE status <> 'sealed'");
    await queryRunner.query("CREATE UNIQUE INDEX \"uq_portfolios_student_version\" ON \"portfolios\"  (\"student_id\", \"version\") ");
    await queryRunner.query("ALTER TABLE \"admissions_applications\" ADD CONSTRAINT \"FK_68846618efa7c1d905c9e3457de\" FOREIGN KEY (\"student_id\") REFERENCES \"students\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"admissions_applications\" ADD CONSTRAINT \"FK_c140f9da078313d38d5a14da773\" FOREIGN KEY (\"school_id\") REFERENCES \"schools\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"admissions_applications\" ADD CONSTRAINT \"FK_cd3a66e55c65722471cb1caacea\" FOREIGN KEY (\"batch_id\") REFERENCES \"admissions_batches\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"admissions_applications\" ADD CONSTRAINT \"FK_deb77d2497888cc5c38a5df176b\" FOREIGN KEY (\"import_batch_id\") REFERENCES \"import_batches\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"portfolios\" ADD CONSTRAINT \"FK_c7741976b8aa55ca5ba74c8ed4b\" FOREIGN KEY (\"student_id\") REFERENCES \"students\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"portfolios\" ADD CONSTRAINT \"FK_bb3ff5fd286c126c59e509050ac\" FOREIGN KEY (\"school_id\") REFERENCES \"schools\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"portfolios\" ADD CONSTRAINT \"FK_7f237d662643c5aa56a4e955cd5\" FOREIGN KEY (\"supersedes_id\") REFERENCES \"portfolios\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    // A sealed portfolio never changes and is never deleted (ADR 0821): the database refuses it.
    await queryRunner.query("CREATE FUNCTION portfolios_sealed_immutable() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF OLD.status = 'sealed' THEN RAISE EXCEPTION 'portfolio % is sealed: % is not allowed', OLD.id, TG_OP USING ERRCODE = 'insufficient_privilege'; END IF; IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$");
    await queryRunner.query("CREATE TRIGGER portfolios_sealed_no_update_or_delete BEFORE UPDATE OR DELETE ON portfolios FOR EACH ROW EXECUTE FUNCTION portfolios_sealed_immutable()");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TRIGGER portfolios_sealed_no_update_or_delete ON portfolios");
    await queryRunner.query("DROP FUNCTION portfolios_sealed_immutable()");
    await queryRunner.query("ALTER TABLE \"portfolios\" DROP CONSTRAINT \"FK_7f237d662643c5aa56a4e955cd5\"");
    await queryRunner.query("ALTER TABLE \"portfolios\" DROP CONSTRAINT \"FK_bb3ff5fd286c126c59e509050ac\"");
    await queryRunner.query("ALTER TABLE \"portfolios\" DROP CONSTRAINT \"FK_c7741976b8aa55ca5ba74c8ed4b\"");
    await queryRunner.query("ALTER TABLE \"admissions_applications\" DROP CONSTRAINT \"FK_deb77d2497888cc5c38a5df176b\"");
    await queryRunner.query("ALTER TABLE \"admissions_applications\" DROP CONSTRAINT \"FK_cd3a66e55c65722471cb1caacea\"");
    await queryRunner.query("ALTER TABLE \"admissions_applications\" DROP CONSTRAINT \"FK_c140f9da078313d38d5a14da773\"");
    await queryRunner.query("ALTER TABLE \"admissions_applications\" DROP CONSTRAINT \"FK_68846618efa7c1d905c9e3457de\"");
    await queryRunner.query("DROP INDEX \"public\".\"uq_portfolios_student_version\"");
    await queryRunner.query("DROP INDEX \"public\".\"uq_portfolios_one_open_version\"");
    await queryRunner.query("DROP INDEX \"public\".\"ix_portfolios_school_id\"");
    await queryRunner.query("DROP TABLE \"portfolios\"");
    await queryRunner.query("DROP INDEX \"public\".\"uq_admissions_applications_identity\"");
    await queryRunner.query("DROP INDEX \"public\".\"ix_admissions_applications_school_batch\"");
    await queryRunner.query("DROP INDEX \"public\".\"ix_admissions_applications_student_id\"");
    await queryRunner.query("DROP TABLE \"admissions_applications\"");
    await queryRunner.query("DROP INDEX \"public\".\"uq_admissions_batches_code\"");
    await queryRunner.query("DROP TABLE \"admissions_batches\"");
  }
}
