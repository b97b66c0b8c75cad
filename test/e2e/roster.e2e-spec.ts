import { startTestApp, type TestApp } from '../helpers/test-app';
import { studentNumber, withWrongCheckDigit } from '../helpers/roster-builders';

describe('roster over HTTP (real PostgreSQL)', () => {
  let t: TestApp;
  let cityId: string;
  let districtId: string;
  let schoolId: string;
  let otherSchoolId: string;
  let termId: string;

  beforeAll(async () => {
    t = await startTestApp();
    cityId = (await t.admin.post('/api/regions').send({ code: '150300', name: '乌海市', level: 'city' }).expect(201)).body.id;
    districtId = (await t.admin.post('/api/regions').send({ code: '150302', name: '海勃湾区', level: 'district', parentId: cityId }).expect(201)).body.id;
    schoolId = (await t.admin.post('/api/schools').send({ code: '3115030201', name: '乌海市第一中学', stage: 'junior', regionId: districtId }).expect(201)).body.id;
    otherSchoolId = (await t.admin.post('/api/schools').send({ code: '3115030202', name: '乌海市第二中学', stage: 'junior', regionId: districtId }).expect(201)).body.id;
    termId = (await t.admin.post('/api/terms').send({ code: '2024-2025-1', startDate: '2024-09-01', endDate: '2025-01-20' }).expect(201)).body.id;
  });

  afterAll(() => t.close());

  describe('regions and schools', () => {
    it('reads, lists with filters and updates', async () => {
      const region = await t.admin.get(`/api/regions/${districtId}`).expect(200);
      expect(region.body).toEqual({ id: districtId, code: '150302', name: '海勃湾区', level: 'district', parentId: cityId });
      const districts = await t.admin.get('/api/regions').query({ level: 'district' }).expect(200);
      expect(districts.body).toMatchObject({ total: 1, page: 1, pageSize: 50 });
      expect(districts.body.items.map((r: { code: string }) => r.code)).toEqual(['150302']);
      const renamed = await t.admin.patch(`/api/schools/${schoolId}`).send({ name: '乌海市第一中学（初中部）' }).expect(200);
      expect(renamed.body.name).toBe('乌海市第一中学（初中部）');
      const found = await t.admin.get('/api/schools').query({ q: '初中部' }).expect(200);
      expect(found.body.items.map((s: { id: string }) => s.id)).toEqual([schoolId]);
    });

    it('rejects a district whose code lies outside its city, and a duplicate code', async () => {
      const outside = await t.admin.post('/api/regions').send({ code: '150402', name: 'x', level: 'district', parentId: cityId }).expect(400);
      expect(outside.body.code).toBe('INVALID_REGION');
      const duplicate = await t.admin.post('/api/schools').send({ code: '3115030201', name: 'dup', stage: 'junior', regionId: districtId }).expect(409);
      expect(duplicate.body.code).toBe('DUPLICATE_CODE');
    });

    it('answers an unknown reference with 400 and an unknown id with 404', async () => {
      const missingRegion = await t.admin
        .post('/api/schools')
        .send({ code: '3115030299', name: 'x', stage: 'primary', regionId: '00000000-0000-4000-8000-000000000000' })
        .expect(400);
      expect(missingRegion.body).toMatchObject({ code: 'UNKNOWN_REFERENCE', details: [{ field: 'regionId' }] });
      const missing = await t.admin.get('/api/schools/00000000-0000-4000-8000-000000000000').expect(404);
      expect(missing.body).toMatchObject({ code: 'NOT_FOUND', message: expect.any(String), messageZh: expect.any(String) });
    });
  });

  describe('terms and classes', () => {
    it('rejects a term whose years are not consecutive or whose dates are inverted', async () => {
      expect((await t.admin.post('/api/terms').send({ code: '2024-2026-1', startDate: '2024-09-01', endDate: '2025-01-20' }).expect(400)).body.code).toBe('INVALID_TERM');
      const inverted = await t.admin.post('/api/terms').send({ code: '2025-2026-1', startDate: '2026-01-20', endDate: '2025-09-01' }).expect(400);
      expect(inverted.body).toMatchObject({ code: 'INVALID_TERM', details: [{ field: 'endDate', code: 'DATES_INVERTED' }] });
      expect((await t.admin.post('/api/terms').send({ code: '2024-2025-1', startDate: '2024-09-01', endDate: '2025-01-20' }).expect(409)).body.code).toBe('DUPLICATE_CODE');
    });

    it('lists the grade reference data', async () => {
      const grades = await t.admin.get('/api/grades').expect(200);
      expect(grades.body.items.map((g: { code: string }) => g.code)).toEqual(['P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'J1', 'J2', 'J3', 'S1', 'S2', 'S3', 'U12', 'U34']);
    });

    it('creates a class once per school, year, grade and name', async () => {
      const body = { schoolId, schoolYear: '2024-2025', gradeCode: 'J1', name: '1班' };
      await t.admin.post('/api/classes').send(body).expect(201);
      expect((await t.admin.post('/api/classes').send(body).expect(409)).body.code).toBe('DUPLICATE_CLASS');
      expect((await t.admin.post('/api/classes').send({ ...body, gradeCode: 'X9' }).expect(400)).body.code).toBe('VALIDATION_FAILED');
    });
  });

  describe('students (学籍号 validation)', () => {
    const base = () => ({ name: '李四', sexCode: '2', birthDate: '2012-03-05', ethnicityCode: '01', schoolId });

    it('creates, reads, lists and updates a student with a valid number', async () => {
      const number = studentNumber('20120305', '124');
      const created = await t.admin.post('/api/students').send({ ...base(), studentNumber: number }).expect(201);
      // a city administrator does not need the 学籍号 itself: it comes masked
      expect(created.body).toMatchObject({ studentNumber: `${number.slice(0, 5)}**********${number.slice(-4)}`, status: 'enrolled', schoolId });
      const read = await t.admin.get(`/api/students/${created.body.id}`).expect(200);
      expect(read.body.name).toBe('李四');
      const listed = await t.admin.get('/api/students').query({ schoolId, name: '李' }).expect(200);
      expect(listed.body.items.map((s: { id: string }) => s.id)).toContain(created.body.id);
      const updated = await t.admin.patch(`/api/students/${created.body.id}`).send({ status: 'suspended' }).expect(200);
      expect(updated.body.status).toBe('suspended');
    });

    it('accepts J and L numbers', async () => {
      await t.admin.post('/api/students').send({ ...base(), studentNumber: studentNumber('20120305', '224', 'J') }).expect(201);
      await t.admin.post('/api/students').send({ ...base(), studentNumber: studentNumber('20120305', '324', 'L') }).expect(201);
    });

    it('rejects a bad check digit', async () => {
      const response = await t.admin.post('/api/students').send({ ...base(), studentNumber: withWrongCheckDigit(studentNumber('20120305', '126')) }).expect(400);
      expect(response.body).toMatchObject({ code: 'INVALID_STUDENT_NUMBER', details: [{ field: 'studentNumber', code: 'STUDENT_NUMBER_BAD_CHECK_DIGIT' }] });
    });

    it('rejects a wrong length', async () => {
      const response = await t.admin.post('/api/students').send({ ...base(), studentNumber: studentNumber('20120305', '126').slice(0, 17) }).expect(400);
      expect(response.body.details[0].code).toBe('STUDENT_NUMBER_WRONG_LENGTH');
    });

    it('answers a duplicate 学籍号 with 409', async () => {
      const number = studentNumber('20120305', '128');
      await t.admin.post('/api/students').send({ ...base(), studentNumber: number }).expect(201);
      const duplicate = await t.admin.post('/api/students').send({ ...base(), studentNumber: number.toLowerCase() }).expect(409);
      expect(duplicate.body.code).toBe('DUPLICATE_STUDENT_NUMBER');
    });

    it('reports cross-field errors: birth date and sex must agree with the number', async () => {
      const number = studentNumber('20120305', '131'); // odd sequence → male
      const response = await t.admin.post('/api/students').send({ ...base(), studentNumber: number, birthDate: '2012-03-06', sexCode: '2' }).expect(400);
      expect(response.body.code).toBe('CROSS_FIELD_MISMATCH');
      expect(response.body.details.map((d: { code: string }) => d.code).sort()).toEqual(['BIRTH_DATE_MISMATCH', 'SEX_MISMATCH']);
    });

    it('keeps cross-field rules on update', async () => {
      const number = studentNumber('20120305', '132');
      const created = await t.admin.post('/api/students').send({ ...base(), studentNumber: number }).expect(201);
      const response = await t.admin.patch(`/api/students/${created.body.id}`).send({ birthDate: '2011-01-01' }).expect(400);
      expect(response.body.details[0].code).toBe('BIRTH_DATE_MISMATCH');
    });
  });

  describe('enrolments', () => {
    it('enrols a student once per term, in a class of the student’s school', async () => {
      const schoolClass = (await t.admin.post('/api/classes').send({ schoolId, schoolYear: '2024-2025', gradeCode: 'J1', name: '2班' }).expect(201)).body;
      const otherClass = (await t.admin.post('/api/classes').send({ schoolId: otherSchoolId, schoolYear: '2024-2025', gradeCode: 'J1', name: '2班' }).expect(201)).body;
      const student = (await t.admin.post('/api/students').send({ studentNumber: studentNumber('20120305', '142'), name: '王五', sexCode: '2', birthDate: '2012-03-05', ethnicityCode: '02', schoolId }).expect(201)).body;
      const enrolment = await t.admin.post('/api/enrolments').send({ studentId: student.id, classId: schoolClass.id, termId }).expect(201);
      expect(enrolment.body).toMatchObject({ studentId: student.id, classId: schoolClass.id, termId, schoolId });
      expect((await t.admin.post('/api/enrolments').send({ studentId: student.id, classId: schoolClass.id, termId }).expect(409)).body.code).toBe('DUPLICATE_ENROLMENT');
      const cross = await t.admin.post('/api/enrolments').send({ studentId: student.id, classId: otherClass.id, termId }).expect(400);
      expect(cross.body.details[0].code).toBe('CLASS_IN_OTHER_SCHOOL');
      const listed = await t.admin.get('/api/enrolments').query({ classId: schoolClass.id }).expect(200);
      expect(listed.body.total).toBe(1);
      const byClass = await t.admin.get('/api/students').query({ classId: schoolClass.id }).expect(200);
      expect(byClass.body.items.map((s: { id: string }) => s.id)).toEqual([student.id]);
    });
  });
});
