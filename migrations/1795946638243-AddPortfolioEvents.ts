import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddPortfolioEvents1795946638243 implements MigrationInterface {
  name = 'AddPortfolioEvents1795946638243';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"portfolio_events\" (\"id\" BIGSERIAL NOT NULL, \"portfolio_id\" uuid NOT NULL, \"action\" character varying(20) NOT NULL, \"from_status\" character varying(20), \"to_status\" character varying(20) NOT NULL, \"actor_user_id\" uuid, \"at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"remark\" character varying(500), CONSTRAINT \"PK_49e40c64fc583b97aee8634904d\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"ix_portfolio_events_portfolio_id\" ON \"portfolio_events\"  (\"portfolio_id\", \"id\") ");
    // The history is append-only, like the audit trail.
    await queryRunner.query("CREATE FUNCTION portfolio_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'portfolio_events is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege'; END $$");
    await queryRunner.query("CREATE TRIGGER portfolio_events_no_update_or_delete BEFORE UPDATE OR DELETE ON portfolio_events FOR EACH ROW EXECUTE FUNCTION portfolio_events_append_only()");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TRIGGER portfolio_events_no_update_or_delete ON portfolio_events");
    await queryRunner.query("DROP FUNCTION portfolio_events_append_only()");
    await queryRunner.query("DROP INDEX \"public\".\"ix_portfolio_events_portfolio_id\"");
    await queryRunner.query("DROP TABLE \"portfolio_events\"");
  }
}
