import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddReviewWorkflow1795944500000 implements MigrationInterface {
  name = 'AddReviewWorkflow1795944500000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"record_appeals\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"activity_record_id\" uuid NOT NULL, \"school_id\" uuid NOT NULL, \"student_id\" uuid NOT NULL, \"subject\" character varying(20) NOT NULL, \"status\" character varying(20) NOT NULL, \"filed_by\" uuid NOT NULL, \"reason\" character varying(1000) NOT NULL, \"requested_changes\" jsonb, \"filed_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"file_by\" TIMESTAMP WITH TIME ZONE NOT NULL, \"school_remark\" character varying(1000), \"school_decided_by\" uuid, \"school_decided_at\" TIMESTAMP WITH TIME ZONE, \"escalate_by\" TIMESTAMP WITH TIME ZONE, \"escalation_reason\" character varying(1000), \"escalated_at\" TIMESTAMP WITH TIME ZONE, \"bureau_remark\" character varying(1000), \"bureau_decided_by\" uuid, \"bureau_decided_at\" TIMESTAMP WITH TIME ZONE, CONSTRAINT \"ck_record_appeals_status\" CHECK (status IN ('filed', 'upheld', 'dismissed', 'escalated', 'bureau_upheld', 'bureau_dismissed')), CONSTRAINT \"ck_record_appeals_subject\" CHECK (subject IN ('rejection', 'confirmed_record')), CONSTRAINT \"PK_cce3ca9b0a1895a935b71de8530\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"ix_record_appeals_school_status\" ON \"record_appeals\"  (\"school_id\", \"status\") ");
    await queryRunner.query("CREATE INDEX \"ix_record_appeals_record\" ON \"record_appeals\"  (\"activity_record_id\") ");
    await queryRunner.query("CREATE TABLE \"holidays\" (\"date\" date NOT NULL, \"kind\" character varying(16) NOT NULL, \"name\" character varying(50) NOT NULL, \"created_by\" uuid, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"ck_holidays_kind\" CHECK (kind IN ('holiday', 'makeup_workday')), CONSTRAINT \"PK_40dfddee0c0d7125c767d8962b1\" PRIMARY KEY (\"date\"))");
    await queryRunner.query("CREATE TABLE \"integrity_flags\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"activity_record_id\" uuid NOT NULL, \"school_id\" uuid NOT NULL, \"student_id\" uuid NOT NULL, \"rule\" character varying(24) NOT NULL, \"fingerprint\" character varying(200) NOT NULL, \"details\" jsonb NOT NULL, \"status\" character varying(12) NOT NULL, \"detected_by\" character varying(12) NOT NULL, \"detected_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"resolved_by\" uuid, \"resolved_at\" TIMESTAMP WITH TIME ZONE, \"resolution_remark\" character varying(500), CONSTRAINT \"ck_integrity_flags_status\" CHECK (status IN ('open', 'cleared', 'confirmed')), CONSTRAINT \"ck_integrity_flags_rule\" CHECK (rule IN ('duplicate_evidence', 'overlapping_times', 'implausible_hours', 'submission_burst')), CONSTRAINT \"PK_519c19074981f9e2a04d85015a8\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"ix_integrity_flags_school_status\" ON \"integrity_flags\"  (\"school_id\", \"status\") ");
    await queryRunner.query("CREATE UNIQUE INDEX \"uq_integrity_flags_record_rule_fingerprint\" ON \"integrity_flags\"  (\"activity_record_id\", \"rule\", \"fingerprint\") ");
    await queryRunner.query("CREATE TABLE \"publicity_batches\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"school_id\" uuid NOT NULL, \"term_id\" uuid NOT NULL, \"scope\" character varying(8) NOT NULL, \"class_id\" uuid, \"grade_code\" character varying(8), \"title\" character varying(60) NOT NULL, \"working_days\" integer NOT NULL, \"first_day\" date NOT NULL, \"last_day\" date NOT NULL, \"opens_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"closes_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"closed_at\" TIMESTAMP WITH TIME ZONE, \"created_by\" uuid, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"ck_publicity_batches_window\" CHECK (closes_at > opens_at AND last_day >= first_day), CONSTRAINT \"ck_publicity_batches_scope\" CHECK ((scope = 'school' AND class_id IS NULL AND grade_code IS NULL) OR (scope = 'grade' AND class_id IS NULL AND grade_code IS NOT NULL) OR (scope = 'class' AND class_id IS NOT NULL)), CONSTRAINT \"PK_36d577c2dc8b4fe88d57b0c7190\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"ix_publicity_batches_school_term\" ON \"publicity_batches\"  (\"school_id\", \"term_id\") ");
    await queryRunner.query("CREATE TABLE \"publicity_batch_records\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"batch_id\" uuid NOT NULL, \"activity_record_id\" uuid NOT NULL, CONSTRAINT \"PK_dce2e455a75a46c2088a6cdeef9\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"ix_publicity_batch_records_batch\" ON \"publicity_batch_records\"  (\"batch_id\") ");
    await queryRunner.query("CREATE UNIQUE INDEX \"uq_publicity_batch_records_record\" ON \"publicity_batch_records\"  (\"activity_record_id\") ");
    await queryRunner.query("CREATE TABLE \"publicity_objections\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"batch_id\" uuid NOT NULL, \"activity_record_id\" uuid NOT NULL, \"school_id\" uuid NOT NULL, \"student_id\" uuid NOT NULL, \"raised_by\" uuid NOT NULL, \"raised_as\" character varying(32) NOT NULL, \"reason\" character varying(500) NOT NULL, \"status\" character varying(12) NOT NULL, \"outcome_remark\" character varying(500), \"decided_by\" uuid, \"decided_at\" TIMESTAMP WITH TIME ZONE, \"raised_at\" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT \"ck_publicity_objections_status\" CHECK (status IN ('open', 'upheld', 'dismissed')), CONSTRAINT \"PK_3d9033c1a10c0538fce334df63d\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"ix_publicity_objections_record\" ON \"publicity_objections\"  (\"activity_record_id\") ");
    await queryRunner.query("CREATE INDEX \"ix_publicity_objections_batch\" ON \"publicity_objections\"  (\"batch_id\") ");
    await queryRunner.query("CREATE TABLE \"activity_record_transitions\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"activity_record_id\" uuid NOT NULL, \"school_id\" uuid NOT NULL, \"student_id\" uuid NOT NULL, \"action\" character varying(24) NOT NULL, \"from_status\" character varying(24), \"to_status\" character varying(24), \"actor_user_id\" uuid, \"actor_role\" character varying(32), \"remark\" character varying(500), \"context\" jsonb NOT NULL DEFAULT '{}', \"at\" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT \"PK_67fabf0b6856b8a09f7ffaa1445\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"ix_activity_record_transitions_school_id\" ON \"activity_record_transitions\"  (\"school_id\") ");
    await queryRunner.query("CREATE INDEX \"ix_activity_record_transitions_student_action\" ON \"activity_record_transitions\"  (\"student_id\", \"action\", \"at\") ");
    await queryRunner.query("CREATE INDEX \"ix_activity_record_transitions_record\" ON \"activity_record_transitions\"  (\"activity_record_id\", \"at\") ");
    await queryRunner.query("CREATE TABLE \"review_settings\" (\"id\" smallint NOT NULL, \"publicity_min_working_days\" integer NOT NULL, \"appeal_window_working_days\" integer NOT NULL, \"escalation_window_working_days\" integer NOT NULL, \"selection_caps\" jsonb NOT NULL, \"max_hours_per_day\" numeric NOT NULL, \"burst_count\" integer NOT NULL, \"burst_minutes\" integer NOT NULL, \"updated_by\" uuid, \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"ck_review_settings_publicity_days\" CHECK (publicity_min_working_days BETWEEN 1 AND 30), CONSTRAINT \"ck_review_settings_single_row\" CHECK (id = 1), CONSTRAINT \"PK_dbca1b7e4a9ed1258094998b812\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("ALTER TABLE \"activity_records\" ADD \"start_time\" TIME");
    await queryRunner.query("ALTER TABLE \"activity_records\" ADD \"end_time\" TIME");
    await queryRunner.query("ALTER TABLE \"activity_records\" ADD CONSTRAINT \"ck_activity_records_times\" CHECK ((start_time IS NULL) = (end_time IS NULL) AND (end_time IS NULL OR end_time > start_time))");
    await queryRunner.query("ALTER TABLE \"record_appeals\" ADD CONSTRAINT \"FK_a4db9d4e89c048f736255b4de57\" FOREIGN KEY (\"activity_record_id\") REFERENCES \"activity_records\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"integrity_flags\" ADD CONSTRAINT \"FK_3f31041b968f44d747ec487adc2\" FOREIGN KEY (\"activity_record_id\") REFERENCES \"activity_records\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"publicity_batches\" ADD CONSTRAINT \"FK_e4c4470644761e1ea0ca10d0675\" FOREIGN KEY (\"school_id\") REFERENCES \"schools\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"publicity_batches\" ADD CONSTRAINT \"FK_24898a8f00a657479c254c1ac55\" FOREIGN KEY (\"term_id\") REFERENCES \"terms\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"publicity_batches\" ADD CONSTRAINT \"FK_0865b9dfb944f6476556c0fa2ee\" FOREIGN KEY (\"class_id\") REFERENCES \"school_classes\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"publicity_batch_records\" ADD CONSTRAINT \"FK_eacc6fe03ff7db8c7f57f93f855\" FOREIGN KEY (\"batch_id\") REFERENCES \"publicity_batches\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"publicity_batch_records\" ADD CONSTRAINT \"FK_868e01994446c74166a3e4bcce7\" FOREIGN KEY (\"activity_record_id\") REFERENCES \"activity_records\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"publicity_objections\" ADD CONSTRAINT \"FK_f6858af051b6fb11aeccbb45de2\" FOREIGN KEY (\"batch_id\") REFERENCES \"publicity_batches\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"publicity_objections\" ADD CONSTRAINT \"FK_d5916f67edb85b783723599683b\" FOREIGN KEY (\"activity_record_id\") REFERENCES \"activity_records\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"activity_record_transitions\" ADD CONSTRAINT \"FK_253d60c2c402cb2a804a50e1815\" FOREIGN KEY (\"activity_record_id\") REFERENCES \"activity_records\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"activity_record_transitions\" DROP CONSTRAINT \"FK_253d60c2c402cb2a804a50e1815\"");
    await queryRunner.query("ALTER TABLE \"publicity_objections\" DROP CONSTRAINT \"FK_d5916f67edb85b783723599683b\"");
    await queryRunner.query("ALTER TABLE \"publicity_objections\" DROP CONSTRAINT \"FK_f6858af051b6fb11aeccbb45de2\"");
    await queryRunner.query("ALTER TABLE \"publicity_batch_records\" DROP CONSTRAINT \"FK_868e01994446c74166a3e4bcce7\"");
    await queryRunner.query("ALTER TABLE \"publicity_batch_records\" DROP CONSTRAINT \"FK_eacc6fe03ff7db8c7f57f93f855\"");
    await queryRunner.query("ALTER TABLE \"publicity_batches\" DROP CONSTRAINT \"FK_0865b9dfb944f6476556c0fa2ee\"");
    await queryRunner.query("ALTER TABLE \"publicity_batches\" DROP CONSTRAINT \"FK_24898a8f00a657479c254c1ac55\"");
    await queryRunner.query("ALTER TABLE \"publicity_batches\" DROP CONSTRAINT \"FK_e4c4470644761e1ea0ca10d0675\"");
    await queryRunner.query("ALTER TABLE \"integrity_flags\" DROP CONSTRAINT \"FK_3f31041b968f44d747ec487adc2\"");
    await queryRunner.query("ALTER TABLE \"record_appeals\" DROP CONSTRAINT \"FK_a4db9d4e89c048f736255b4de57\"");
    await queryRunner.query("ALTER TABLE \"activity_records\" DROP CONSTRAINT \"ck_activity_records_times\"");
    await queryRunner.query("ALTER TABLE \"activity_records\" DROP COLUMN \"end_time\"");
    await queryRunner.query("ALTER TABLE \"activity_records\" DROP COLUMN \"start_time\"");
    await queryRunner.query("DROP TABLE \"review_settings\"");
    await queryRunner.query("DROP INDEX \"public\".\"ix_activity_record_transitions_record\"");
    await queryRunner.query("DROP INDEX \"public\".\"ix_activity_record_transitions_student_action\"");
    await queryRunner.query("DROP INDEX \"public\".\"ix_activity_record_transitions_school_id\"");
    await queryRunner.query("DROP TABLE \"activity_record_transitions\"");
    await queryRunner.query("DROP INDEX \"public\".\"ix_publicity_objections_batch\"");
    await queryRunner.query("DROP INDEX \"public\".\"ix_publicity_objections_record\"");
    await queryRunner.query("DROP TABLE \"publicity_objections\"");
    await queryRunner.query("DROP INDEX \"public\".\"uq_publicity_batch_records_record\"");
    await queryRunner.query("DROP INDEX \"public\".\"ix_publicity_batch_records_batch\"");
    await queryRunner.query("DROP TABLE \"publicity_batch_records\"");
    await queryRunner.query("DROP INDEX \"public\".\"ix_publicity_batches_school_term\"");
    await queryRunner.query("DROP TABLE \"publicity_batches\"");
    await queryRunner.query("DROP INDEX \"public\".\"uq_integrity_flags_record_rule_fingerprint\"");
    await queryRunner.query("DROP INDEX \"public\".\"ix_integrity_flags_school_status\"");
    await queryRunner.query("DROP TABLE \"integrity_flags\"");
    await queryRunner.query("DROP TABLE \"holidays\"");
    await queryRunner.query("DROP INDEX \"public\".\"ix_record_appeals_record\"");
    await queryRunner.query("DROP INDEX \"public\".\"ix_record_appeals_school_status\"");
    await queryRunner.query("DROP TABLE \"record_appeals\"");
  }
}
