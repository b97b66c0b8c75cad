import { Module } from '@nestjs/common';
import { EvaluationModule } from '../evaluation/evaluation.module';
import { EvaluationResultsService } from '../evaluation/evaluation-results.service';
import { FitnessModule } from '../fitness/fitness.module';
import { FitnessResultsService } from '../fitness/fitness-results.service';
import { GrowthModule } from '../growth/growth.module';
import { GrowthService } from '../growth/growth.service';
import { IntakeModule } from '../intake/intake.module';
import { RecordsService } from '../intake/records.service';
import { ConfirmedRecordsService } from '../review/confirmed-records.service';
import { JobsModule } from '../jobs/jobs.module';
import { ReviewModule } from '../review/review.module';
import { AdmissionsController } from './admissions.controller';
import { AdmissionsService } from './admissions.service';
import { PortfolioHook } from './portfolio-hook';
import { PortfoliosController } from './portfolios.controller';
import { PortfoliosService } from './portfolios.service';
import { ActivityRecordsSection } from './sections/activity-records.section';
import { ArtSection } from './sections/art.section';
import { EvaluationSection } from './sections/evaluation.section';
import { FitnessSection } from './sections/fitness.section';
import { GrowthSection } from './sections/growth.section';
import { LabourSection } from './sections/labour.section';
import { PORTFOLIO_SECTIONS } from './sections/section';

/**
 * portfolios: sealed 综合素质档案 snapshots, admission batches, applications (imported through
 * the imports module's `applications` kind) and the admissions officers' view. The portfolio's
 * sections read their sources through the owning modules' exported services, in document order.
 */
@Module({
  imports: [IntakeModule, FitnessModule, GrowthModule, ReviewModule, EvaluationModule, JobsModule],
  controllers: [PortfoliosController, AdmissionsController],
  providers: [
    PortfoliosService,
    AdmissionsService,
    // A confirmed 写实记录 amended or revoked → the student's portfolio shows it, live and replayed (ADRs 0821, 0815).
    PortfolioHook,
    {
      provide: PORTFOLIO_SECTIONS,
      useFactory: (records: RecordsService, confirmed: ConfirmedRecordsService, evaluation: EvaluationResultsService, fitness: FitnessResultsService, growth: GrowthService) => [
        new ActivityRecordsSection(confirmed),
        new EvaluationSection(evaluation),
        new FitnessSection(fitness),
        new ArtSection(records),
        new LabourSection(records),
        new GrowthSection(growth),
      ],
      inject: [RecordsService, ConfirmedRecordsService, EvaluationResultsService, FitnessResultsService, GrowthService],
    },
  ],
  exports: [PortfoliosService],
})
export class PortfoliosModule {}
