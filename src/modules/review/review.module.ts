import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { IntakeModule } from '../intake/intake.module';
import { Clock } from './clock';
import { IntegrityController } from './integrity.controller';
import { IntegrityService } from './integrity.service';
import { RecordTransitions } from './record-transitions';
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
    MulterModule.registerAsync({
      useFactory: (config: AppConfig) => ({ limits: { fileSize: config.evidenceMaxBytes, files: 1, fields: 5 } }),
      inject: [APP_CONFIG],
    }),
  ],
  controllers: [ReviewRecordsController, IntegrityController, ReviewSettingsController],
  providers: [Clock, RecordTransitions, ReviewSettingsService, ReviewRecordsService, IntegrityService],
  exports: [Clock, ReviewSettingsService],
})
export class ReviewModule {}
