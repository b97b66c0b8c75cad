import { allRoles, type MatrixModule } from './matrix';

/**
 * Retrying jobs: the caller must see the job (as for GET /api/jobs/:id) and hold its type's
 * permission (imports.commit for imports). The fixtures are finished import jobs of S1 and S2,
 * so an allowed caller gets 409 JOB_NOT_RETRYABLE (only INTERRUPTED jobs are retried) and the
 * matrix changes nothing; retries themselves are tested in test/e2e/faults.
 */
export const jobsMatrix: MatrixModule = {
  setup: async (w) => {
    for (const [key, school] of [['JOBR1', w.ids.S1], ['JOBR2', w.ids.S2]] as const) {
      const [job] = await w.t.db.dataSource.query(`INSERT INTO jobs (type, state, payload, school_id) VALUES ('import', 'succeeded', '{}', $1) RETURNING id`, [school]);
      w.ids[key] = job.id;
    }
  },
  rows: [
    {
      route: 'GET /api/jobs',
      // Everyone signed in gets the jobs they may see (their own, their schools', all for city-wide scopes).
      own: () => ({ url: '/api/jobs?type=import&state=succeeded' }),
      expected: allRoles(200, { anonymous: 401 }),
    },
    {
      route: 'POST /api/jobs/:id/retry',
      own: (w) => ({ url: `/api/jobs/${w.ids.JOBR1}/retry` }),
      other: (w) => ({ url: `/api/jobs/${w.ids.JOBR2}/retry` }),
      expected: { ...allRoles(404, { anonymous: 401 }), city_admin: [409, 409], district_officer: [403, 404], school_admin: [409, 404], registrar: [409, 404] },
    },
  ],
};
