import { Module, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { JobsModule } from '../jobs/jobs.module';
import { JobsWorker } from '../jobs/jobs.worker';
import { modelRunJobOptions } from '../jobs/run-job-options';
import { AssignmentsController, EvaluationRunsController, EvaluationStudentsController, RubricsController } from './evaluation.controller';
import { EvaluationResultsService } from './evaluation-results.service';
import { EVALUATION_JOB, EvaluationRunsService } from './evaluation-runs.service';
import { RubricsService } from './rubrics.service';

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
    // An interrupted run fails with INTERRUPTED; a retry (evaluation.manage) queues it again (ADR 1000).
    this.worker.register(EVALUATION_JOB, this.runs.jobHandler(), modelRunJobOptions(this.dataSource, 'evaluation_runs', 'evaluation.manage'));
  }
}
