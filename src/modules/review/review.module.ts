import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { IntakeModule } from '../intake/intake.module';
import { JobsModule } from '../jobs/jobs.module';
import { AppealsController, RecordCorrectionsController } from './appeals.controller';
import { AppealsService } from './appeals.service';
import { CalendarService } from './calendar.service';
import { Clock } from './clock';
import { ConfirmedRecordsService } from './confirmed-records.service';
import { IntegrityController } from './integrity.controller';
import { IntegrityService } from './integrity.service';
import { CalendarController, ObjectionsController, PublicityController } from './publicity.controller';
import { PublicityAutoClose } from './publicity-auto-close';
import { PublicityService } from './publicity.service';
import { RecordTransitions } from './record-transitions';
import { ReviewEvents } from './review-events';
import { ReviewRecordsController } from './review-records.controller';
import { ReviewRecordsService } from './review-records.service';
import { ReviewSettingsController } from './review-settings.controller';
import { ReviewSettingsService } from './review-settings.service';

/**
 * review: the workflow of 写实记录 (DOMAIN.md) — records entered by people, the state machine
 * with its history, term-end selection, publicity batches with objections, appeals with
 * escalation, integrity checks. Depends on intake (evidence store); portfolios depend on it.
 */
@Module({
  imports: [
    IntakeModule,
    JobsModule,
    MulterModule.registerAsync({
      useFactory: (config: AppConfig) => ({ limits: { fileSize: config.evidenceMaxBytes, files: 1, fields: 5 } }),
      inject: [APP_CONFIG],
    }),
  ],
  controllers: [ReviewRecordsController, RecordCorrectionsController, IntegrityController, PublicityController, ObjectionsController, AppealsController, CalendarController, ReviewSettingsController],
  providers: [Clock, ReviewEvents, RecordTransitions, ReviewSettingsService, CalendarService, ReviewRecordsService, IntegrityService, PublicityService, PublicityAutoClose, AppealsService, ConfirmedRecordsService],
  // For portfolios: confirmed records, the change hook, the clock and calendar; nothing else leaves.
  exports: [ConfirmedRecordsService, ReviewEvents, Clock, CalendarService, ReviewSettingsService],
})
export class ReviewModule {}
