import { Module } from '@nestjs/common';
import { JobsController } from './jobs.controller';
import { JobsService } from './jobs.service';
import { JobsWorker } from './jobs.worker';

@Module({
  controllers: [JobsController],
  providers: [JobsService, JobsWorker],
  exports: [JobsService, JobsWorker],
})
export class JobsModule {}
