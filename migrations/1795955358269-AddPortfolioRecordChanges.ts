import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddPortfolioRecordChanges1795955358269 implements MigrationInterface {
  name = 'AddPortfolioRecordChanges1795955358269';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"portfolio_record_changes\" (\"record_id\" uuid NOT NULL, \"change\" character varying(10) NOT NULL, \"version\" integer NOT NULL, \"student_id\" uuid NOT NULL, \"via\" character varying(10) NOT NULL, \"applied_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_76dd32d761257c9aa8aa3448fad\" PRIMARY KEY (\"record_id\", \"change\", \"version\"))");
    await queryRunner.query("CREATE INDEX \"ix_activity_record_transitions_action_at\" ON \"activity_record_transitions\"  (\"action\", \"at\") ");
    // Changes already in the history were heard by the live hook (or are in any portfolio compiled
    // since): the ledger starts with them, so the first replay does not reopen portfolios again.
    await queryRunner.query(`INSERT INTO portfolio_record_changes (record_id, change, version, student_id, via)
      SELECT x.activity_record_id, CASE WHEN x.action = 'revoke' THEN 'revoked' ELSE 'amended' END, coalesce((x.context->>'version')::int, a.version), x.student_id, 'baseline'
      FROM activity_record_transitions x JOIN activity_records a ON a.id = x.activity_record_id
      WHERE x.action IN ('amend', 'revoke') AND x.from_status IN ('CONFIRMED', 'AMENDED')
      ON CONFLICT DO NOTHING`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX \"public\".\"ix_activity_record_transitions_action_at\"");
    await queryRunner.query("DROP TABLE \"portfolio_record_changes\"");
  }
}
