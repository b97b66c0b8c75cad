import { allRoles, type MatrixModule } from './matrix';

const signedIn = (status: number) => allRoles(status, { anonymous: 401 });

/** Sign-in, users, audit search and health. */
export const accessMatrix: MatrixModule = {
  rows: [
    { route: 'GET /health', own: () => ({ url: '/health' }), expected: allRoles(200) },
    // Public routes answer every caller alike; wrong credentials or tokens are 401 for all.
    { route: 'POST /api/auth/login', own: () => ({ url: '/api/auth/login', body: { username: 'nobody-here', password: 'Wrong-password-123' } }), expected: allRoles(401) },
    { route: 'POST /api/auth/refresh', own: () => ({ url: '/api/auth/refresh', body: { refreshToken: '00000000-0000-4000-8000-000000000000.forged' } }), expected: allRoles(401) },
    { route: 'POST /api/auth/logout', own: () => ({ url: '/api/auth/logout', body: { refreshToken: '00000000-0000-4000-8000-000000000000.forged' } }), expected: allRoles(401) },
    { route: 'GET /api/users/me', own: () => ({ url: '/api/users/me' }), expected: signedIn(200) },
    {
      route: 'POST /api/users',
      own: (w) => ({ url: '/api/users', body: { username: `teacher-${w.unique()}`, displayName: '老师', password: 'Long-enough-Pass-42', roles: [{ role: 'teacher', classId: w.ids.C1 }] } }),
      other: (w) => ({ url: '/api/users', body: { username: `teacher-${w.unique()}`, displayName: '老师', password: 'Long-enough-Pass-42', roles: [{ role: 'teacher', classId: w.ids.C2 }] } }),
      expected: { ...signedIn(403), city_admin: 201, district_officer: [201, 403], school_admin: [201, 403] },
    },
    { route: 'GET /api/audit-events', own: () => ({ url: '/api/audit-events' }), expected: { ...signedIn(403), city_admin: 200 } },
  ],
};
