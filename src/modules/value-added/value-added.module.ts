import { Module, type OnModuleInit } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { JobsWorker } from '../jobs/jobs.worker';
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
  ) {}

  onModuleInit(): void {
    this.worker.register(VALUE_ADDED_JOB, this.service.jobHandler());
  }
}
