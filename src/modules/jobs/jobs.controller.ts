import { Controller, Get, Param } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ParseIdPipe } from '../../common/http/parse-id.pipe';
import type { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/auth.decorators';
import { type JobResponse, toJobResponse } from './dto/job.response';
import { JobsService } from './jobs.service';

@ApiTags('jobs')
@Controller('api/jobs')
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  /** State, rows processed / total, and (when finished) the report. Visible to its creator and to callers whose scope covers its school. */
  @Get(':id')
  async get(@Param('id', new ParseIdPipe()) id: string, @CurrentActor() actor: Actor): Promise<JobResponse> {
    return toJobResponse(await this.jobs.get(id, { userId: actor.userId, scope: actor.scopeFor('imports.commit').all ? actor.scopeFor('imports.commit') : actor.readScope }));
  }
}
