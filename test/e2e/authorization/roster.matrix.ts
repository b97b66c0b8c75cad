import { studentNumber } from '../../helpers/roster-builders';
import { allRoles, type MatrixModule } from './matrix';

// Statuses: 200 read, 201 created, 401 not signed in, 403 role lacks the permission or writes
// outside scope into a visible target, 404 outside scope (answered as if absent).
const signedIn = (status: number) => allRoles(status, { anonymous: 401 });

export const rosterMatrix: MatrixModule = {
  rows: [
    // Reference data: readable by everyone signed in; written by the city only.
    { route: 'GET /api/regions', own: () => ({ url: '/api/regions' }), expected: signedIn(200) },
    { route: 'GET /api/regions/:id', own: (w) => ({ url: `/api/regions/${w.ids.D1}` }), expected: signedIn(200) },
    {
      route: 'POST /api/regions',
      own: (w) => ({ url: '/api/regions', body: { code: `1503${String(w.unique() % 90 + 10)}`, name: '新区', level: 'district', parentId: w.ids.city } }),
      expected: { ...signedIn(403), city_admin: 201 },
    },
    { route: 'PATCH /api/regions/:id', own: (w) => ({ url: `/api/regions/${w.ids.D1}`, body: { name: '海勃湾区' } }), expected: { ...signedIn(403), city_admin: 200 } },
    { route: 'GET /api/terms', own: () => ({ url: '/api/terms' }), expected: signedIn(200) },
    { route: 'GET /api/terms/:id', own: (w) => ({ url: `/api/terms/${w.ids.T}` }), expected: signedIn(200) },
    {
      route: 'POST /api/terms',
      own: (w) => {
        const year = 2030 + w.unique();
        return { url: '/api/terms', body: { code: `${year}-${year + 1}-1`, startDate: `${year}-09-01`, endDate: `${year + 1}-01-20` } };
      },
      expected: { ...signedIn(403), city_admin: 201 },
    },
    { route: 'PATCH /api/terms/:id', own: (w) => ({ url: `/api/terms/${w.ids.T}`, body: { endDate: '2025-01-20' } }), expected: { ...signedIn(403), city_admin: 200 } },
    { route: 'GET /api/grades', own: () => ({ url: '/api/grades' }), expected: signedIn(200) },

    // Schools: a public directory to everyone signed in; the city and district offices manage them.
    { route: 'GET /api/schools', own: () => ({ url: '/api/schools' }), expected: signedIn(200) },
    { route: 'GET /api/schools/:id', own: (w) => ({ url: `/api/schools/${w.ids.S1}` }), other: (w) => ({ url: `/api/schools/${w.ids.S2}` }), expected: signedIn(200) },
    {
      route: 'POST /api/schools',
      own: (w) => ({ url: '/api/schools', body: { code: `31150302${String(w.unique() % 90 + 10)}`, name: '新校', stage: 'primary', regionId: w.ids.D1 } }),
      other: (w) => ({ url: '/api/schools', body: { code: `31150303${String(w.unique() % 90 + 10)}`, name: '新校', stage: 'primary', regionId: w.ids.D2 } }),
      expected: { ...signedIn(403), city_admin: 201, district_officer: [201, 403] },
    },
    {
      route: 'PATCH /api/schools/:id',
      own: (w) => ({ url: `/api/schools/${w.ids.S1}`, body: { name: '一中' } }),
      other: (w) => ({ url: `/api/schools/${w.ids.S2}`, body: { name: '二中' } }),
      expected: { ...signedIn(403), city_admin: 200, district_officer: [200, 404] },
    },

    // Classes: visible within scope; written by the school.
    { route: 'GET /api/classes', own: () => ({ url: '/api/classes' }), expected: signedIn(200) },
    {
      route: 'GET /api/classes/:id',
      own: (w) => ({ url: `/api/classes/${w.ids.C1}` }),
      other: (w) => ({ url: `/api/classes/${w.ids.C2}` }),
      expected: { ...allRoles([200, 404]), anonymous: 401, city_admin: 200, admissions_officer: [404, 404] },
    },
    {
      route: 'POST /api/classes',
      own: (w) => ({ url: '/api/classes', body: { schoolId: w.ids.S1, schoolYear: '2024-2025', gradeCode: 'J2', name: `${w.unique()}班` } }),
      other: (w) => ({ url: '/api/classes', body: { schoolId: w.ids.S2, schoolYear: '2024-2025', gradeCode: 'J2', name: `${w.unique()}班` } }),
      expected: { ...signedIn(403), city_admin: 201, school_admin: [201, 403] },
    },
    {
      route: 'PATCH /api/classes/:id',
      own: (w) => ({ url: `/api/classes/${w.ids.C1}`, body: { name: '1班' } }),
      other: (w) => ({ url: `/api/classes/${w.ids.C2}`, body: { name: '1班' } }),
      expected: { ...signedIn(403), city_admin: 200, school_admin: [200, 404] },
    },

    // Students: student-level data, strictly within scope; other scope answers 404 like absence.
    { route: 'GET /api/students', own: () => ({ url: '/api/students' }), expected: signedIn(200) },
    {
      route: 'GET /api/students/:id',
      own: (w) => ({ url: `/api/students/${w.ids.P1}` }),
      other: (w) => ({ url: `/api/students/${w.ids.P2}` }),
      expected: { ...allRoles([200, 404]), anonymous: 401, city_admin: 200, admissions_officer: [404, 404] },
    },
    {
      route: 'POST /api/students',
      own: (w) => ({ url: '/api/students', body: { studentNumber: studentNumber('20120305', String(100 + (w.unique() % 400) * 2 + 1)), name: '新生', sexCode: '1', birthDate: '2012-03-05', ethnicityCode: '01', schoolId: w.ids.S1 } }),
      other: (w) => ({ url: '/api/students', body: { studentNumber: studentNumber('20120305', String(100 + (w.unique() % 400) * 2 + 1)), name: '新生', sexCode: '1', birthDate: '2012-03-05', ethnicityCode: '01', schoolId: w.ids.S2 } }),
      expected: { ...signedIn(403), city_admin: 201, school_admin: [201, 403], registrar: [201, 403] },
    },
    {
      route: 'PATCH /api/students/:id',
      own: (w) => ({ url: `/api/students/${w.ids.P1}`, body: { name: '张伟' } }),
      other: (w) => ({ url: `/api/students/${w.ids.P2}`, body: { name: '王芳' } }),
      expected: { ...signedIn(403), city_admin: 200, school_admin: [200, 404], registrar: [200, 404] },
    },

    // Enrolments follow their student's scope.
    { route: 'GET /api/enrolments', own: () => ({ url: '/api/enrolments' }), expected: signedIn(200) },
    {
      route: 'GET /api/enrolments/:id',
      own: (w) => ({ url: `/api/enrolments/${w.ids.E1}` }),
      other: (w) => ({ url: `/api/enrolments/${w.ids.E2}` }),
      expected: { ...allRoles([200, 404]), anonymous: 401, city_admin: 200, admissions_officer: [404, 404] },
    },
    {
      route: 'POST /api/enrolments',
      own: (w) => ({ url: '/api/enrolments', body: { studentId: w.ids.P1, classId: w.ids.C1, termId: w.ids.T } }),
      other: (w) => ({ url: '/api/enrolments', body: { studentId: w.ids.P2, classId: w.ids.C2, termId: w.ids.T } }),
      // the student is enrolled already, so an allowed caller meets the 409 duplicate rule
      expected: { ...signedIn(403), city_admin: 409, school_admin: [409, 403], registrar: [409, 403] },
    },
    {
      route: 'PATCH /api/enrolments/:id',
      own: (w) => ({ url: `/api/enrolments/${w.ids.E1}`, body: { classId: w.ids.C1 } }),
      other: (w) => ({ url: `/api/enrolments/${w.ids.E2}`, body: { classId: w.ids.C2 } }),
      expected: { ...signedIn(403), city_admin: 200, school_admin: [200, 404], registrar: [200, 404] },
    },
  ],
};

