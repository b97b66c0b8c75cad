import { Module, type OnModuleInit } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { JobsWorker } from '../jobs/jobs.worker';
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
  ) {}

  onModuleInit(): void {
    this.worker.register(EVALUATION_JOB, this.runs.jobHandler());
  }
}
