import { Module, type OnModuleInit } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { JobsModule } from '../jobs/jobs.module';
import { JobsWorker } from '../jobs/jobs.worker';
import { importJobHandler } from './import-job.handler';
import { ImportJobsController } from './import-jobs.controller';
import { ImportsController } from './imports.controller';
import { ImportsService } from './imports.service';

@Module({
  imports: [
    // Uploads are held in memory up to IMPORT_MAX_BYTES; multer refuses larger ones with 413 before buffering them.
    MulterModule.registerAsync({
      useFactory: (config: AppConfig) => ({ limits: { fileSize: config.importMaxBytes, files: 1, fields: 10 } }),
      inject: [APP_CONFIG],
    }),
    JobsModule,
  ],
  controllers: [ImportsController, ImportJobsController],
  providers: [ImportsService],
  exports: [ImportsService],
})
export class ImportsModule implements OnModuleInit {
  constructor(
    private readonly imports: ImportsService,
    private readonly worker: JobsWorker,
  ) {}

  onModuleInit(): void {
    // An interrupted import kept its spooled file, so a retry reads the same bytes again.
    this.worker.register('import', importJobHandler(this.imports), { retryPermission: 'imports.commit' });
  }
}
