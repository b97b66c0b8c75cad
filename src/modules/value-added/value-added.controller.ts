import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Page } from '../../common/http/pagination';
import { ParseIdPipe } from '../../common/http/parse-id.pipe';
import type { Actor } from '../auth/actor';
import { CurrentActor, RequirePermission } from '../auth/auth.decorators';
import { type DataScope, EVERYTHING } from '../auth/data-scope';
import { CreateRunDto, CreateStudyDto, ListStudiesQueryDto, type StudyResponse, toStudyResponse } from './dto/study.dto';
import { type RunResponse, toRunResponse, ValueAddedService } from './value-added.service';

const uuid = new ParseIdPipe();

/**
 * Which group rows a caller sees: bureau roles (valueadded.manage: city and district) all
 * schools; a school (valueadded.read) its own rows only (DOMAIN.md, "value-added reports").
 */
function resultScope(actor: Actor): DataScope {
  return actor.can('valueadded.manage') ? EVERYTHING : actor.scopeFor('valueadded.read');
}

/**
 * Value-added studies (cohort, covariates, grouping, model) and their runs as background jobs
 * (`GET /api/jobs/:id` shows progress). Bureau roles define and run; schools read their own rows.
 */
@ApiTags('value-added')
@Controller('api/value-added')
export class ValueAddedController {
  constructor(private readonly service: ValueAddedService) {}

  @Post('studies')
  @RequirePermission('valueadded.manage')
  async createStudy(@Body() dto: CreateStudyDto, @CurrentActor() actor: Actor): Promise<StudyResponse> {
    return toStudyResponse(await this.service.createStudy(dto, actor.userId));
  }

  @Get('studies')
  @RequirePermission('valueadded.read')
  async listStudies(@Query() query: ListStudiesQueryDto): Promise<Page<StudyResponse>> {
    const page = await this.service.listStudies(query);
    return { ...page, items: page.items.map(toStudyResponse) };
  }

  @Get('studies/:id')
  @RequirePermission('valueadded.read')
  async getStudy(@Param('id', uuid) id: string): Promise<StudyResponse> {
    return toStudyResponse(await this.service.getStudy(id));
  }

  /** Only a study without runs (studies never change, so their runs stay reproducible). */
  @Delete('studies/:id')
  @HttpCode(204)
  @RequirePermission('valueadded.manage')
  async deleteStudy(@Param('id', uuid) id: string): Promise<void> {
    await this.service.deleteStudy(id);
  }

  /** Queues a run (202): `{ models }` omitted → the study's model; several → a method comparison. */
  @Post('studies/:id/runs')
  @HttpCode(202)
  @RequirePermission('valueadded.manage')
  async createRun(@Param('id', uuid) id: string, @Body() dto: CreateRunDto, @CurrentActor() actor: Actor): Promise<RunResponse> {
    const { run } = await this.service.enqueueRun(id, dto, actor.userId);
    return toRunResponse(run);
  }

  @Get('studies/:id/runs')
  @RequirePermission('valueadded.read')
  async listRuns(@Param('id', uuid) id: string, @Query() query: ListStudiesQueryDto, @CurrentActor() actor: Actor): Promise<Page<RunResponse>> {
    return this.service.listRuns(id, query, resultScope(actor));
  }

  /** The run, its summary (input hash, parameters, engine version), comparison, and the group rows the caller may see. */
  @Get('runs/:id')
  @RequirePermission('valueadded.read')
  async getRun(@Param('id', uuid) id: string, @CurrentActor() actor: Actor): Promise<RunResponse> {
    return this.service.getRun(id, resultScope(actor));
  }
}
