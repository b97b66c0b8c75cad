import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import type { Page } from '../../common/http/pagination';
import { ListJobsQueryDto } from './dto/list-jobs.query';
import { ApiTags } from '@nestjs/swagger';
import { ParseIdPipe } from '../../common/http/parse-id.pipe';
import type { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/auth.decorators';
import { type JobResponse, toJobResponse } from './dto/job.response';
import { JobsService } from './jobs.service';
import { JobsWorker } from './jobs.worker';
import { DomainError } from '../../common/errors/domain-error';

@ApiTags('jobs')
@Controller('api/jobs')
export class JobsController {
  constructor(
    private readonly jobs: JobsService,
    private readonly worker: JobsWorker,
  ) {}

  /**
   * The jobs the caller may see, newest first (`?type=import&state=failed`): imports uploaded as
   * jobs and those run from the CLI (`wuyu import`, city-wide: visible to city-wide scopes), model
   * runs. Same visibility as one job: its creator, and callers whose scope covers its school.
   */
  @Get()
  async list(@Query() query: ListJobsQueryDto, @CurrentActor() actor: Actor): Promise<Page<JobResponse>> {
    const page = await this.jobs.list(this.viewer(actor), query);
    return { ...page, items: page.items.map(toJobResponse) };
  }

  /** State, rows processed / total, and (when finished) the report. Visible to its creator and to callers whose scope covers its school. */
  @Get(':id')
  async get(@Param('id', new ParseIdPipe()) id: string, @CurrentActor() actor: Actor): Promise<JobResponse> {
    return toJobResponse(await this.jobs.get(id, this.viewer(actor)));
  }

  /**
   * Queues a job again that failed as INTERRUPTED (its process died mid-run; nothing of it was
   * kept): 202 with the job, 409 JOB_NOT_RETRYABLE in any other state. The caller must see the
   * job and hold its type's permission (imports.commit for imports, valueadded.manage for runs).
   */
  @Post(':id/retry')
  @HttpCode(202)
  async retry(@Param('id', new ParseIdPipe()) id: string, @CurrentActor() actor: Actor): Promise<JobResponse> {
    const job = await this.jobs.get(id, this.viewer(actor));
    const options = this.worker.optionsOf(job.type);
    if (!options?.retryPermission || !actor.can(options.retryPermission)) {
      throw new DomainError('FORBIDDEN', 403, `you may not retry ${job.type} jobs`, `无权重试此类任务`);
    }
    const queued = await this.jobs.requeueInterrupted(job);
    await options.onRetry?.(queued);
    this.worker.kick();
    return toJobResponse(queued);
  }

  private viewer(actor: Actor) {
    return { userId: actor.userId, scope: actor.scopeFor('imports.commit').all ? actor.scopeFor('imports.commit') : actor.readScope };
  }
}
