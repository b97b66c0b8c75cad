import { Module, type OnModuleInit } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { DataSource } from 'typeorm';
import { JobsWorker } from '../jobs/jobs.worker';
import { modelRunJobOptions } from '../jobs/run-job-options';
import { ValueAddedController } from './value-added.controller';
import { VALUE_ADDED_JOB, ValueAddedService } from './value-added.service';

@Module({
  imports: [JobsModule],
  controllers: [ValueAddedController],
  providers: [ValueAddedService],
})
export class ValueAddedModule implements OnModuleInit {
  constructor(
    private readonly service: ValueAddedService,
    private readonly worker: JobsWorker,
    private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    this.worker.register(VALUE_ADDED_JOB, this.service.jobHandler(), modelRunJobOptions(this.dataSource, 'value_added_runs'));
  }
}
