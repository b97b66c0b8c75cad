import ExcelJS from 'exceljs';
import { compareMethods } from '../../src/modules/value-added/method-comparison';
import { type AuthedClient, signedInAs } from '../helpers/auth';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { seedUiWorld, type UiWorld, waitForRun } from '../helpers/ui-fixture';

/**
 * Reports for the web UI (issue 9): every number is the value-added / growth service's stored
 * one, joined with the roster; scope as the services have it; exports round-trip and are audited.
 */
interface StoredGroup {
  model: string;
  group_id: string;
  school_id: string;
  n: number;
  estimate: number;
  se: number;
  ci_low: number;
  ci_high: number;
  category: string;
  reliability: number | null;
  rank: number;
}

/** supertest: collect a binary body as a Buffer. */
const binary = (response: { on(event: string, listener: (chunk?: Buffer) => void): void }, callback: (error: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  response.on('data', (chunk) => chunks.push(chunk!));
  response.on('end', () => callback(null, Buffer.concat(chunks)));
};

describe('reports', () => {
  let t: TestApp;
  let world: UiWorld;
  let school: AuthedClient;
  let district: AuthedClient;
  let teacher: AuthedClient;
  let secondRunId: string;
  let growthRunId: string;

  const stored = (runId: string, model: string): Promise<StoredGroup[]> =>
    t.db.dataSource.query(`SELECT model, group_id, school_id, n, estimate, se, ci_low, ci_high, category, reliability, rank FROM value_added_group_results WHERE run_id = $1 AND model = $2 ORDER BY estimate, group_id`, [runId, model]);

  beforeAll(async () => {
    t = await startTestApp();
    world = await seedUiWorld(t.db.dataSource, t.admin);
    const db = t.db.dataSource;
    school = await signedInAs(t.app, db, [{ role: 'school_admin', schoolId: world.schools[0].id }]);
    district = await signedInAs(t.app, db, [{ role: 'district_officer', regionId: world.districts[1] }]);
    teacher = await signedInAs(t.app, db, [{ role: 'teacher', classId: world.classIds[0] }]);
    // A second study on the same occasions without the covariate: the "later" run of the stability view.
    const occasion = (examType: string, examDate: string) => ({ termId: world.termId, examType, examDate, subject: 'academic.exam.math' });
    const study = await t.admin.post('/api/value-added/studies').send({ name: '初一数学增值（无协变量）', outcome: occasion('final', '2025-01-15'), priors: [occasion('midterm', '2024-11-10')], grouping: 'school', model: 'ols', minGroupSize: 10 }).expect(201);
    secondRunId = (await t.admin.post(`/api/value-added/studies/${study.body.id}/runs`).send({}).expect(202)).body.id;
    await waitForRun(t.admin, secondRunId);
    const growth = await t.admin.post('/api/growth/runs').send({ indicator: 'academic.exam.math', current: { termId: world.termId, examType: 'final', examDate: '2025-01-15' }, priors: [{ termId: world.termId, examType: 'midterm', examDate: '2024-11-10' }], minimumN: 10 }).expect(202);
    growthRunId = growth.body.id;
    for (let attempt = 0; attempt < 480; attempt += 1) {
      const run = (await t.admin.get(`/api/growth/runs/${growthRunId}`).expect(200)).body;
      if (run.state === 'succeeded') break;
      if (run.state === 'failed') throw new Error(`growth run failed: ${JSON.stringify(run.error)}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }, 300_000);
  afterAll(() => t.close());

  it('lists studies with their school year and finished runs, filtered by subject and year', async () => {
    const all = (await t.admin.get('/api/reports/value-added/studies').expect(200)).body;
    expect(all.subjects).toEqual(['academic.exam.math']);
    expect(all.schoolYears).toEqual(['2024-2025']);
    expect(all.items).toHaveLength(2);
    const first = all.items.find((s: { id: string }) => s.id === world.studyId);
    expect(first).toMatchObject({ subject: 'academic.exam.math', schoolYear: '2024-2025', termCode: '2024-2025-1', minGroupSize: 10, grouping: 'school' });
    expect(first.runs.map((r: { id: string; models: string[] }) => [r.id, r.models])).toEqual([[world.runId, ['ols', 'multilevel']]]);
    expect((await t.admin.get('/api/reports/value-added/studies?schoolYear=2023-2024').expect(200)).body.items).toEqual([]);
    expect((await t.admin.get('/api/reports/value-added/studies?subject=total').expect(200)).body.items).toEqual([]);
    await t.admin.get('/api/reports/value-added/studies?subject=math').expect(400);
  });

  it('a run report is the stored rows of one model, lowest estimate first, with school, district and stage', async () => {
    for (const model of ['ols', 'multilevel']) {
      const report = (await t.admin.get(`/api/reports/value-added/runs/${world.runId}?model=${model}`).expect(200)).body;
      const rows = await stored(world.runId, model);
      expect(report.model).toBe(model);
      expect(report.minGroupSize).toBe(10);
      expect(report.groups.map((g: Record<string, unknown>) => [g.groupId, g.schoolId, g.n, g.estimate, g.se, g.ciLow, g.ciHigh, g.category, g.reliability, g.rank])).toEqual(
        rows.map((r) => [r.group_id, r.school_id, r.n, r.estimate, r.se, r.ci_low, r.ci_high, r.category, r.reliability, r.rank]),
      );
      for (const group of report.groups) {
        const school = world.schools.find((s) => s.id === group.schoolId)!;
        expect(group).toMatchObject({ schoolName: school.name, stage: school.stage, regionId: school.regionId, regionName: school.regionId === world.districts[0] ? '海勃湾区' : '海南区', className: null });
      }
      const counts = Object.fromEntries(['above', 'not_significant', 'below', 'insufficient'].map((c) => [c, rows.filter((r) => r.category === c).length]));
      expect(report.categoryCounts).toEqual(counts);
      expect(counts.insufficient).toBe(1);
    }
    // The first model by default; filters by district (or the city above it) and stage.
    expect((await t.admin.get(`/api/reports/value-added/runs/${world.runId}`).expect(200)).body.model).toBe('ols');
    const d2 = (await t.admin.get(`/api/reports/value-added/runs/${world.runId}?regionId=${world.districts[1]}`).expect(200)).body;
    expect(d2.groups.map((g: { schoolId: string }) => g.schoolId).sort()).toEqual(world.schools.filter((s) => s.regionId === world.districts[1]).map((s) => s.id).sort());
    expect(d2.filters.districts).toHaveLength(2);
    expect((await t.admin.get(`/api/reports/value-added/runs/${world.runId}?regionId=${world.cityId}`).expect(200)).body.groups).toHaveLength(world.schools.length);
    const primary = (await t.admin.get(`/api/reports/value-added/runs/${world.runId}?stage=primary`).expect(200)).body;
    expect(primary.groups.map((g: { category: string }) => g.category)).toEqual(['insufficient']);
    expect(primary.categoryCounts).toEqual({ above: 0, not_significant: 0, below: 0, insufficient: 1 });
    await t.admin.get(`/api/reports/value-added/runs/${world.runId}?model=zgain`).expect(400);
    await t.admin.get(`/api/reports/value-added/runs/${world.runId}?stage=kindergarten`).expect(400);
    await t.admin.get('/api/reports/value-added/runs/00000000-0000-4000-8000-000000000000').expect(404);
  });

  it('a school sees its own row without a rank; a district officer every school with ranks; a teacher nothing', async () => {
    const own = (await school.get(`/api/reports/value-added/runs/${world.runId}`).expect(200)).body;
    expect(own.groups.map((g: { schoolId: string; rank: number | null }) => [g.schoolId, g.rank])).toEqual([[world.schools[0].id, null]]);
    expect(own.filters.districts).toHaveLength(1);
    const bureau = (await district.get(`/api/reports/value-added/runs/${world.runId}`).expect(200)).body;
    expect(bureau.groups).toHaveLength(world.schools.length);
    expect(bureau.groups.every((g: { rank: number | null }) => typeof g.rank === 'number')).toBe(true);
    await teacher.get(`/api/reports/value-added/runs/${world.runId}`).expect(403);
  });

  it('a run not finished yet is 409', async () => {
    const [{ id }] = await t.db.dataSource.query(`INSERT INTO value_added_runs (study_id, models, state) VALUES ($1, '["ols"]', 'running') RETURNING id`, [world.studyId]);
    const response = await t.admin.get(`/api/reports/value-added/runs/${id}`).expect(409);
    expect(response.body.code).toBe('RUN_NOT_FINISHED');
    await t.db.dataSource.query(`DELETE FROM value_added_runs WHERE id = $1`, [id]);
  });

  it('the method comparison puts every model’s stored row side by side with the stored correlations', async () => {
    const report = (await t.admin.get(`/api/reports/value-added/runs/${world.runId}/methods`).expect(200)).body;
    const [ols, multilevel] = [await stored(world.runId, 'ols'), await stored(world.runId, 'multilevel')];
    const [run] = await t.db.dataSource.query(`SELECT comparison FROM value_added_runs WHERE id = $1`, [world.runId]);
    expect(report.correlations).toEqual(run.comparison.correlations);
    expect(report.groupsCompared).toBe(run.comparison.groupsCompared);
    expect(report.groups.map((g: { groupId: string }) => g.groupId)).toEqual(ols.map((r) => r.group_id));
    for (const group of report.groups) {
      const a = ols.find((r) => r.group_id === group.groupId)!;
      const b = multilevel.find((r) => r.group_id === group.groupId)!;
      expect(group.models.ols).toEqual({ estimate: a.estimate, ciLow: a.ci_low, ciHigh: a.ci_high, category: a.category, rank: a.rank });
      expect(group.models.multilevel).toEqual({ estimate: b.estimate, ciLow: b.ci_low, ciHigh: b.ci_high, category: b.category, rank: b.rank });
      expect(group.categoryChanged).toBe(a.category !== b.category);
    }
    const own = (await school.get(`/api/reports/value-added/runs/${world.runId}/methods`).expect(200)).body;
    expect(own.groups.map((g: { schoolId: string }) => g.schoolId)).toEqual([world.schools[0].id]);
  });

  it('stability pairs the schools of two runs, with ρ and transitions as the method comparison computes them', async () => {
    const report = (await t.admin.get(`/api/reports/value-added/stability?fromRunId=${world.runId}&toRunId=${secondRunId}`).expect(200)).body;
    const [from, to] = [await stored(world.runId, 'ols'), await stored(secondRunId, 'ols')];
    const paired = [...from].sort((a, b) => (a.school_id < b.school_id ? -1 : 1));
    const later = (schoolId: string) => to.find((r) => r.school_id === schoolId)!;
    const expected = compareMethods(
      paired.map((r) => ({ id: r.school_id, schoolId: r.school_id })),
      [
        { model: 'from', estimate: paired.map((r) => r.estimate), category: paired.map((r) => r.category) },
        { model: 'to', estimate: paired.map((r) => later(r.school_id).estimate), category: paired.map((r) => later(r.school_id).category) },
      ],
    );
    expect(report.model).toBe('ols');
    expect(report.schoolsInBoth).toBe(world.schools.length);
    expect(report.schoolsCompared).toBe(expected.groupsCompared);
    expect(report.spearman).toBe(expected.correlations[0].spearman);
    expect(report.spearman).toBeGreaterThan(0.9);
    for (const s of report.schools) {
      const a = from.find((r) => r.school_id === s.schoolId)!;
      const b = later(s.schoolId);
      expect(s.from).toEqual({ n: a.n, estimate: a.estimate, ciLow: a.ci_low, ciHigh: a.ci_high, category: a.category });
      expect(s.to).toEqual({ n: b.n, estimate: b.estimate, ciLow: b.ci_low, ciHigh: b.ci_high, category: b.category });
    }
    expect(report.transitions.reduce((sum: number, x: { count: number }) => sum + x.count, 0)).toBe(world.schools.length);
    // A school sees its own pair; the correlation stays the city's aggregate.
    const own = (await school.get(`/api/reports/value-added/stability?fromRunId=${world.runId}&toRunId=${secondRunId}`).expect(200)).body;
    expect(own.schools.map((s: { schoolId: string }) => s.schoolId)).toEqual([world.schools[0].id]);
    expect(own.spearman).toBe(report.spearman);
    await t.admin.get(`/api/reports/value-added/stability?fromRunId=${world.runId}&toRunId=${secondRunId}&model=multilevel`).expect(400);
    await t.admin.get(`/api/reports/value-added/stability?fromRunId=${world.runId}`).expect(400);
  });

  it('a school’s value-added history is its stored rows of every finished run; another school is 404 for it', async () => {
    const mine = world.schools[0].id;
    const history = (await school.get(`/api/reports/schools/${mine}/value-added`).expect(200)).body;
    const rows = await t.db.dataSource.query(`SELECT run_id, model, estimate, ci_low, ci_high, category, n FROM value_added_group_results WHERE school_id = $1`, [mine]);
    expect(history.school.name).toBe(world.schools[0].name);
    expect(history.rows).toHaveLength(3);
    for (const row of history.rows) {
      const match = rows.find((r: { run_id: string; model: string }) => r.run_id === row.runId && r.model === row.model);
      expect([row.n, row.estimate, row.ciLow, row.ciHigh, row.category]).toEqual([match.n, match.estimate, match.ci_low, match.ci_high, match.category]);
      expect(row.schoolYear).toBe('2024-2025');
    }
    await school.get(`/api/reports/schools/${world.schools[1].id}/value-added`).expect(404);
    await district.get(`/api/reports/schools/${world.schools[1].id}/value-added`).expect(200);
  });

  it('a school’s growth history is its stored summary of each run and its students per SGP band', async () => {
    const mine = world.schools[0].id;
    const history = (await school.get(`/api/reports/schools/${mine}/growth`).expect(200)).body;
    const summaries = (await t.admin.get(`/api/growth/runs/${growthRunId}/schools`).expect(200)).body.schools;
    expect(history.runs).toHaveLength(1);
    expect(history.runs[0]).toMatchObject({ runId: growthRunId, indicatorCode: 'academic.exam.math', schoolYear: '2024-2025', termCode: '2024-2025-1', minimumN: 10 });
    expect(history.runs[0].summary).toEqual(summaries.find((s: { schoolId: string }) => s.schoolId === mine));
    const sgps: { sgp: number }[] = await t.db.dataSource.query(`SELECT sgp FROM growth_student_results WHERE run_id = $1 AND school_id = $2 AND sgp IS NOT NULL`, [growthRunId, mine]);
    const expected = Array.from({ length: 10 }, (_, band) => sgps.filter((r) => Math.min(9, Math.floor(r.sgp / 10)) === band).length);
    expect(history.runs[0].distribution.map((d: { students: number }) => d.students)).toEqual(expected);
    expect(expected.reduce((a, b) => a + b, 0)).toBe(history.runs[0].summary.n);
    // The small school is below the run's minimum N: its summary says suppressed and no distribution is given.
    const small = world.schools.find((s) => s.size < 10)!;
    const hidden = (await t.admin.get(`/api/reports/schools/${small.id}/growth`).expect(200)).body.runs[0];
    expect(hidden.summary.suppressed).toBe(true);
    expect(hidden.distribution).toBeNull();
    await school.get(`/api/reports/schools/${world.schools[1].id}/growth`).expect(404);
  });

  it('exports a table as CSV with a BOM and as XLSX, neutralising formula-like text, and audits both', async () => {
    const body = { title: '导出测试', source: '/api/reports/value-added/runs/x', columns: ['学校', '估计值', '备注'], rows: [['=cmd|/c calc', -1.5, '+86'], ['二中', 2.25, null], ['@SUM(A1)', 0, '-x']] };
    const csv = await school.post('/api/reports/exports/table').send({ ...body, format: 'csv' }).buffer(true).parse(binary as never).expect(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent('导出测试.csv')}`);
    expect(csv.body.subarray(3).toString('utf8')).toBe("学校,估计值,备注\r\n'=cmd|/c calc,-1.5,'+86\r\n二中,2.25,\r\n'@SUM(A1),0,'-x\r\n");
    const xlsx = await school.post('/api/reports/exports/table').send({ ...body, format: 'xlsx' }).buffer(true).parse(binary as never).expect(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.body as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0];
    expect([1, 2, 3, 4].map((r) => (sheet.getRow(r).values as unknown[]).slice(1))).toEqual([['学校', '估计值', '备注'], ["'=cmd|/c calc", -1.5, "'+86"], ['二中', 2.25], ["'@SUM(A1)", 0, "'-x"]]);
    const events = await t.db.dataSource.query(`SELECT operation, target_type, target_id, outcome FROM audit_events WHERE action = 'export' AND actor_user_id = $1 ORDER BY occurred_at`, [school.user.id]);
    expect(events).toEqual([
      { operation: 'export table csv: 导出测试 (3 rows)', target_type: 'table', target_id: '/api/reports/value-added/runs/x', outcome: 'success' },
      { operation: 'export table xlsx: 导出测试 (3 rows)', target_type: 'table', target_id: '/api/reports/value-added/runs/x', outcome: 'success' },
    ]);
  });

  it('refuses malformed exports with 400 and records no export', async () => {
    const before = Number((await t.db.dataSource.query(`SELECT count(*) FROM audit_events WHERE action = 'export'`))[0].count);
    for (const bad of [
      { format: 'csv', title: 'x', columns: ['a'], rows: [{ a: 1 }] },
      { format: 'csv', title: 'x', columns: ['a'], rows: [[{ nested: true }]] },
      { format: 'csv', title: 'x', columns: ['a'], rows: [['1', '2']] },
      { format: 'pdf', title: 'x', columns: ['a'], rows: [] },
      { format: 'csv', title: '', columns: ['a'], rows: [] },
    ]) {
      const response = await school.post('/api/reports/exports/table').send(bad).expect(400);
      expect(response.body).toMatchObject({ code: expect.any(String), messageZh: expect.any(String) });
    }
    await school.post('/api/reports/exports/chart').send({ format: 'png', title: 'x', dataUrl: 'data:image/png;base64,aGVsbG8=' }).expect(400);
    await school.post('/api/reports/exports/chart').send({ format: 'svg', title: 'x', dataUrl: 'data:image/svg+xml,%3Cscript%3E' }).expect(400);
    await t.http.post('/api/reports/exports/table').send({ format: 'csv', title: 'x', columns: ['a'], rows: [] }).expect(401);
    expect(Number((await t.db.dataSource.query(`SELECT count(*) FROM audit_events WHERE action = 'export'`))[0].count)).toBe(before);
  });

  it('exports a chart as PNG and SVG as drawn', async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('rest')]);
    const a = await district.post('/api/reports/exports/chart').send({ format: 'png', title: '图', dataUrl: `data:image/png;base64,${png.toString('base64')}` }).buffer(true).parse(binary as never).expect(200);
    expect(a.headers['content-type']).toBe('image/png');
    expect(a.body.equals(png)).toBe(true);
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><text>增值</text></svg>';
    const b = await district.post('/api/reports/exports/chart').send({ format: 'svg', title: '图', dataUrl: `data:image/svg+xml;charset=UTF-8,${encodeURIComponent(svg)}` }).buffer(true).parse(binary as never).expect(200);
    expect(b.body.toString('utf8')).toBe(svg);
  });
});
