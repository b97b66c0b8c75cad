import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '../../src/config/app-config';
import { writeDemoCity } from '../../src/modules/demo/demo-files';
import { digestDemoTables } from '../../src/modules/demo/demo-digest';
import { loadDemoCity } from '../../src/modules/demo/demo-loader';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';

/**
 * Issue 8, "must show": the demo city goes through the real import pipeline; the same seed
 * gives the same database content (digest over natural keys, ids and timestamps left out);
 * another seed gives other content; every generated file passes the import's own validation.
 */
jest.setTimeout(600_000);

describe('demo city: load through the import pipeline', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'wuyu-demo-'));
  const databases: TestDatabase[] = [];
  const config = { ...loadConfig({ LOG_LEVEL: 'error' }), dataDir: path.join(root, 'data') };

  afterAll(async () => {
    for (const db of databases) await db.drop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  async function freshDatabase(): Promise<TestDatabase> {
    const db = await createTestDatabase();
    databases.push(db);
    return db;
  }

  it('same seed → identical database content, loaded twice into two fresh databases; another seed differs; every file validates with zero errors', async () => {
    const dirA = path.join(root, 'seed-8');
    const manifest = writeDemoCity(8, 'small', dirA);
    expect(manifest.counts.studentsInLastTerm).toBeGreaterThan(300);
    expect(manifest.counts.studentsInLastTerm).toBeLessThan(1000);

    const first = await freshDatabase();
    const loaded = await loadDemoCity(first.dataSource, config, dirA, manifest, { accountsFile: path.join(root, 'accounts-a.txt') });
    // Every file committed through the pipeline, with the row counts the generator wrote.
    expect(loaded.reports).toHaveLength(manifest.files.length);
    expect(loaded.reports.every((r) => r.committed && r.errorCount === 0)).toBe(true);
    for (const file of manifest.files) expect(loaded.reports.find((r) => r.file === file.path)!.rowCount).toBe(file.rows);
    expect(loaded.accounts.map((a) => a.role).sort()).toEqual(['admissions_officer', 'city_admin', 'district_officer', 'school_admin', 'student', 'teacher']);
    expect(fs.statSync(path.join(root, 'accounts-a.txt')).mode & 0o777).toBe(0o600);

    // A second load of the same files into another fresh database stores the same content.
    const second = await freshDatabase();
    await loadDemoCity(second.dataSource, config, dirA, writeDemoCity(8, 'small', path.join(root, 'seed-8-again')), {});
    const [digestA, digestB] = await Promise.all([digestDemoTables(first.dataSource), digestDemoTables(second.dataSource)]);
    expect(digestB).toEqual(digestA);
    expect(digestA.tables.students.rows).toBe(manifest.counts.students);
    expect(digestA.tables.term_records.rows).toBeGreaterThan(20_000);
    expect(digestA.tables.activity_records.rows).toBeGreaterThan(manifest.counts.rowsByKind.activities); // imported + written through the review workflow
    expect(digestA.tables.admissions_applications.rows).toBe(manifest.counts.rowsByKind.applications);
    expect(digestA.tables.activity_record_transitions.rows).toBeGreaterThan(10);
    const statuses = (await first.dataSource.query('SELECT DISTINCT status FROM activity_records ORDER BY status')) as { status: string }[];
    expect(statuses.map((s) => s.status)).toEqual(expect.arrayContaining(['DRAFT', 'SUBMITTED', 'VERIFIED', 'RETURNED', 'REJECTED', 'SELECTED']));
    expect(digestA.tables.evidence_files.rows).toBeGreaterThan(manifest.evidence.length); // and the workflow's own evidence
    expect(digestA.tables.role_assignments.rows).toBe(6);

    // Another seed: validated file by file (dry run; rosters are committed since the records need them) — zero errors.
    const dirC = path.join(root, 'seed-9');
    const other = writeDemoCity(9, 'small', dirC);
    const third = await freshDatabase();
    const validated = await loadDemoCity(third.dataSource, config, dirC, other, { dryRunRecords: true });
    const records = validated.reports.filter((r) => r.kind !== 'roster');
    expect(records.length).toBeGreaterThan(20);
    expect(records.every((r) => r.dryRun && !r.committed && r.errorCount === 0 && r.rowCount > 0)).toBe(true);
    const digestC = await digestDemoTables(third.dataSource);
    expect(digestC.tables.term_records.rows).toBe(0); // a dry run writes nothing
    expect(digestC.tables.students.md5).not.toBe(digestA.tables.students.md5);
    expect(digestC.tables.schools.md5).not.toBe(digestA.tables.schools.md5);
  });
});
