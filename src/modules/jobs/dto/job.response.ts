import type { Job, JobState } from '../entities/job.entity';

/** A job as the API shows it: state, progress (rows done / total) and the result (an import report). */
export interface JobResponse {
  id: string;
  type: string;
  state: JobState;
  progress: { done: number; total: number | null };
  result: Record<string, unknown> | null;
  error: Record<string, unknown> | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export function toJobResponse(job: Job): JobResponse {
  return {
    id: job.id,
    type: job.type,
    state: job.state,
    progress: { done: job.progressDone, total: job.progressTotal },
    result: job.result,
    error: job.error,
    createdAt: job.createdAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    finishedAt: job.finishedAt?.toISOString() ?? null,
  };
}
