import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Page } from '../../common/http/pagination';
import { ParseIdPipe } from '../../common/http/parse-id.pipe';
import type { Actor } from '../auth/actor';
import { AuditedRead, CurrentActor, RequirePermission } from '../auth/auth.decorators';
import { type DataScope, EVERYTHING } from '../auth/data-scope';
import { CreateGrowthRunDto, ListGrowthRunsQueryDto, ProjectionQueryDto } from './dto/growth-run.dto';
import { type GrowthRunResponse, GrowthService, toGrowthRunResponse } from './growth.service';

const uuid = new ParseIdPipe();

/**
 * Whose school summaries a caller sees: bureau roles (valueadded.manage: city and district) every
 * school; a school (valueadded.read) its own only — the value-added reports' rule.
 */
function schoolScope(actor: Actor): DataScope {
  return actor.can('valueadded.manage') ? EVERYTHING : actor.scopeFor('valueadded.read');
}

/**
 * Student growth percentiles (issue 11): bureau roles start runs (background jobs, progress at
 * `GET /api/jobs/:id`); bureau and schools read run summaries; student-level growth (profile,
 * projections) is read through the student data scope and audited.
 */
@ApiTags('growth')
@Controller('api/growth')
export class GrowthController {
  constructor(private readonly service: GrowthService) {}

  /** Queues a run (202): one numeric indicator, the current occasion and 1–3 priors (most recent first). */
  @Post('runs')
  @HttpCode(202)
  @RequirePermission('valueadded.manage')
  async createRun(@Body() dto: CreateGrowthRunDto, @CurrentActor() actor: Actor): Promise<GrowthRunResponse> {
    return toGrowthRunResponse(await this.service.enqueueRun(dto, actor.userId));
  }

  @Get('runs')
  @RequirePermission('valueadded.read')
  async listRuns(@Query() query: ListGrowthRunsQueryDto): Promise<Page<GrowthRunResponse>> {
    const page = await this.service.listRuns(query);
    return { ...page, items: page.items.map(toGrowthRunResponse) };
  }

  /** The run: state, parameters, input hash, engine version, counts. */
  @Get('runs/:id')
  @RequirePermission('valueadded.read')
  async getRun(@Param('id', uuid) id: string): Promise<GrowthRunResponse> {
    return toGrowthRunResponse(await this.service.getRun(id));
  }

  /** The fitted coefficient matrices (knots, boundaries, LOSS/HOSS, N per order, engine version). */
  @Get('runs/:id/coefficients')
  @RequirePermission('valueadded.read')
  async coefficients(@Param('id', uuid) id: string): Promise<{ runId: string; coefficients: Record<string, unknown> | null }> {
    return this.service.coefficients(id);
  }

  /** Median and mean SGP per school with SEs, the EB-shrunk median, minimum-N suppression. */
  @Get('runs/:id/schools')
  @RequirePermission('valueadded.read')
  schools(@Param('id', uuid) id: string, @CurrentActor() actor: Actor) {
    return this.service.schoolSummaries(id, schoolScope(actor));
  }

  /** Prior-score decile × SGP decile (each cell ≈ 10% when the fit is right). */
  @Get('runs/:id/goodness-of-fit')
  @RequirePermission('valueadded.read')
  goodnessOfFit(@Param('id', uuid) id: string) {
    return this.service.goodnessOfFit(id);
  }

  /**
   * `?runId=` (required): P35/P50/P65 trajectories for next year from that run's stored matrices
   * and, with `&target=`, the SGP needed to reach that score. The audited target is the student.
   */
  @Get('students/:id/projection')
  @RequirePermission('students.read')
  @AuditedRead('growth')
  projection(@Param('id', uuid) id: string, @Query() query: ProjectionQueryDto, @CurrentActor() actor: Actor) {
    return this.service.projection(query.runId, id, actor.scopeFor('students.read'), query.target);
  }

  /** A student's values, z-scores, percentile ranks and SGPs across runs. */
  @Get('students/:id')
  @RequirePermission('students.read')
  @AuditedRead('growth')
  profile(@Param('id', uuid) id: string, @CurrentActor() actor: Actor) {
    return this.service.studentProfile(id, actor.scopeFor('students.read'));
  }
}
