import { Module, type OnModuleInit } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { DataSource } from 'typeorm';
import { JobsWorker } from '../jobs/jobs.worker';
import { modelRunJobOptions } from '../jobs/run-job-options';
import { GrowthController } from './growth.controller';
import { GROWTH_JOB, GrowthService } from './growth.service';

@Module({
  imports: [JobsModule],
  controllers: [GrowthController],
  providers: [GrowthService],
  exports: [GrowthService],
})
export class GrowthModule implements OnModuleInit {
  constructor(
    private readonly service: GrowthService,
    private readonly worker: JobsWorker,
    private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    this.worker.register(GROWTH_JOB, this.service.jobHandler(), modelRunJobOptions(this.dataSource, 'growth_runs'));
  }
}
