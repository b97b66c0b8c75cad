/**
 * The fitness and myopia aggregates are counted in SQL (ADR 0920). This checks them against an
 * independent computation: every enrolled student's row read back on its own (latest enrolment of
 * the year, stored result, latest screening per eye), grouped here in the test and summarised by
 * the scoring core's per-record functions (summarizeFitnessGroup, summarizeMyopiaScreening) — the
 * way the service computed them before. Every level (class, school, district, city), with and
 * without grade and sex filters, both years, the previous year and the change, must agree.
 *
 * Fixture (deterministic, 2 school years × 2 terms, 3 schools in 2 districts, classes J1 1班/2班
 * and J2 1班, 90 students through the real fitness and vision imports): boys and girls, totals
 * across every level band, 免测 on every item (exempt), 暂缓 on some items (deferred), a missing
 * item (incomplete), failing tests with a 补测 that is applied, a 补测 of a passing test (kept, not
 * used), students who change class or school between the terms (they count where they ended the
 * year), students never tested, screenings with one or both eyes and re-screenings in term 2.
 */
import type { DataSource } from 'typeorm';
import { type FitnessResultForRates, fitnessYearOverYear, myopiaYearOverYear, summarizeFitnessGroup, summarizeMyopiaScreening } from '../../src/scoring-core';
import { signedInAs } from '../helpers/auth';
import { studentNumber } from '../helpers/roster-builders';
import { startTestApp, type TestApp } from '../helpers/test-app';

const YEARS = ['2023-2024', '2024-2025'] as const;
const HEADER = '学籍号,姓名,学年学期,测试日期,身高,体重,肺活量,50米跑,坐位体前屈,立定跳远,一分钟仰卧起坐,800米跑,引体向上,1000米跑,测试类型,免测原因';

function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

interface Row {
  school_id: string;
  school_code: string;
  school_name: string;
  class_id: string;
  class_name: string;
  grade_code: string;
  region_id: string;
  region_code: string;
  region_name: string;
  sex_code: string;
  status: FitnessResultForRates['status'] | null;
  total: number | null;
  left_eye: number | null;
  right_eye: number | null;
}

/** The per-student rows, read independently of the service (the pre-ADR-0920 roster query). */
async function studentRows(db: DataSource, schoolYear: string): Promise<Row[]> {
  return db.query(
    `WITH enrolled AS (
       SELECT DISTINCT ON (e.student_id) e.student_id, e.school_id, e.class_id
         FROM enrolments e JOIN terms t ON t.id = e.term_id WHERE t.school_year = $1 ORDER BY e.student_id, t.term_number DESC),
     vision AS (
       SELECT DISTINCT ON (r.student_id, i.code) r.student_id, i.code, r.numeric_value::float8 AS value
         FROM term_records r JOIN terms t ON t.id = r.term_id JOIN indicators i ON i.id = r.indicator_id
        WHERE t.school_year = $1 AND i.code IN ('physical.vision.left', 'physical.vision.right') ORDER BY r.student_id, i.code, t.term_number DESC)
     SELECT en.school_id, sc.code AS school_code, sc.name AS school_name, en.class_id, c.name AS class_name, c.grade_code, sc.region_id, rg.code AS region_code, rg.name AS region_name,
            st.sex_code, fr.status, fr.total::float8 AS total, l.value AS left_eye, r.value AS right_eye
       FROM enrolled en JOIN school_classes c ON c.id = en.class_id JOIN schools sc ON sc.id = en.school_id JOIN regions rg ON rg.id = sc.region_id JOIN students st ON st.id = en.student_id
       LEFT JOIN fitness_results fr ON fr.student_id = en.student_id AND fr.school_year = $1
       LEFT JOIN vision l ON l.student_id = en.student_id AND l.code = 'physical.vision.left'
       LEFT JOIN vision r ON r.student_id = en.student_id AND r.code = 'physical.vision.right'`,
    [schoolYear],
  );
}

const LEVELS = ['class', 'school', 'district', 'city'] as const;
type Level = (typeof LEVELS)[number];

function unitOf(row: Row, level: Level): { key: string; unit: Record<string, unknown> } {
  if (level === 'class') return { key: `${row.school_id}|${row.grade_code}|${row.class_name}`, unit: { level, id: row.class_id, code: null, name: row.class_name, schoolId: row.school_id, gradeCode: row.grade_code } };
  if (level === 'school') return { key: row.school_id, unit: { level, id: row.school_id, code: row.school_code, name: row.school_name } };
  if (level === 'district') return { key: row.region_id, unit: { level, id: row.region_id, code: row.region_code, name: row.region_name } };
  return { key: 'city', unit: { level, id: null, code: null, name: 'city' } };
}

