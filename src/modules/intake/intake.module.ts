import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { CatalogueService } from './catalogue.service';
import { EvidenceService } from './evidence/evidence.service';
import { ActivityRecordsController, EvidenceController, IndicatorsController, TermRecordsController } from './intake.controller';
import { RecordsService } from './records.service';
import { TermRecordEntryService } from './term-record-entry.service';

/**
 * intake: the indicator catalogue, term records, 写实记录 with evidence, record versions — one
 * engine for the five dimensions (the dimension-specific parts are catalogue data). Its import
 * kinds (./imports) are registered by the imports module.
 */
@Module({
  imports: [
    // Evidence uploads above EVIDENCE_MAX_BYTES are cut off by multer (413) before they are buffered whole.
    MulterModule.registerAsync({
      useFactory: (config: AppConfig) => ({ limits: { fileSize: config.evidenceMaxBytes, files: 1, fields: 5 } }),
      inject: [APP_CONFIG],
    }),
  ],
  controllers: [IndicatorsController, TermRecordsController, ActivityRecordsController, EvidenceController],
  providers: [CatalogueService, RecordsService, EvidenceService, TermRecordEntryService],
  exports: [CatalogueService, RecordsService, EvidenceService],
})
export class IntakeModule {}
