import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type AuthedClient, signedInAs } from '../helpers/auth';
import { PortfoliosService } from '../../src/modules/portfolios/portfolios.service';
import { artAssessment } from '../../src/scoring-core';
import { createRecordWorld, type RecordWorld } from '../helpers/record-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'imports', 'ok');

/**
 * 综合素质档案 over HTTP: compiled from the stored records, each workflow step refused out of
 * order (409) and recorded, sealed as canonical JSON + SHA-256, verified, tampering detected,
 * reopened as a new version with the old one kept.
 */
describe('portfolios: compile, confirm, comment, sign off, seal, verify, reopen', () => {
  let t: TestApp;
  let world: RecordWorld;
  let schoolAdmin: AuthedClient;
  let otherSchool: AuthedClient;
  let teacher: AuthedClient;
  let student: AuthedClient;
  let otherStudent: AuthedClient;
  let portfolioId: string;

  beforeAll(async () => {
    t = await startTestApp();
    world = await createRecordWorld(t.db.dataSource);
    schoolAdmin = await signedInAs(t.app, t.db.dataSource, [{ role: 'school_admin', schoolId: world.schoolA }]);
    otherSchool = await signedInAs(t.app, t.db.dataSource, [{ role: 'school_admin', schoolId: world.schoolB }]);
    teacher = await signedInAs(t.app, t.db.dataSource, [{ role: 'teacher', classId: world.classA }]);
    student = await signedInAs(t.app, t.db.dataSource, [{ role: 'student', studentId: world.students.s1 }]);
    otherStudent = await signedInAs(t.app, t.db.dataSource, [{ role: 'student', studentId: world.students.s2 }]);
    for (const kind of ['activities', 'art', 'labour', 'fitness']) {
      const file = `${kind}.csv`;
      await schoolAdmin.post(`/api/imports/${kind}`).attach('file', fs.readFileSync(path.join(FIXTURES, file)), file).expect(201);
    }
    // The review workflow confirms records after 公示; until it is on main, the fixture confirms s1's records directly.
    await t.db.dataSource.query(`UPDATE activity_records SET status = 'CONFIRMED' WHERE student_id = $1`, [world.students.s1]);
  }, 120_000);
  afterAll(() => t.close());

  it('compiles the portfolio from confirmed records, art, labour, fitness and growth', async () => {
    const compiled = await schoolAdmin.post('/api/portfolios').send({ studentId: world.students.s1 }).expect(201);
    portfolioId = compiled.body.id;
    expect(compiled.body).toMatchObject({ version: 1, status: 'compiled', contentSha256: null, superseded: false, steps: { studentConfirmed: null, sealed: null } });
    const document = compiled.body.document;
    expect(document.format).toBe('wuyu.portfolio/1');
    expect(document.student.studentNumber).toMatch(/\*{4,}/); // masked: the portfolio leaves the school

    const records = (await schoolAdmin.get(`/api/activity-records?studentId=${world.students.s1}`).expect(200)).body.items;
    expect(document.sections.activityRecords.items.map((r: { id: string }) => r.id).sort()).toEqual(records.map((r: { id: string }) => r.id).sort());

    // Art and fitness as levels only (admitting schools see levels, DOMAIN.md), computed from the stored records.
    const art = (await schoolAdmin.get(`/api/term-records?studentId=${world.students.s1}&dimension=aesthetic`).expect(200)).body.items;
    const part = (code: string) => art.find((r: { indicator: { code: string } }) => r.indicator.code === code).value.number as number;
    const parts = { basic: part('aesthetic.assessment.basic'), academic: part('aesthetic.assessment.academic'), development: part('aesthetic.assessment.development') };
    expect(document.sections.art.assessments).toEqual([{ term: art[0].term.code, level: artAssessment(parts).level, complete: true }]);
    expect(JSON.stringify(document.sections.art)).not.toContain(`${parts.basic + parts.academic + parts.development}`);

    const labour = (await schoolAdmin.get(`/api/term-records?studentId=${world.students.s1}&dimension=labour`).expect(200)).body.items;
    expect(document.sections.labour.items).toHaveLength(labour.length);
    const fitness = (await schoolAdmin.get(`/api/fitness/results?studentId=${world.students.s1}`).expect(200)).body.items;
    expect(document.sections.fitness.years.map((y: { schoolYear: string; level: string | null }) => [y.schoolYear, y.level])).toEqual(fitness.map((y: { schoolYear: string; level: string | null }) => [y.schoolYear, y.level]));
    expect(document.sections.fitness.years.every((y: Record<string, unknown>) => !('total' in y))).toBe(true);
    // No evaluation run has included this student: the section is there, with no results and no levels.
    expect(document.sections.evaluation).toMatchObject({ available: true, terms: [], graduation: null, levelsSource: null });
    expect(document.sections.growth.entries).toEqual([]);
  });

  it('refuses every step out of order with 409 INVALID_TRANSITION and changes nothing', async () => {
    const before = (await schoolAdmin.get(`/api/portfolios/${portfolioId}`).expect(200)).body;
    const refused = [
      await teacher.post(`/api/portfolios/${portfolioId}/comment`).send({ comment: '表现良好' }),
      await schoolAdmin.post(`/api/portfolios/${portfolioId}/sign-off`),
      await schoolAdmin.post(`/api/portfolios/${portfolioId}/seal`),
    ];
    for (const response of refused) {
      expect(response.status).toBe(409);
      expect(response.body).toMatchObject({ code: 'INVALID_TRANSITION', details: { status: 'compiled' }, messageZh: expect.any(String) });
    }
    await schoolAdmin.get(`/api/portfolios/${portfolioId}/verify`).expect(409);
    expect((await schoolAdmin.get(`/api/portfolios/${portfolioId}`).expect(200)).body).toEqual(before);
  });

  it('lets only the student (in scope) confirm, records who and when, and refuses a second confirmation', async () => {
    await otherStudent.post(`/api/portfolios/${portfolioId}/confirm`).expect(404);
    await teacher.post(`/api/portfolios/${portfolioId}/confirm`).expect(403);
    const confirmed = await student.post(`/api/portfolios/${portfolioId}/confirm`).expect(200);
    expect(confirmed.body.status).toBe('student_confirmed');
    expect(confirmed.body.steps.studentConfirmed).toEqual({ at: expect.any(String), by: student.user.id });
    expect((await student.post(`/api/portfolios/${portfolioId}/confirm`).expect(409)).body.details).toMatchObject({ status: 'student_confirmed', requiredStatus: 'compiled' });
    // once confirmed it is no longer recompiled in place
    expect((await schoolAdmin.post('/api/portfolios').send({ studentId: world.students.s1 }).expect(409)).body.code).toBe('PORTFOLIO_IN_PROGRESS');
  });

  it('takes the class teacher’s comment, then the school’s sign-off, then seals', async () => {
    await teacher.post(`/api/portfolios/${portfolioId}/comment`).send({ comment: '' }).expect(400);
    const commented = await teacher.post(`/api/portfolios/${portfolioId}/comment`).send({ comment: '该生积极参加志愿服务，学习认真。' }).expect(200);
    expect(commented.body.steps.commented.by).toBe(teacher.user.id);
    expect(commented.body.document.classTeacherComment.text).toBe('该生积极参加志愿服务，学习认真。');
    await otherSchool.post(`/api/portfolios/${portfolioId}/sign-off`).expect(404);
    await schoolAdmin.post(`/api/portfolios/${portfolioId}/seal`).expect(409);
    expect((await schoolAdmin.post(`/api/portfolios/${portfolioId}/sign-off`).expect(200)).body.status).toBe('signed_off');
    const sealed = await schoolAdmin.post(`/api/portfolios/${portfolioId}/seal`).expect(200);
    expect(sealed.body.status).toBe('sealed');
    expect(sealed.body.contentSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(sealed.body.document.sealed).toEqual({ at: sealed.body.steps.sealed.at, by: schoolAdmin.user.id });
    await schoolAdmin.post(`/api/portfolios/${portfolioId}/seal`).expect(409);
    await student.post(`/api/portfolios/${portfolioId}/confirm`).expect(409);
    const events = await t.db.dataSource.query(`SELECT operation FROM audit_events WHERE action = 'portfolio.sealed' AND target_id = $1`, [portfolioId]);
    expect(events).toEqual([{ operation: `sha256:${sealed.body.contentSha256}` }]);
    // Every step is in the version's history with who and when (the refused ones are not).
    expect(sealed.body.history.map((e: { action: string; fromStatus: string | null; toStatus: string; by: string }) => [e.action, e.fromStatus, e.toStatus, e.by])).toEqual([
      ['compile', null, 'compiled', schoolAdmin.user.id],
      ['confirm', 'compiled', 'student_confirmed', student.user.id],
      ['comment', 'student_confirmed', 'commented', teacher.user.id],
      ['sign_off', 'commented', 'signed_off', schoolAdmin.user.id],
      ['seal', 'signed_off', 'sealed', schoolAdmin.user.id],
    ]);
    expect(sealed.body.history[4]).toMatchObject({ at: sealed.body.steps.sealed.at, remark: `sha256:${sealed.body.contentSha256}` });
    await expect(t.db.dataSource.query(`UPDATE portfolio_events SET remark = 'x' WHERE portfolio_id = $1`, [portfolioId])).rejects.toThrow(/append-only/);
  });

  it('serves the snapshot byte for byte: its SHA-256 is the stored hash, and verify agrees', async () => {
    const portfolio = (await student.get(`/api/portfolios/${portfolioId}`).expect(200)).body;
    const snapshot = await student.get(`/api/portfolios/${portfolioId}/snapshot`).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    }).expect(200);
    const bytes = snapshot.body as Buffer;
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(portfolio.contentSha256);
    expect(JSON.parse(bytes.toString('utf8'))).toEqual(portfolio.document);
    const verified = await student.get(`/api/portfolios/${portfolioId}/verify`).expect(200);
    expect(verified.body).toMatchObject({ valid: true, storedSha256: portfolio.contentSha256, computedSha256: portfolio.contentSha256, checks: { hashMatches: true, canonicalForm: true, identityMatches: true } });
  });

  it('renders a printable Chinese page with the hash', async () => {
    const page = await teacher.get(`/api/portfolios/${portfolioId}/print`).expect(200).expect('Content-Type', /text\/html/);
    const sealed = (await teacher.get(`/api/portfolios/${portfolioId}`).expect(200)).body;
    expect(page.text).toContain('学生综合素质档案');
    expect(page.text).toContain('@media print');
    expect(page.text).toContain(sealed.document.student.name);
    expect(page.text).toContain(sealed.contentSha256);
    expect(page.text).toContain('该生积极参加志愿服务');
  });

  it('the database refuses to change a sealed portfolio; a change that bypasses it fails verification', async () => {
    const db = t.db.dataSource;
    await expect(db.query(`UPDATE portfolios SET snapshot = replace(snapshot, '张伟', '张三') WHERE id = $1`, [portfolioId])).rejects.toThrow(/sealed/);
    await expect(db.query(`DELETE FROM portfolios WHERE id = $1`, [portfolioId])).rejects.toThrow(/sealed/);
    const [original] = await db.query(`SELECT snapshot, content_sha256 FROM portfolios WHERE id = $1`, [portfolioId]);

    // Someone with the database's superuser rights switches triggers off and edits the stored snapshot.
    const tamper = async (sql: string, params: unknown[]) => {
      const runner = db.createQueryRunner();
      await runner.connect();
      try {
        await runner.query(`SET session_replication_role = replica`);
        await runner.query(sql, params);
      } finally {
        await runner.query(`SET session_replication_role = origin`);
        await runner.release();
      }
    };
    const cases: [string, string, unknown[]][] = [
      ['one character of the student’s name', `UPDATE portfolios SET snapshot = replace(snapshot, '张伟', '张三') WHERE id = $1`, [portfolioId]],
      ['a key reordered (same data, not canonical)', `UPDATE portfolios SET snapshot = '{"student":' || (snapshot::jsonb -> 'student')::text || ',' || substr((snapshot::jsonb - 'student')::text, 2) WHERE id = $1`, [portfolioId]],
      ['a trailing space', `UPDATE portfolios SET snapshot = snapshot || ' ' WHERE id = $1`, [portfolioId]],
    ];
    for (const [what, sql, params] of cases) {
      await tamper(sql, params);
      const verified = await schoolAdmin.get(`/api/portfolios/${portfolioId}/verify`).expect(200);
      expect({ what, valid: verified.body.valid, hashMatches: verified.body.checks.hashMatches }).toEqual({ what, valid: false, hashMatches: false });
      await tamper(`UPDATE portfolios SET snapshot = $2 WHERE id = $1`, [portfolioId, original.snapshot]);
      expect((await schoolAdmin.get(`/api/portfolios/${portfolioId}/verify`).expect(200)).body.valid).toBe(true);
    }
    // Changing snapshot and hash together still fails when the snapshot is not canonical or names another portfolio.
    const forged = original.snapshot.replace(`"version":1`, `"version":2`);
    await tamper(`UPDATE portfolios SET snapshot = $2, content_sha256 = $3 WHERE id = $1`, [portfolioId, forged, createHash('sha256').update(forged, 'utf8').digest('hex')]);
    const forgedCheck = (await schoolAdmin.get(`/api/portfolios/${portfolioId}/verify`).expect(200)).body;
    expect(forgedCheck).toMatchObject({ valid: false, checks: { hashMatches: true, identityMatches: false } });
    await tamper(`UPDATE portfolios SET snapshot = $2, content_sha256 = $3 WHERE id = $1`, [portfolioId, original.snapshot, original.content_sha256]);
    expect((await schoolAdmin.get(`/api/portfolios/${portfolioId}/verify`).expect(200)).body.valid).toBe(true);
  });

  it('reopens the sealed portfolio as a new version; the old one stays sealed and readable', async () => {
    await schoolAdmin.post(`/api/portfolios/${portfolioId}/reopen`).send({}).expect(400);
    expect((await schoolAdmin.post('/api/portfolios').send({ studentId: world.students.s1 }).expect(409)).body.code).toBe('PORTFOLIO_SEALED');
    const old = (await schoolAdmin.get(`/api/portfolios/${portfolioId}`).expect(200)).body;
    const reopened = await schoolAdmin.post(`/api/portfolios/${portfolioId}/reopen`).send({ reason: '申诉成立：志愿服务时长更正' }).expect(201);
    expect(reopened.body).toMatchObject({ version: 2, status: 'compiled', supersedesId: portfolioId, reopenReason: '申诉成立：志愿服务时长更正' });
    expect(reopened.body.document.portfolio.supersedes).toEqual({ id: portfolioId, version: 1, contentSha256: old.contentSha256 });
    const kept = (await schoolAdmin.get(`/api/portfolios/${portfolioId}`).expect(200)).body;
    expect(kept).toEqual({ ...old, superseded: true });
    expect((await schoolAdmin.get(`/api/portfolios/${portfolioId}/verify`).expect(200)).body.valid).toBe(true);
    expect((await schoolAdmin.post(`/api/portfolios/${portfolioId}/reopen`).send({ reason: '再次' }).expect(409)).body.code).toBe('NOT_LATEST_VERSION');
    await schoolAdmin.post(`/api/portfolios/${reopened.body.id}/reopen`).send({ reason: '未封存' }).expect(409);
    const versions = (await student.get(`/api/portfolios?studentId=${world.students.s1}`).expect(200)).body.items;
    expect(versions.map((v: { version: number; status: string; superseded: boolean }) => [v.version, v.status, v.superseded])).toEqual([
      [2, 'compiled', false],
      [1, 'sealed', true],
    ]);
    // The open version compiles again while nobody has confirmed it.
    expect((await schoolAdmin.post('/api/portfolios').send({ studentId: world.students.s1 }).expect(200)).body.id).toBe(reopened.body.id);
  });

  it('when a confirmed record changes (upheld appeal), sends an unsealed version back to compiled and reopens a sealed one', async () => {
    const service = t.app.get(PortfoliosService);
    const s2 = world.students.s2;
    const s2Student = await signedInAs(t.app, t.db.dataSource, [{ role: 'student', studentId: s2 }]);
    expect(await service.refreshForChangedRecord(s2, '无档案')).toBeNull();
    const id = (await schoolAdmin.post('/api/portfolios').send({ studentId: s2 }).expect(201)).body.id;
    await s2Student.post(`/api/portfolios/${id}/confirm`).expect(200);
    await teacher.post(`/api/portfolios/${id}/comment`).send({ comment: '认真负责' }).expect(200);
    await t.db.dataSource.query(`UPDATE activity_records SET status = 'CONFIRMED' WHERE student_id = $1`, [s2]);

    const reset = await service.refreshForChangedRecord(s2, '申诉成立：写实记录已更正');
    expect(reset).toMatchObject({ id, version: 1, status: 'compiled', steps: { studentConfirmed: null, commented: null }, document: { classTeacherComment: null } });
    expect(reset!.document.sections).toMatchObject({ activityRecords: { items: expect.arrayContaining([expect.objectContaining({ status: 'CONFIRMED' })]) } });
    expect(reset!.history.map((e) => [e.action, e.toStatus])).toEqual([
      ['compile', 'compiled'],
      ['confirm', 'student_confirmed'],
      ['comment', 'commented'],
      ['reset', 'compiled'],
    ]);
    expect(reset!.history[3]).toMatchObject({ fromStatus: 'commented', by: null, remark: '申诉成立：写实记录已更正' });

    await s2Student.post(`/api/portfolios/${id}/confirm`).expect(200);
    await teacher.post(`/api/portfolios/${id}/comment`).send({ comment: '认真负责' }).expect(200);
    await schoolAdmin.post(`/api/portfolios/${id}/sign-off`).expect(200);
    const sealed = (await schoolAdmin.post(`/api/portfolios/${id}/seal`).expect(200)).body;
    const reopened = await service.refreshForChangedRecord(s2, '申诉成立：获奖等次更正');
    expect(reopened).toMatchObject({ version: 2, status: 'compiled', supersedesId: id, reopenReason: '申诉成立：获奖等次更正' });
    expect((await schoolAdmin.get(`/api/portfolios/${id}`).expect(200)).body).toEqual({ ...sealed, superseded: true });
  });

  it('hears the review workflow: a confirmed record revoked in an integrity case leaves the open portfolio, with the reason in its history', async () => {
    const [latest] = (await schoolAdmin.get(`/api/portfolios?studentId=${world.students.s1}`).expect(200)).body.items;
    const before = (await schoolAdmin.get(`/api/portfolios/${latest.id}`).expect(200)).body;
    const [record] = before.document.sections.activityRecords.items;
    expect(record).toMatchObject({ status: 'CONFIRMED', evidenceSha256: [] });
    await schoolAdmin.post(`/api/review/records/${record.id}/revoke`).send({ remark: '诚信核查：证明材料系伪造' }).expect(201);
    const after = (await schoolAdmin.get(`/api/portfolios/${latest.id}`).expect(200)).body;
    expect(after.document.sections.activityRecords.items.map((item: { id: string }) => item.id)).not.toContain(record.id);
    expect(after.history[after.history.length - 1]).toMatchObject({ action: 'reset', toStatus: 'compiled', by: null, remark: expect.stringContaining('诚信核查：写实记录') });
    expect(after.history[after.history.length - 1].remark).toContain('证明材料系伪造');
  });

  it('keeps portfolios inside the data scope', async () => {
    await otherSchool.get(`/api/portfolios/${portfolioId}`).expect(404);
    await otherStudent.get(`/api/portfolios/${portfolioId}/print`).expect(404);
    await otherSchool.post('/api/portfolios').send({ studentId: world.students.s1 }).expect(404);
    expect((await otherSchool.get('/api/portfolios').expect(200)).body.items).toEqual([]);
    await schoolAdmin.get('/api/portfolios/not-a-uuid').expect(400);
  });
});
