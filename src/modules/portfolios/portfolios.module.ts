import { Module, type OnModuleInit } from '@nestjs/common';
import { EvaluationModule } from '../evaluation/evaluation.module';
import { EvaluationResultsService } from '../evaluation/evaluation-results.service';
import { FitnessModule } from '../fitness/fitness.module';
import { FitnessResultsService } from '../fitness/fitness-results.service';
import { GrowthModule } from '../growth/growth.module';
import { GrowthService } from '../growth/growth.service';
import { IntakeModule } from '../intake/intake.module';
import { RecordsService } from '../intake/records.service';
import { ConfirmedRecordsService } from '../review/confirmed-records.service';
import { type ConfirmedRecordChanged, ReviewEvents } from '../review/review-events';
import { ReviewModule } from '../review/review.module';
import { AdmissionsController } from './admissions.controller';
import { AdmissionsService } from './admissions.service';
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
  imports: [IntakeModule, FitnessModule, GrowthModule, ReviewModule, EvaluationModule],
  controllers: [PortfoliosController, AdmissionsController],
  providers: [
    PortfoliosService,
    AdmissionsService,
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
export class PortfoliosModule implements OnModuleInit {
  constructor(
    private readonly portfolios: PortfoliosService,
    private readonly reviewEvents: ReviewEvents,
  ) {}

  /** A confirmed 写实记录 amended or revoked (upheld appeal, integrity case) → the student's portfolio shows it (ADR 0821). */
  onModuleInit(): void {
    this.reviewEvents.onConfirmedRecordChanged(async (event) => {
      await this.portfolios.refreshForChangedRecord(event.studentId, changeReason(event));
    });
  }
}

/** The reason written on the new (or reset) portfolio version, in Chinese as the school reads it. */
export function changeReason(event: ConfirmedRecordChanged): string {
  const cause = event.cause === 'appeal' ? `申诉成立${event.appealId ? `（申诉 ${event.appealId}）` : ''}` : '诚信核查';
  const change = event.change === 'amended' ? `已更正为第${event.version}版` : '已撤销';
  return `${cause}：写实记录 ${event.recordId} ${change}。${event.reason}`.slice(0, 500);
}
