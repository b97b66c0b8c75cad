import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The fitness reads' index keyed by the indicator id AS TEXT (ADR 0921). Keyed by the uuid itself
 * (AddTermRecordIndicatorIndex), it was also a candidate for every join on
 * `term_records.indicator_id = <uuid>`: the import merge's lookup of existing records. With no
 * statistics on a term's partition (a partition filled by the import in progress, or one no ANALYZE
 * has reached) the planner took it over the identity index and walked every record of the subject
 * once per staged row — a 100,000-row import and the city demo load stalled for minutes. The text
 * expression serves only queries that ask for it (`indicator_id::text = ANY(...)`, the fitness
 * freshness check and the vision screenings); joins on the uuid cannot use it.
 */
export class IndexTermRecordIndicatorAsText1795957000000 implements MigrationInterface {
  name = 'IndexTermRecordIndicatorAsText1795957000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "ix_term_records_indicator_term"');
    await queryRunner.query('CREATE INDEX "ix_term_records_indicator_text_term" ON "term_records" ((indicator_id::text), "term_id") INCLUDE ("school_id", "updated_at")');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "ix_term_records_indicator_text_term"');
    await queryRunner.query('CREATE INDEX "ix_term_records_indicator_term" ON "term_records" ("indicator_id", "term_id") INCLUDE ("school_id", "updated_at")');
  }
}
