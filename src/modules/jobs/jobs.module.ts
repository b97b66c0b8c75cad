import { Module } from '@nestjs/common';
import { JobsController } from './jobs.controller';
import { JobsService } from './jobs.service';
import { JobsWorker } from './jobs.worker';
import { Scheduler } from './scheduler';
import { SpoolRetention } from './spool-retention';

@Module({
  controllers: [JobsController],
  providers: [JobsService, JobsWorker, Scheduler, SpoolRetention],
  exports: [JobsService, JobsWorker, Scheduler],
})
export class JobsModule {}