function groupRows(rows: readonly Row[], level: Level): Map<string, { unit: Record<string, unknown>; rows: Row[] }> {
  const groups = new Map<string, { unit: Record<string, unknown>; rows: Row[] }>();
  for (const row of rows) {
    const { key, unit } = unitOf(row, level);
    const group = groups.get(key) ?? { unit, rows: [] };
    group.rows.push(row);
    groups.set(key, group);
  }
  return groups;
}

const fitnessOf = (rows: readonly Row[]) => summarizeFitnessGroup(rows.filter((r) => r.status !== null).map((r) => ({ status: r.status!, total: r.total })), { enrolled: rows.length });
const myopiaOf = (rows: readonly Row[]) => summarizeMyopiaScreening(rows.map((r) => ({ leftEye: r.left_eye, rightEye: r.right_eye })));

describe('fitness and myopia aggregates counted in SQL agree with the per-student computation (e2e)', () => {
  let t: TestApp;
  let db: DataSource;
  const rowsOf: Record<string, Row[]> = {};
  const fixture = { exempt: 0, deferred: 0, incomplete: 0, retestApplied: 0, retestUnused: 0, movedClass: 0, movedSchool: 0, untested: 0 };

  beforeAll(async () => {
    t = await startTestApp();
    db = t.db.dataSource;
    const one = async (sql: string, params: unknown[] = []) => ((await db.query(sql, params)) as { id: string }[])[0].id;
    const city = await one(`INSERT INTO regions (code, name, level) VALUES ('150300', '乌海市', 'city') RETURNING id`);
    const d1 = await one(`INSERT INTO regions (code, name, level, parent_id) VALUES ('150302', '海勃湾区', 'district', $1) RETURNING id`, [city]);
    const d2 = await one(`INSERT INTO regions (code, name, level, parent_id) VALUES ('150303', '海南区', 'district', $1) RETURNING id`, [city]);
    const schools = [
      await one(`INSERT INTO schools (code, name, stage, region_id) VALUES ('3115030201', '一中', 'junior', $1) RETURNING id`, [d1]),
      await one(`INSERT INTO schools (code, name, stage, region_id) VALUES ('3115030202', '二中', 'junior', $1) RETURNING id`, [d1]),
      await one(`INSERT INTO schools (code, name, stage, region_id) VALUES ('3115030301', '三中', 'junior', $1) RETURNING id`, [d2]),
    ];
    const random = lcg(9200);
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
    const students: { id: string; number: string; sex: '1' | '2' }[] = [];
    for (let i = 0; i < 90; i += 1) {
      const sex = random() < 0.5 ? '1' : '2';
      const number = studentNumber('20110305', String(100 + i));
      students.push({ id: await one(`INSERT INTO students (student_number, name, sex_code, birth_date, ethnicity_code, school_id) VALUES ($1, $2, $3, '2011-03-05', '01', $4) RETURNING id`, [number, `学生${i}`, sex, schools[i % 3]]), number, sex });
    }
    for (const [y, year] of YEARS.entries()) {
      const [start] = year.split('-');
      const terms = [
        await one(`INSERT INTO terms (code, school_year, term_number, start_date, end_date) VALUES ($1, $2, 1, $3, $4) RETURNING id`, [`${year}-1`, year, `${start}-09-01`, `${Number(start) + 1}-01-20`]),
        await one(`INSERT INTO terms (code, school_year, term_number, start_date, end_date) VALUES ($1, $2, 2, $3, $4) RETURNING id`, [`${year}-2`, year, `${Number(start) + 1}-02-20`, `${Number(start) + 1}-07-10`]),
      ];
      const classes = new Map<string, string>();
      for (const school of schools) {
        for (const [grade, name] of [['J1', '1班'], ['J1', '2班'], ['J2', '1班']]) {
          classes.set(`${school}|${grade}|${name}`, await one(`INSERT INTO school_classes (school_id, school_year, grade_code, name) VALUES ($1, $2, $3, $4) RETURNING id`, [school, year, grade, name]));
        }
      }
      const fitness: string[] = [HEADER];
      const vision: string[] = ['学籍号,学年学期,筛查日期,左眼裸眼视力,右眼裸眼视力'];
      const eye = () => (random() < 0.08 ? '' : (4.0 + Math.floor(random() * 14) / 10).toFixed(1));
      for (const [i, student] of students.entries()) {
        if (y === 0 && i >= 80) continue; // ten students join in the second year
        let school = schools[i % 3];
        const grade = y === 0 ? 'J1' : i % 2 === 0 ? 'J2' : 'J1';
        let name = grade === 'J2' ? '1班' : pick(['1班', '2班']);
        await db.query(`INSERT INTO enrolments (student_id, class_id, term_id, school_id) VALUES ($1, $2, $3, $4)`, [student.id, classes.get(`${school}|${grade}|${name}`), terms[0], school]);
        const move = random();
        if (move < 0.08 && grade === 'J1') {
          name = name === '1班' ? '2班' : '1班';
          fixture.movedClass += 1;
        } else if (move < 0.14) {
          school = schools[(i + 1) % 3];
          name = '1班';
          fixture.movedSchool += 1;
        }
        await db.query(`INSERT INTO enrolments (student_id, class_id, term_id, school_id) VALUES ($1, $2, $3, $4)`, [student.id, classes.get(`${school}|${grade}|${name}`), terms[1], school]);
        const term = `${year}-1`;
        const kind = random();
        if (kind < 0.06) {
          fixture.untested += 1;
        } else {
          const boy = student.sex === '1';
          const strong = random();
          const cells = {
            height: String(150 + Math.floor(random() * 25)),
            weight: String(40 + Math.floor(random() * 30)),
            vc: String(Math.round(1300 + strong * 2800)),
            run50: (10.5 - strong * 3.5).toFixed(1),
            reach: (strong * 22).toFixed(1),
            jump: String(Math.round(140 + strong * 110)),
            situp: boy ? '' : String(Math.round(15 + strong * 40)),
            run800: boy ? '' : String(Math.round(330 - strong * 140)),
            pullup: boy ? String(Math.round(strong * 16)) : '',
            run1000: boy ? String(Math.round(340 - strong * 140)) : '',
          };
          let reason = '';
          if (kind < 0.12) {
            for (const key of ['vc', 'run50', 'reach', 'jump', boy ? 'pullup' : 'situp', boy ? 'run1000' : 'run800'] as const) cells[key] = '免测';
            reason = '因病免予执行';
            fixture.exempt += 1;
          } else if (kind < 0.18) {
            cells[boy ? 'run1000' : 'run800'] = '暂缓';
            reason = '腿伤暂缓';
            fixture.deferred += 1;
          } else if (kind < 0.23) {
            cells.jump = '';
            fixture.incomplete += 1;
          }
          const c = cells;
          fitness.push([student.number, '', term, `${start}-10-12`, c.height, c.weight, c.vc, c.run50, c.reach, c.jump, c.situp, c.run800, c.pullup, c.run1000, '', reason].join(','));
          if (kind >= 0.23 && strong < 0.3) {
            // A weak test gets a 补测 of the run (applied when the year failed, else kept unused).
            const retest = boy ? ['', '', '', '', '', '', '', '', '', '200'] : ['', '', '', '', '', '', '', '190', '', ''];
            fitness.push([student.number, '', term, `${start}-12-05`, ...retest, '补测', ''].join(','));
          }
        }
        const screening = (on: string, date: string) => {
          const [left, right] = [eye(), eye()];
          if (left !== '' || right !== '') vision.push(`${student.number},${on},${date},${left},${right}`);
        };
        if (random() < 0.9) screening(term, `${start}-09-20`);
        if (random() < 0.15) screening(`${year}-2`, `${Number(start) + 1}-03-20`);
      }
      for (const [kind, lines] of [['fitness', fitness], ['vision', vision]] as const) {
        const response = await t.admin.post(`/api/imports/${kind}`).attach('file', Buffer.from(`${lines.join('\n')}\n`, 'utf8'), `${kind}-${year}.csv`);
        if (response.status !== 201) throw new Error(`${kind} import of ${year}: ${response.status} ${JSON.stringify(response.body).slice(0, 800)}`);
      }
    }
    // The stored results (fresh after any read), then the rows the independent computation uses.
    await t.admin.get(`/api/fitness/results?schoolYear=${YEARS[1]}`).expect(200);
    await t.admin.get(`/api/fitness/results?schoolYear=${YEARS[0]}`).expect(200);
    for (const year of YEARS) rowsOf[year] = await studentRows(db, year);
    const stored = (await db.query(`SELECT status, (retest->>'applied')::boolean AS applied FROM fitness_results`)) as { status: string; applied: boolean | null }[];
    fixture.retestApplied = stored.filter((r) => r.applied === true).length;
    fixture.retestUnused = stored.filter((r) => r.applied === false).length;
  }, 240_000);
  afterAll(() => t?.close());

  it('the fixture has every case the semantics distinguish', async () => {
    const statuses = new Set(((await db.query(`SELECT DISTINCT status FROM fitness_results`)) as { status: string }[]).map((r) => r.status));
    expect(statuses).toEqual(new Set(['scored', 'exempt', 'deferred', 'incomplete']));
    for (const [name, value] of Object.entries(fixture)) expect([name, value > 0]).toEqual([name, true]);
    const levels = new Set(rowsOf[YEARS[1]].filter((r) => r.status === 'scored').map((r) => (r.total! >= 90 ? 'A' : r.total! >= 80 ? 'B' : r.total! >= 60 ? 'C' : 'D')));
    expect(levels).toEqual(new Set(['A', 'B', 'C', 'D']));
  });

  const filters: { gradeCode?: string; sex?: 'M' | 'F' }[] = [{}, { gradeCode: 'J1' }, { sex: 'F' }, { gradeCode: 'J2', sex: 'M' }];
  const keep = (filter: { gradeCode?: string; sex?: 'M' | 'F' }) => (row: Row) => (filter.gradeCode === undefined || row.grade_code === filter.gradeCode) && (filter.sex === undefined || row.sex_code === { M: '1', F: '2' }[filter.sex]);

  it.each(LEVELS)('fitness aggregates at %s level equal the per-student computation, with every filter, the previous year and the change', async (level) => {
    for (const filter of filters) {
      const query = new URLSearchParams({ level, schoolYear: YEARS[1], ...filter });
      const { body } = await t.admin.get(`/api/fitness/aggregates?${query}`).expect(200);
      const current = groupRows(rowsOf[YEARS[1]].filter(keep(filter)), level);
      const previous = groupRows(rowsOf[YEARS[0]].filter(keep(filter)), level);
      expect(body.groups).toHaveLength(current.size);
      for (const group of body.groups as { unit: { id: string | null; schoolId?: string; gradeCode?: string; name: string }; summary: unknown; previous: unknown; change: unknown }[]) {
        const key = level === 'class' ? `${group.unit.schoolId}|${group.unit.gradeCode}|${group.unit.name}` : (group.unit.id ?? 'city');
        const expected = current.get(key)!;
        expect(group.unit).toEqual(expected.unit);
        expect(group.summary).toEqual(fitnessOf(expected.rows));
        expect(group.previous).toEqual(previous.has(key) ? fitnessOf(previous.get(key)!.rows) : null);
        expect(group.change).toEqual(previous.has(key) ? fitnessYearOverYear(fitnessOf(expected.rows), fitnessOf(previous.get(key)!.rows)) : null);
      }
    }
  });

  it.each(LEVELS)('myopia at %s level equals the per-student computation, with every filter and the previous year', async (level) => {
    for (const filter of filters) {
      const query = new URLSearchParams({ level, schoolYear: YEARS[1], ...filter });
      const { body } = await t.admin.get(`/api/fitness/myopia?${query}`).expect(200);
      const current = groupRows(rowsOf[YEARS[1]].filter(keep(filter)), level);
      const previous = groupRows(rowsOf[YEARS[0]].filter(keep(filter)), level);
      expect(body.groups).toHaveLength(current.size);
      for (const group of body.groups as { unit: { id: string | null; schoolId?: string; gradeCode?: string; name: string }; summary: unknown; previous: unknown; change: unknown }[]) {
        const key = level === 'class' ? `${group.unit.schoolId}|${group.unit.gradeCode}|${group.unit.name}` : (group.unit.id ?? 'city');
        expect(group.summary).toEqual(myopiaOf(current.get(key)!.rows));
        expect(group.previous).toEqual(previous.has(key) ? myopiaOf(previous.get(key)!.rows) : null);
        expect(group.change).toEqual(previous.has(key) ? myopiaYearOverYear(myopiaOf(current.get(key)!.rows), myopiaOf(previous.get(key)!.rows)) : null);
      }
    }
  });

  it('a school administrator gets exactly its own school’s groups, equal to the per-student computation', async () => {
    const own = rowsOf[YEARS[1]][0].school_id;
    const admin = await signedInAs(t.app, db, [{ role: 'school_admin', schoolId: own }]);
    const { body } = await admin.get(`/api/fitness/aggregates?level=class&schoolYear=${YEARS[1]}`).expect(200);
    const expected = groupRows(rowsOf[YEARS[1]].filter((r) => r.school_id === own), 'class');
    expect(body.groups.map((g: { unit: unknown }) => g.unit)).toEqual(expect.arrayContaining([...expected.values()].map((g) => g.unit)));
    expect(body.groups).toHaveLength(expected.size);
    for (const group of body.groups) expect(group.summary).toEqual(fitnessOf(expected.get(`${group.unit.schoolId}|${group.unit.gradeCode}|${group.unit.name}`)!.rows));
  });
});
