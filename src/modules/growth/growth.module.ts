import { Module, type OnModuleInit } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { JobsWorker } from '../jobs/jobs.worker';
import { GrowthController } from './growth.controller';
import { GROWTH_JOB, GrowthService } from './growth.service';

@Module({
  imports: [JobsModule],
  controllers: [GrowthController],
  providers: [GrowthService],
})
export class GrowthModule implements OnModuleInit {
  constructor(
    private readonly service: GrowthService,
    private readonly worker: JobsWorker,
  ) {}

  onModuleInit(): void {
    this.worker.register(GROWTH_JOB, this.service.jobHandler());
  }
}
