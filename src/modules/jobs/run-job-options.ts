import type { DataSource } from 'typeorm';
import type { Permission } from '../auth/roles';
import { INTERRUPTED } from './jobs.service';
import type { JobTypeOptions } from './jobs.worker';

/**
 * Job options for a model run whose row lives in `table` (value_added_runs, growth_runs, evaluation_runs) and
 * whose job payload names it as `runId`: an interrupted job fails its run with INTERRUPTED; a
 * retry puts the run back to queued. Results are written in the same transaction that marks a
 * run succeeded, so an interrupted run never shows partial results (ADR 1000).
 */
export function modelRunJobOptions(dataSource: DataSource, table: 'value_added_runs' | 'growth_runs' | 'evaluation_runs', retryPermission: Permission = 'valueadded.manage'): JobTypeOptions {
  const runIdOf = (payload: Record<string, unknown>) => (typeof payload.runId === 'string' ? payload.runId : null);
  return {
    retryPermission,
    onInterrupted: async (job) => {
      const runId = runIdOf(job.payload);
      if (runId) await dataSource.query(`UPDATE ${table} SET state = 'failed', error = $2::jsonb, finished_at = now() WHERE id = $1 AND state IN ('queued', 'running')`, [runId, JSON.stringify(INTERRUPTED)]);
    },
    onRetry: async (job) => {
      const runId = runIdOf(job.payload);
      if (runId) await dataSource.query(`UPDATE ${table} SET state = 'queued', error = NULL, finished_at = NULL WHERE id = $1 AND state = 'failed'`, [runId]);
    },
  };
}
