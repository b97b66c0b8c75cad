import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * term_records becomes a table LIST-partitioned by term_id: one partition per term, so a query
 * that names its term (every daily read and the import merge do) reads that term's partition
 * only, and a closed school year can be detached and archived (ADR 1010).
 *
 * - The primary key must contain the partition key: it becomes (id, term_id). The identity
 *   unique index (student, term, indicator, occasion) already contains it and stays the
 *   import's merge key.
 * - A partition exists before the first row of its term arrives: the trigger on terms creates
 *   it in the transaction that inserts the term (API, imports, demo loader, restore, tests),
 *   through `term_records_ensure_partition(term_id)`. A DEFAULT partition catches rows of a term
 *   whose partition is somehow missing (a term inserted with triggers disabled), so no write
 *   fails; creating the term's partition later moves such rows out of it.
 * - Existing rows are converted: the old table is renamed, the new one gets its partitions, the
 *   rows are copied in one pass WITHOUT indexes, and the primary key and indexes are then built
 *   per partition (a bulk build, much cheaper than maintaining them row by row).
 *
 * Written by hand: TypeORM cannot declare partitioning (the entity models the columns, the
 * composite primary key and the indexes, which the schema check compares).
 */
export class PartitionTermRecords1795950100000 implements MigrationInterface {
  name = 'PartitionTermRecords1795950100000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "term_records" RENAME TO "term_records_unpartitioned"');
    await queryRunner.query('ALTER INDEX "uq_term_records_identity" RENAME TO "uq_term_records_identity_unpartitioned"');
    await queryRunner.query('ALTER INDEX "ix_term_records_school_term_indicator" RENAME TO "ix_term_records_school_term_indicator_unpartitioned"');
    await queryRunner.query('ALTER TABLE "term_records_unpartitioned" RENAME CONSTRAINT "PK_abb3c92c49bc4d8f7671fe55d52" TO "pk_term_records_unpartitioned"');
    // Same columns (names, types, defaults, NOT NULL) and CHECK constraints, in the same order.
    await queryRunner.query('CREATE TABLE "term_records" (LIKE "term_records_unpartitioned" INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY LIST ("term_id")');
    await queryRunner.query('CREATE TABLE "term_records_default" PARTITION OF "term_records" DEFAULT');
    await queryRunner.query(ENSURE_PARTITION_FUNCTION);
    await queryRunner.query(`CREATE FUNCTION term_records_partition_for_new_term() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM term_records_ensure_partition(NEW.id);
        RETURN NULL;
      END $$`);
    await queryRunner.query('CREATE TRIGGER terms_create_term_records_partition AFTER INSERT ON "terms" FOR EACH ROW EXECUTE FUNCTION term_records_partition_for_new_term()');
    await queryRunner.query('SELECT term_records_ensure_partition(id) FROM "terms" ORDER BY code');
    await queryRunner.query('INSERT INTO "term_records" SELECT * FROM "term_records_unpartitioned"');
    await queryRunner.query('DROP TABLE "term_records_unpartitioned"');
    await queryRunner.query('ALTER TABLE "term_records" ADD CONSTRAINT "PK_a2c65120f08dcf0d88f2657cb25" PRIMARY KEY ("id", "term_id")');
    await queryRunner.query('CREATE UNIQUE INDEX "uq_term_records_identity" ON "term_records" ("student_id", "term_id", "indicator_id", "occasion_key")');
    await queryRunner.query('CREATE INDEX "ix_term_records_school_term_indicator" ON "term_records" ("school_id", "term_id", "indicator_id")');
    await queryRunner.query('ANALYZE "term_records"');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // Partitions detached for archiving are not part of term_records any more and stay as they are.
    await queryRunner.query('DROP TRIGGER terms_create_term_records_partition ON "terms"');
    await queryRunner.query('DROP FUNCTION term_records_partition_for_new_term()');
    await queryRunner.query('DROP FUNCTION term_records_ensure_partition(uuid)');
    await queryRunner.query('CREATE TABLE "term_records_unpartitioned" (LIKE "term_records" INCLUDING DEFAULTS INCLUDING CONSTRAINTS)');
    await queryRunner.query('INSERT INTO "term_records_unpartitioned" SELECT * FROM "term_records"');
    await queryRunner.query('DROP TABLE "term_records"');
    await queryRunner.query('ALTER TABLE "term_records_unpartitioned" RENAME TO "term_records"');
    await queryRunner.query('ALTER TABLE "term_records" ADD CONSTRAINT "PK_abb3c92c49bc4d8f7671fe55d52" PRIMARY KEY ("id")');
    await queryRunner.query('CREATE UNIQUE INDEX "uq_term_records_identity" ON "term_records" ("student_id", "term_id", "indicator_id", "occasion_key")');
    await queryRunner.query('CREATE INDEX "ix_term_records_school_term_indicator" ON "term_records" ("school_id", "term_id", "indicator_id")');
  }
}

/**
 * `term_records_ensure_partition(term_id)` → the term's partition, created when missing: named
 * after the term's code (`term_records_2024_2025_1`), created detached, filled with any rows of
 * that term the DEFAULT partition caught, then attached (ATTACH takes a SHARE UPDATE EXCLUSIVE
 * lock on term_records: reads and writes of other terms go on). A transaction-scoped advisory
 * lock serialises concurrent creations, so two transactions never race for one name.
 */
const ENSURE_PARTITION_FUNCTION = `CREATE FUNCTION term_records_ensure_partition(p_term_id uuid) RETURNS regclass LANGUAGE plpgsql AS $$
  DECLARE
    v_partition regclass;
    v_code text;
    v_name text;
  BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('wuyu-term-records-partitions'));
    SELECT c.oid::regclass INTO v_partition
      FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid
      WHERE h.inhparent = 'term_records'::regclass AND pg_get_expr(c.relpartbound, c.oid) = format('FOR VALUES IN (%L)', p_term_id);
    IF v_partition IS NOT NULL THEN
      RETURN v_partition;
    END IF;
    SELECT code INTO v_code FROM terms WHERE id = p_term_id;
    v_name := 'term_records_' || lower(regexp_replace(coalesce(v_code, p_term_id::text), '[^A-Za-z0-9]+', '_', 'g'));
    IF to_regclass(quote_ident(v_name)) IS NOT NULL THEN
      v_name := 'term_records_' || replace(p_term_id::text, '-', '');
    END IF;
    EXECUTE format('CREATE TABLE %I (LIKE term_records INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', v_name);
    EXECUTE format('WITH moved AS (DELETE FROM term_records_default WHERE term_id = %L RETURNING *) INSERT INTO %I SELECT * FROM moved', p_term_id, v_name);
    EXECUTE format('ALTER TABLE term_records ATTACH PARTITION %I FOR VALUES IN (%L)', v_name, p_term_id);
    RETURN v_name::regclass;
  END $$`;
