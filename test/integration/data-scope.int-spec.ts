import { Student } from '../../src/modules/roster/entities/student.entity';
import { applicationInScopeSql, type DataScope, EVERYTHING, NOTHING, studentInScopeSql, whereStudentInScope } from '../../src/modules/auth/data-scope';
import { studentNumber } from '../helpers/roster-builders';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';

/** The one place scope becomes SQL, checked on its own against real rows: each grant kind and their union. */
describe('data scope → SQL', () => {
  let db: TestDatabase;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    db = await createTestDatabase();
    const q = (sql: string, params: unknown[] = []) => db.dataSource.query(sql, params);
    const [city] = await q("INSERT INTO regions (code, name, level) VALUES ('150300', 'c', 'city') RETURNING id");
    for (const [key, code] of [['A', '3115030201'], ['B', '3115030202']]) {
      [{ id: ids[`school${key}`] }] = await q("INSERT INTO schools (code, name, stage, region_id) VALUES ($1, 's', 'junior', $2) RETURNING id", [code, city.id]);
    }
    const [term] = await q("INSERT INTO terms (code, school_year, term_number, start_date, end_date) VALUES ('2024-2025-1', '2024-2025', 1, '2024-09-01', '2025-01-20') RETURNING id");
    [{ id: ids.classA }] = await q("INSERT INTO school_classes (school_id, school_year, grade_code, name) VALUES ($1, '2024-2025', 'J1', '1') RETURNING id", [ids.schoolA]);
    [{ id: ids.classB }] = await q("INSERT INTO school_classes (school_id, school_year, grade_code, name) VALUES ($1, '2024-2025', 'J1', '1') RETURNING id", [ids.schoolB]);
    const add = async (key: string, sequence: string, school: string, klass: string) => {
      [{ id: ids[key] }] = await q("INSERT INTO students (student_number, name, sex_code, birth_date, ethnicity_code, school_id) VALUES ($1, 'x', '1', '2012-03-05', '01', $2) RETURNING id", [studentNumber('20120305', sequence), school]);
      await q('INSERT INTO enrolments (student_id, class_id, term_id, school_id) VALUES ($1, $2, $3, $4)', [ids[key], klass, term.id, school]);
    };
    await add('a1', '001', ids.schoolA, ids.classA);
    await add('a2', '003', ids.schoolA, ids.classA);
    await add('b1', '005', ids.schoolB, ids.classB);
    await add('b2', '007', ids.schoolB, ids.classB);
  });
  afterAll(() => db.drop());

  const visible = async (scope: DataScope) => {
    const builder = db.dataSource.getRepository(Student).createQueryBuilder('student');
    whereStudentInScope(builder, scope, { studentIdColumn: 'student.id', schoolIdColumn: 'student.school_id' });
    const viaBuilder = (await builder.getMany()).map((s) => s.id).sort();
    const params: unknown[] = [];
    const condition = studentInScopeSql(scope, { studentIdColumn: 's.id', schoolIdColumn: 's.school_id' }, params);
    const viaSql = (await db.dataSource.query(`SELECT s.id FROM students s WHERE ${condition}`, params)).map((r: { id: string }) => r.id).sort();
    expect(viaSql).toEqual(viaBuilder);
    return viaBuilder;
  };
  const sorted = (...keys: string[]) => keys.map((k) => ids[k]).sort();
  const scope = (grants: Partial<DataScope>): DataScope => ({ ...NOTHING, ...grants });

  it('everything and nothing', async () => {
    expect(await visible(EVERYTHING)).toEqual(sorted('a1', 'a2', 'b1', 'b2'));
    expect(await visible(NOTHING)).toEqual([]);
  });

  it('a school grant, a class grant, a student grant', async () => {
    expect(await visible(scope({ schoolIds: [ids.schoolA] }))).toEqual(sorted('a1', 'a2'));
    expect(await visible(scope({ classIds: [ids.classB] }))).toEqual(sorted('b1', 'b2'));
    expect(await visible(scope({ studentIds: [ids.b2] }))).toEqual(sorted('b2'));
  });

  it('the union of different grants', async () => {
    expect(await visible(scope({ schoolIds: [ids.schoolA], studentIds: [ids.b1] }))).toEqual(sorted('a1', 'a2', 'b1'));
  });

  it('combines with other conditions by AND, never widening them', async () => {
    const builder = db.dataSource.getRepository(Student).createQueryBuilder('student').where('student.id = :id', { id: ids.b1 });
    whereStudentInScope(builder, scope({ schoolIds: [ids.schoolA] }), { studentIdColumn: 'student.id', schoolIdColumn: 'student.school_id' });
    expect(await builder.getMany()).toEqual([]);
    const orBuilder = db.dataSource.getRepository(Student).createQueryBuilder('student').where('student.id = :x OR student.id = :y', { x: ids.b1, y: ids.a1 });
    whereStudentInScope(orBuilder, scope({ schoolIds: [ids.schoolA] }), { studentIdColumn: 'student.id', schoolIdColumn: 'student.school_id' });
    expect((await orBuilder.getMany()).map((s) => s.id)).toEqual([ids.a1]);
  });

  describe('the applicant grant (admissions officers, ADR 0820)', () => {
    // High school H receives applications: a1 in an open batch, b1 in a closed one; high school K: b2 in the open batch.
    beforeAll(async () => {
      const q = (sql: string, params: unknown[] = []) => db.dataSource.query(sql, params);
      const [region] = await q("SELECT region_id AS id FROM schools WHERE id = $1", [ids.schoolA]);
      [{ id: ids.highH }] = await q("INSERT INTO schools (code, name, stage, region_id) VALUES ('3115030401', 'h', 'senior', $1) RETURNING id", [region.id]);
      [{ id: ids.highK }] = await q("INSERT INTO schools (code, name, stage, region_id) VALUES ('3115030402', 'k', 'senior', $1) RETURNING id", [region.id]);
      const today = "(now() AT TIME ZONE 'Asia/Shanghai')::date";
      [{ id: ids.open }] = await q(`INSERT INTO admissions_batches (code, name, opens_on, closes_on) VALUES ('open', 'o', ${today} - 1, ${today} + 1) RETURNING id`);
      [{ id: ids.closed }] = await q(`INSERT INTO admissions_batches (code, name, opens_on, closes_on) VALUES ('closed', 'c', ${today} - 30, ${today} - 1) RETURNING id`);
      [{ id: ids.future }] = await q(`INSERT INTO admissions_batches (code, name, opens_on, closes_on) VALUES ('future', 'f', ${today} + 1, ${today} + 30) RETURNING id`);
      const apply = (student: string, school: string, batch: string) => q("INSERT INTO admissions_applications (student_id, school_id, batch_id, applied_on) VALUES ($1, $2, $3, '2025-06-01')", [ids[student], ids[school], ids[batch]]);
      await apply('a1', 'highH', 'open');
      await apply('b1', 'highH', 'closed');
      await apply('a2', 'highH', 'future');
      await apply('b2', 'highK', 'open');
    });

    it('reaches the students who applied to the school in a batch whose period is open today, nobody else', async () => {
      expect(await visible(scope({ applicantOfSchoolIds: [ids.highH] }))).toEqual(sorted('a1'));
      expect(await visible(scope({ applicantOfSchoolIds: [ids.highK] }))).toEqual(sorted('b2'));
      expect(await visible(scope({ applicantOfSchoolIds: [ids.highH, ids.highK] }))).toEqual(sorted('a1', 'b2'));
    });

    it('reaches nobody once the period is over, and again when it is extended', async () => {
      await db.dataSource.query("UPDATE admissions_batches SET closes_on = opens_on WHERE id = $1", [ids.open]);
      expect(await visible(scope({ applicantOfSchoolIds: [ids.highH] }))).toEqual([]);
      await db.dataSource.query("UPDATE admissions_batches SET closes_on = (now() AT TIME ZONE 'Asia/Shanghai')::date + 1 WHERE id = $1", [ids.open]);
      expect(await visible(scope({ applicantOfSchoolIds: [ids.highH] }))).toEqual(sorted('a1'));
    });

    it('shows an officer the applications to their own school only, not the same student’s elsewhere', async () => {
      await db.dataSource.query("INSERT INTO admissions_applications (student_id, school_id, batch_id, applied_on) VALUES ($1, $2, $3, '2025-06-02')", [ids.a1, ids.highK, ids.open]);
      const applications = async (grant: DataScope) => {
        const params: unknown[] = [];
        const condition = applicationInScopeSql(grant, { schoolIdColumn: 'a.school_id', batchIdColumn: 'a.batch_id' }, params);
        return (await db.dataSource.query(`SELECT a.student_id, a.school_id FROM admissions_applications a WHERE ${condition} ORDER BY a.student_id, a.school_id`, params)) as { student_id: string; school_id: string }[];
      };
      expect(await applications(scope({ applicantOfSchoolIds: [ids.highH] }))).toEqual([{ student_id: ids.a1, school_id: ids.highH }]);
      expect((await applications(scope({ schoolIds: [ids.schoolA] })))).toEqual([]);
      expect((await applications(EVERYTHING)).length).toBe(5);
    });
  });
});
