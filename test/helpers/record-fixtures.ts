import type { DataSource } from 'typeorm';
import { studentNumber } from './roster-builders';

/** The students the record fixtures name (tools/fixtures/make-record-fixtures.js). */
export const FIXTURE_STUDENTS = {
  s1: studentNumber('20120305', '911'),
  s2: studentNumber('20120417', '912'),
  s3: studentNumber('20111130', '913'),
  outside: studentNumber('20120101', '914'),
  nowhere: studentNumber('20120615', '915'),
};
/** The student of every template's example row. */
export const TEMPLATE_STUDENT = 'G15030220120305001X';

export interface RecordWorld {
  schoolA: string;
  schoolB: string;
  classA: string;
  term1: string;
  term2: string;
  students: Record<'s1' | 's2' | 's3' | 'outside' | 'template', string>;
}

/**
 * Two schools (A is the uploader's, B is outside its scope), two terms, the fixture students
 * (911–913 and the template's at A in class 1班, 914 at B), enrolled in term 1.
 */
export async function createRecordWorld(dataSource: DataSource): Promise<RecordWorld> {
  const [city] = await dataSource.query(`INSERT INTO regions (code, name, level) VALUES ('150300', '乌海市', 'city') RETURNING id`);
  const [district] = await dataSource.query(`INSERT INTO regions (code, name, level, parent_id) VALUES ('150302', '海勃湾区', 'district', $1) RETURNING id`, [city.id]);
  const [schoolA] = await dataSource.query(`INSERT INTO schools (code, name, stage, region_id) VALUES ('3115030201', '乌海市第一中学', 'junior', $1) RETURNING id`, [district.id]);
  const [schoolB] = await dataSource.query(`INSERT INTO schools (code, name, stage, region_id) VALUES ('3115030202', '乌海市第二中学', 'junior', $1) RETURNING id`, [district.id]);
  const [term1] = await dataSource.query(`INSERT INTO terms (code, school_year, term_number, start_date, end_date) VALUES ('2024-2025-1', '2024-2025', 1, '2024-09-01', '2025-01-20') RETURNING id`);
  const [term2] = await dataSource.query(`INSERT INTO terms (code, school_year, term_number, start_date, end_date) VALUES ('2024-2025-2', '2024-2025', 2, '2025-02-20', '2025-07-10') RETURNING id`);
  const [classA] = await dataSource.query(`INSERT INTO school_classes (school_id, school_year, grade_code, name) VALUES ($1, '2024-2025', 'J1', '1班') RETURNING id`, [schoolA.id]);
  const add = async (number: string, name: string, sex: string, birth: string, school: string) => {
    const [row] = await dataSource.query(`INSERT INTO students (student_number, name, sex_code, birth_date, ethnicity_code, school_id) VALUES ($1, $2, $3, $4, '01', $5) RETURNING id`, [number, name, sex, birth, school]);
    await dataSource.query(`INSERT INTO enrolments (student_id, class_id, term_id, school_id) VALUES ($1, $2, $3, $4)`, [row.id, school === schoolA.id ? classA.id : await classOf(school), term1.id, school]);
    return row.id as string;
  };
  let classB: string | undefined;
  const classOf = async (school: string) => {
    if (!classB) [{ id: classB }] = await dataSource.query(`INSERT INTO school_classes (school_id, school_year, grade_code, name) VALUES ($1, '2024-2025', 'J1', '1班') RETURNING id`, [school]);
    return classB!;
  };
  return {
    schoolA: schoolA.id,
    schoolB: schoolB.id,
    classA: classA.id,
    term1: term1.id,
    term2: term2.id,
    students: {
      s1: await add(FIXTURE_STUDENTS.s1, '张伟', '1', '2012-03-05', schoolA.id),
      s2: await add(FIXTURE_STUDENTS.s2, '王芳', '2', '2012-04-17', schoolA.id),
      s3: await add(FIXTURE_STUDENTS.s3, '李娜', '2', '2011-11-30', schoolA.id),
      outside: await add(FIXTURE_STUDENTS.outside, '赵六', '1', '2012-01-01', schoolB.id),
      template: await add(TEMPLATE_STUDENT, '张三', '1', '2012-03-05', schoolA.id),
    },
  };
}

/** Counts and fingerprints of every record table: equal snapshots mean nothing was written. */
export async function recordSnapshot(dataSource: DataSource): Promise<Record<string, unknown>> {
  const [row] = await dataSource.query(`
    SELECT (SELECT count(*) FROM term_records)::int AS term_records,
           (SELECT count(*) FROM activity_records)::int AS activity_records,
           (SELECT count(*) FROM record_versions)::int AS versions,
           (SELECT count(*) FROM import_batches)::int AS batches,
           (SELECT md5(coalesce(string_agg(concat_ws('|', id, numeric_value, text_value, marker, version, updated_at), ',' ORDER BY id), '')) FROM term_records) AS term_fingerprint,
           (SELECT md5(coalesce(string_agg(concat_ws('|', id, title, hours, version, updated_at), ',' ORDER BY id), '')) FROM activity_records) AS activity_fingerprint`);
  return row;
}
