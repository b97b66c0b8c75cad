import { allRoles, type MatrixModule, type World } from './matrix';

// Reports (web UI): value-added views follow the value-added rule — bureau roles and school
// administrators read; a school only its own school's pages (other school → 404, existence
// never leaks). Exports format what a page shows: any signed-in user, audited.
const signedIn = (status: number) => allRoles(status, { anonymous: 401 });
const readers = (status: number) => ({ ...signedIn(403), city_admin: status, district_officer: status, school_admin: status });
const ownSchool = { ...signedIn(403), city_admin: [200, 200] as const, district_officer: [200, 200] as const, school_admin: [200, 404] as const };

export const reportsMatrix: MatrixModule = {
  // A finished run of valueAddedMatrix's study with a row for S1 and S2, stored as the service
  // stores them (the matrix's own run has two students and cannot be fitted).
  async setup(w) {
    const db = w.t.db.dataSource;
    const [run] = await db.query(`INSERT INTO value_added_runs (study_id, models, state, finished_at) VALUES ($1, '["ols"]', 'succeeded', now()) RETURNING id`, [w.ids.VAstudy]);
    w.ids.RPrun = run.id;
    for (const [school, estimate, rank] of [[w.ids.S1, 1.5, 2], [w.ids.S2, -1.5, 1]] as const) {
      await db.query(
        `INSERT INTO value_added_group_results (run_id, model, group_id, school_id, n, estimate, se, ci_low, ci_high, category, reliability, rank) VALUES ($1, 'ols', $2, $2, 30, $3::float8, 1, $3::float8 - 1.96, $3::float8 + 1.96, 'not_significant', NULL, $4)`,
        [run.id, school, estimate, rank],
      );
    }
  },
  rows: [
    { route: 'GET /api/reports/value-added/studies', own: () => ({ url: '/api/reports/value-added/studies' }), expected: readers(200) },
    { route: 'GET /api/reports/value-added/runs/:id', own: (w) => ({ url: `/api/reports/value-added/runs/${w.ids.RPrun}` }), expected: readers(200) },
    { route: 'GET /api/reports/value-added/runs/:id/methods', own: (w) => ({ url: `/api/reports/value-added/runs/${w.ids.RPrun}/methods` }), expected: readers(200) },
    { route: 'GET /api/reports/value-added/stability', own: (w) => ({ url: `/api/reports/value-added/stability?fromRunId=${w.ids.RPrun}&toRunId=${w.ids.RPrun}` }), expected: readers(200) },
    { route: 'GET /api/reports/schools/:id/value-added', own: (w) => ({ url: `/api/reports/schools/${w.ids.S1}/value-added` }), other: (w) => ({ url: `/api/reports/schools/${w.ids.S2}/value-added` }), expected: ownSchool },
    { route: 'GET /api/reports/schools/:id/growth', own: (w) => ({ url: `/api/reports/schools/${w.ids.S1}/growth` }), other: (w) => ({ url: `/api/reports/schools/${w.ids.S2}/growth` }), expected: ownSchool },
    { route: 'POST /api/reports/exports/table', own: () => ({ url: '/api/reports/exports/table', body: { format: 'csv', title: '矩阵', columns: ['a'], rows: [['1']] } }), expected: signedIn(200) },
    { route: 'POST /api/reports/exports/chart', own: () => ({ url: '/api/reports/exports/chart', body: { format: 'svg', title: '矩阵', dataUrl: 'data:image/svg+xml;charset=UTF-8,%3Csvg%3E%3C%2Fsvg%3E' } }), expected: signedIn(200) },
  ],
};
