import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Page } from '../../common/http/pagination';
import type { Actor } from '../auth/actor';
import { AuditedRead, CurrentActor, RequirePermission } from '../auth/auth.decorators';
import { FitnessAggregateQueryDto, ListFitnessResultsQueryDto, RecomputeFitnessDto } from './dto/fitness.dto';
import type { FitnessAggregatesResponse, FitnessResultResponse, MyopiaResponse, RecomputeSummary } from './dto/fitness.response';
import { FitnessAggregatesService } from './fitness-aggregates.service';
import { FitnessResultsService } from './fitness-results.service';

/** 国家学生体质健康标准 year results, group aggregates against the plan's targets, myopia screening rates (ADR 0501). */
@ApiTags('fitness')
@Controller('api/fitness')
export class FitnessController {
  constructor(
    private readonly results: FitnessResultsService,
    private readonly aggregates: FitnessAggregatesService,
  ) {}

  /** Students' stored year results within the caller's scope (student-level: audited for bureau callers). */
  @Get('results')
  @RequirePermission('students.read')
  @AuditedRead('fitness')
  listResults(@Query() query: ListFitnessResultsQueryDto, @CurrentActor() actor: Actor): Promise<Page<FitnessResultResponse>> {
    return this.results.list(actor.readScope, query);
  }

  /** Counts, participation, mean total, 优秀率/优良率/合格率 vs the 2022 and 2025 targets, and the change from the previous year. */
  @Get('aggregates')
  @RequirePermission('students.read')
  fitnessAggregates(@Query() query: FitnessAggregateQueryDto, @CurrentActor() actor: Actor): Promise<FitnessAggregatesResponse> {
    return this.aggregates.fitness(actor.readScope, query);
  }

  /** Screening-positive rate (either eye < 5.0) and its change against the −0.5 point yearly target. */
  @Get('myopia')
  @RequirePermission('students.read')
  myopia(@Query() query: FitnessAggregateQueryDto, @CurrentActor() actor: Actor): Promise<MyopiaResponse> {
    return this.aggregates.myopia(actor.readScope, query);
  }

  /** Recomputes a school year's results (every school in the caller's scope, or the schools given). */
  @Post('recompute')
  @HttpCode(200)
  @RequirePermission('imports.commit')
  recompute(@Body() dto: RecomputeFitnessDto, @CurrentActor() actor: Actor): Promise<RecomputeSummary> {
    return this.results.recomputeFor(actor.scopeFor('imports.commit'), dto.schoolYear, dto.schoolIds);
  }
}
