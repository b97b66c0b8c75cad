import { Module, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { JobsModule } from '../jobs/jobs.module';
import { INTERRUPTED } from '../jobs/jobs.service';
import { type JobTypeOptions, JobsWorker } from '../jobs/jobs.worker';
import { AssignmentsController, EvaluationRunsController, EvaluationStudentsController, RubricsController } from './evaluation.controller';
import { EvaluationResultsService } from './evaluation-results.service';
import { EVALUATION_JOB, EvaluationRunsService } from './evaluation-runs.service';
import { RubricsService } from './rubrics.service';

/**
 * An interrupted evaluation job (its process died, ADR 1000) fails its run with INTERRUPTED; a
 * retry (evaluation.manage) queues the run again. Results are written in the transaction that
 * marks a run succeeded, so an interrupted run has none.
 */
function evaluationJobOptions(dataSource: DataSource): JobTypeOptions {
  const runIdOf = (payload: Record<string, unknown>) => (typeof payload.runId === 'string' ? payload.runId : null);
  return {
    retryPermission: 'evaluation.manage',
    onInterrupted: async (job) => {
      const runId = runIdOf(job.payload);
      if (runId) await dataSource.query(`UPDATE evaluation_runs SET state = 'failed', error = $2::jsonb, finished_at = now() WHERE id = $1 AND state IN ('queued', 'running')`, [runId, JSON.stringify(INTERRUPTED)]);
    },
    onRetry: async (job) => {
      const runId = runIdOf(job.payload);
      if (runId) await dataSource.query(`UPDATE evaluation_runs SET state = 'queued', error = NULL, finished_at = NULL WHERE id = $1 AND state = 'failed'`, [runId]);
    },
  };
}

/**
 * evaluation (综合素质评价, issue 7 points 1–2): versioned rubrics with sandboxed formulas,
 * their assignment to cohorts, term and graduation runs with provenance and quota checks.
 * Other modules use EvaluationResultsService (term/graduation results, levels, explanations).
 */
@Module({
  imports: [JobsModule],
  controllers: [RubricsController, AssignmentsController, EvaluationRunsController, EvaluationStudentsController],
  providers: [RubricsService, EvaluationRunsService, EvaluationResultsService],
  exports: [EvaluationResultsService],
})
export class EvaluationModule implements OnModuleInit {
  constructor(
    private readonly runs: EvaluationRunsService,
    private readonly worker: JobsWorker,
    private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    this.worker.register(EVALUATION_JOB, this.runs.jobHandler(), evaluationJobOptions(this.dataSource));
  }
}
