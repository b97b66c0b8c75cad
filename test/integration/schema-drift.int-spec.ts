import { pendingSchemaChanges } from '../../src/database/data-source';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';

/**
 * The schema changes only through migrations/. This fails when an entity changes without a
 * migration (or a migration without its entity): TypeORM's schema builder, asked what the
 * entities need beyond the migrated database, must answer nothing.
 */
describe('entities and migrations agree', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('needs no SQL beyond the migrations', async () => {
    expect(await pendingSchemaChanges(db.dataSource)).toEqual([]);
  });

  it('would notice a drift', async () => {
    await db.dataSource.query('ALTER TABLE students DROP COLUMN ethnicity_code');
    const pending = await pendingSchemaChanges(db.dataSource);
    expect(pending.join('\n')).toMatch(/ethnicity_code/);
  });

  it('compares the partitioned term_records too (ADR 1010): its keys and indexes, not its partitioning', async () => {
    const fresh = await createTestDatabase();
    try {
      await fresh.dataSource.query('DROP INDEX ix_term_records_school_term_indicator');
      await fresh.dataSource.query('ALTER TABLE term_records ADD COLUMN stray integer');
      const pending = (await pendingSchemaChanges(fresh.dataSource)).join('\n');
      expect(pending).toMatch(/ix_term_records_school_term_indicator/);
      expect(pending).toMatch(/"term_records" DROP COLUMN "stray"/);
    } finally {
      await fresh.drop();
    }
  });

  it('every migration can be reverted and re-applied', async () => {
    const fresh = await createTestDatabase();
    try {
      const applied: { name: string }[] = await fresh.dataSource.query('SELECT name FROM schema_migrations ORDER BY id');
      for (let step = 0; step < applied.length; step += 1) await fresh.dataSource.undoLastMigration({ transaction: 'each' });
      expect(await fresh.dataSource.query("SELECT to_regclass('public.students') AS t")).toEqual([{ t: null }]);
      await fresh.dataSource.runMigrations({ transaction: 'each' });
      expect(await pendingSchemaChanges(fresh.dataSource)).toEqual([]);
    } finally {
      await fresh.drop();
    }
  });
});
