import { allRoles, type MatrixModule } from './matrix';

// Statuses: 200 read/recomputed, 401 not signed in, 403 role or level not allowed / a school
// outside the caller's scope, 404 a student outside scope (answered as if absent).
const signedIn = (status: number) => allRoles(status, { anonymous: 401 });

export const fitnessMatrix: MatrixModule = {
  rows: [
    {
      // Student-level results: own scope (P1) visible to everyone reaching P1; P2 is 404 outside scope.
      route: 'GET /api/fitness/results',
      own: (w) => ({ url: `/api/fitness/results?studentId=${w.ids.P1}&schoolYear=2024-2025` }),
      other: (w) => ({ url: `/api/fitness/results?studentId=${w.ids.P2}&schoolYear=2024-2025` }),
      expected: { ...allRoles([200, 404]), anonymous: 401, city_admin: 200, admissions_officer: [404, 404] },
    },
    {
      // Aggregates: bureaus at every level; school staff at school/class level of their own school; teachers their class.
      route: 'GET /api/fitness/aggregates',
      own: () => ({ url: '/api/fitness/aggregates?level=class&schoolYear=2024-2025' }),
      other: () => ({ url: '/api/fitness/aggregates?level=district&schoolYear=2024-2025' }),
      expected: { ...signedIn(403), city_admin: 200, district_officer: 200, school_admin: [200, 403], registrar: [200, 403], teacher: [200, 403] },
    },
    {
      route: 'GET /api/fitness/myopia',
      own: () => ({ url: '/api/fitness/myopia?level=class&schoolYear=2024-2025' }),
      other: () => ({ url: '/api/fitness/myopia?level=city&schoolYear=2024-2025' }),
      expected: { ...signedIn(403), city_admin: 200, district_officer: 200, school_admin: [200, 403], registrar: [200, 403], teacher: [200, 403] },
    },
    {
      // Recompute: import committers, for the schools of their scope.
      route: 'POST /api/fitness/recompute',
      own: (w) => ({ url: '/api/fitness/recompute', body: { schoolYear: '2024-2025', schoolIds: [w.ids.S1] } }),
      other: (w) => ({ url: '/api/fitness/recompute', body: { schoolYear: '2024-2025', schoolIds: [w.ids.S2] } }),
      expected: { ...signedIn(403), city_admin: 200, school_admin: [200, 403], registrar: [200, 403] },
    },
  ],
};
