import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, StreamableFile } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { ParseIdPipe } from '../../common/http/parse-id.pipe';
import type { Actor } from '../auth/actor';
import { CurrentActor, RequirePermission } from '../auth/auth.decorators';
import { type DataScope, EVERYTHING } from '../auth/data-scope';
import { ChartExportDto, TableExportDto, ValueAddedRunReportQueryDto, ValueAddedStabilityQueryDto, ValueAddedStudiesQueryDto } from './dto/reports.dto';
import { ExportsService } from './exports.service';
import { GrowthReportsService } from './growth-reports.service';
import { ValueAddedReportsService } from './value-added-reports.service';

const uuid = new ParseIdPipe();

/** The value-added rule: bureau roles (valueadded.manage) every school; a school (valueadded.read) its own rows. */
function resultScope(actor: Actor): DataScope {
  return actor.can('valueadded.manage') ? EVERYTHING : actor.scopeFor('valueadded.read');
}

/**
 * Read-only report views for the web pages (issue 9): the services' stored results joined with
 * the roster so pages can label, filter and sort them. Nothing here computes a new estimate.
 */
@ApiTags('reports')
@Controller('api/reports/value-added')
export class ValueAddedReportsController {
  constructor(private readonly reports: ValueAddedReportsService) {}

  /** Studies with school year and finished runs; `?subject=&schoolYear=` filter. */
  @Get('studies')
  @RequirePermission('valueadded.read')
  studies(@Query() query: ValueAddedStudiesQueryDto) {
    return this.reports.studies(query);
  }

  /** Year-over-year stability of the schools in two runs: ρ, category transitions, both estimates with intervals. */
  @Get('stability')
  @RequirePermission('valueadded.read')
  stability(@Query() query: ValueAddedStabilityQueryDto, @CurrentActor() actor: Actor) {
    return this.reports.stability(query, resultScope(actor));
  }

  /** One model's rows of a run with school, district and stage; `?model=&regionId=&stage=`; category counts. */
  @Get('runs/:id')
  @RequirePermission('valueadded.read')
  run(@Param('id', uuid) id: string, @Query() query: ValueAddedRunReportQueryDto, @CurrentActor() actor: Actor) {
    return this.reports.run(id, query, resultScope(actor));
  }

  /** Every model of a run per group side by side, the stored correlations, category changes. */
  @Get('runs/:id/methods')
  @RequirePermission('valueadded.read')
  methods(@Param('id', uuid) id: string, @CurrentActor() actor: Actor) {
    return this.reports.methods(id, resultScope(actor));
  }
}

@ApiTags('reports')
@Controller('api/reports/schools')
export class SchoolReportsController {
  constructor(
    private readonly reports: ValueAddedReportsService,
    private readonly growthReports: GrowthReportsService,
  ) {}

  /** A school's value-added rows across every finished run (bureau: any school; a school: its own). */
  @Get(':id/value-added')
  @RequirePermission('valueadded.read')
  valueAdded(@Param('id', uuid) id: string, @CurrentActor() actor: Actor) {
    return this.reports.schoolHistory(id, resultScope(actor));
  }

  /** A school's stored growth summary in every finished growth run, and its students' counts per SGP band. */
  @Get(':id/growth')
  @RequirePermission('valueadded.read')
  growth(@Param('id', uuid) id: string, @CurrentActor() actor: Actor) {
    return this.growthReports.schoolHistory(id, resultScope(actor));
  }
}

/**
 * Downloads of what a page shows: tables as CSV (UTF-8 with BOM) or XLSX, charts as PNG or SVG.
 * Formula-like text is neutralised; every export is recorded in the audit trail.
 */
@ApiTags('reports')
@Controller('api/reports/exports')
export class ExportsController {
  constructor(private readonly exports: ExportsService) {}

  @Post('table')
  @HttpCode(200)
  table(@Body() dto: TableExportDto, @CurrentActor() actor: Actor, @Req() request: Request): Promise<StreamableFile> {
    return this.exports.table(dto, actor, request);
  }

  @Post('chart')
  @HttpCode(200)
  chart(@Body() dto: ChartExportDto, @CurrentActor() actor: Actor, @Req() request: Request): Promise<StreamableFile> {
    return this.exports.chart(dto, actor, request);
  }
}
