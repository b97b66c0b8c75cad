import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateAccessControl1795936423785 implements MigrationInterface {
  name = 'CreateAccessControl1795936423785';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"audit_events\" (\"id\" BIGSERIAL NOT NULL, \"occurred_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"actor_user_id\" uuid, \"actor_username\" character varying(64), \"actor_roles\" character varying(200), \"action\" character varying(40) NOT NULL, \"operation\" character varying(200), \"target_type\" character varying(40), \"target_id\" character varying(64), \"purpose\" character varying(200), \"request_id\" character varying(100), \"ip\" character varying(64), \"outcome\" character varying(20) NOT NULL, CONSTRAINT \"PK_910f64d901a5c3e9878f0d4a407\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"ix_audit_events_target_id\" ON \"audit_events\"  (\"target_id\") ");
    await queryRunner.query("CREATE INDEX \"ix_audit_events_actor_user_id_occurred_at\" ON \"audit_events\"  (\"actor_user_id\", \"occurred_at\") ");
    await queryRunner.query("CREATE INDEX \"ix_audit_events_occurred_at\" ON \"audit_events\"  (\"occurred_at\") ");
    await queryRunner.query("CREATE TABLE \"users\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"username\" character varying(64) NOT NULL, \"display_name\" character varying(100) NOT NULL, \"password_hash\" character varying(255) NOT NULL, \"failed_login_count\" integer NOT NULL DEFAULT '0', \"locked_until\" TIMESTAMP WITH TIME ZONE, \"disabled\" boolean NOT NULL DEFAULT false, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_a3ffb1c0c8416b9fc6f907b7433\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE UNIQUE INDEX \"uq_users_username\" ON \"users\"  (\"username\") ");
    await queryRunner.query("CREATE TABLE \"refresh_tokens\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"user_id\" uuid NOT NULL, \"family_id\" uuid NOT NULL, \"token_hash\" character(64) NOT NULL, \"expires_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"used_at\" TIMESTAMP WITH TIME ZONE, \"revoked_at\" TIMESTAMP WITH TIME ZONE, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_7d8bee0204106019488c4c50ffa\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"ix_refresh_tokens_user_id\" ON \"refresh_tokens\"  (\"user_id\") ");
    await queryRunner.query("CREATE INDEX \"ix_refresh_tokens_family_id\" ON \"refresh_tokens\"  (\"family_id\") ");
    await queryRunner.query("CREATE TABLE \"role_assignments\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"user_id\" uuid NOT NULL, \"role\" character varying(32) NOT NULL, \"region_id\" uuid, \"school_id\" uuid, \"class_id\" uuid, \"student_id\" uuid, \"granted_by\" uuid, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"ck_role_assignments_one_target\" CHECK (num_nonnulls(region_id, school_id, class_id, student_id) <= 1), CONSTRAINT \"PK_fc2df9835ac1d2a34839f113783\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"ix_role_assignments_user_id\" ON \"role_assignments\"  (\"user_id\") ");
    await queryRunner.query("ALTER TABLE \"refresh_tokens\" ADD CONSTRAINT \"FK_3ddc983c5f7bcf132fd8732c3f4\" FOREIGN KEY (\"user_id\") REFERENCES \"users\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"role_assignments\" ADD CONSTRAINT \"FK_d91c8ac0c10fd8c6acdcc5ee946\" FOREIGN KEY (\"user_id\") REFERENCES \"users\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"role_assignments\" ADD CONSTRAINT \"FK_8e48b16e205788a456d75da23ef\" FOREIGN KEY (\"region_id\") REFERENCES \"regions\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"role_assignments\" ADD CONSTRAINT \"FK_1f13838c83ef8c742566afe347d\" FOREIGN KEY (\"school_id\") REFERENCES \"schools\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"role_assignments\" ADD CONSTRAINT \"FK_4de6abb4bfecdd795d2400f4ae3\" FOREIGN KEY (\"class_id\") REFERENCES \"school_classes\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"role_assignments\" ADD CONSTRAINT \"FK_7dc08f5fb68300fcecdc87d2477\" FOREIGN KEY (\"student_id\") REFERENCES \"students\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    // The audit trail is append-only: the database itself refuses to change or remove events.
    await queryRunner.query("CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege'; END $$");
    await queryRunner.query("CREATE TRIGGER audit_events_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()");
    await queryRunner.query("CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TRIGGER audit_events_no_truncate ON audit_events");
    await queryRunner.query("DROP TRIGGER audit_events_no_update_or_delete ON audit_events");
    await queryRunner.query("DROP FUNCTION audit_events_append_only()");
    await queryRunner.query("ALTER TABLE \"role_assignments\" DROP CONSTRAINT \"FK_7dc08f5fb68300fcecdc87d2477\"");
    await queryRunner.query("ALTER TABLE \"role_assignments\" DROP CONSTRAINT \"FK_4de6abb4bfecdd795d2400f4ae3\"");
    await queryRunner.query("ALTER TABLE \"role_assignments\" DROP CONSTRAINT \"FK_1f13838c83ef8c742566afe347d\"");
    await queryRunner.query("ALTER TABLE \"role_assignments\" DROP CONSTRAINT \"FK_8e48b16e205788a456d75da23ef\"");
    await queryRunner.query("ALTER TABLE \"role_assignments\" DROP CONSTRAINT \"FK_d91c8ac0c10fd8c6acdcc5ee946\"");
    await queryRunner.query("ALTER TABLE \"refresh_tokens\" DROP CONSTRAINT \"FK_3ddc983c5f7bcf132fd8732c3f4\"");
    await queryRunner.query("DROP INDEX \"public\".\"ix_role_assignments_user_id\"");
    await queryRunner.query("DROP TABLE \"role_assignments\"");
    await queryRunner.query("DROP INDEX \"public\".\"ix_refresh_tokens_family_id\"");
    await queryRunner.query("DROP INDEX \"public\".\"ix_refresh_tokens_user_id\"");
    await queryRunner.query("DROP TABLE \"refresh_tokens\"");
    await queryRunner.query("DROP INDEX \"public\".\"uq_users_username\"");
    await queryRunner.query("DROP TABLE \"users\"");
    await queryRunner.query("DROP INDEX \"public\".\"ix_audit_events_occurred_at\"");
    await queryRunner.query("DROP INDEX \"public\".\"ix_audit_events_actor_user_id_occurred_at\"");
    await queryRunner.query("DROP INDEX \"public\".\"ix_audit_events_target_id\"");
    await queryRunner.query("DROP TABLE \"audit_events\"");
  }
}
