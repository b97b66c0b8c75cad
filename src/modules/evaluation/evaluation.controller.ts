import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Page } from '../../common/http/pagination';
import { ParseIdPipe } from '../../common/http/parse-id.pipe';
import type { Actor } from '../auth/actor';
import { AuditedRead, CurrentActor, RequirePermission } from '../auth/auth.decorators';
import { type DataScope, EVERYTHING } from '../auth/data-scope';
import { AssignRubricDto, type AssignmentResponse, CreateRubricDto, RubricContentDto, type RubricResponse } from './dto/rubric.dto';
import { CreateGraduationRunDto, CreateTermRunDto, ExplanationQueryDto, ListRunsQueryDto, RunResultsQueryDto } from './dto/run.dto';
import { EvaluationResultsService, type StudentGraduationResult, type StudentTermResult } from './evaluation-results.service';
import { type EvaluationRunResponse, EvaluationRunsService, type RunStudentResult, toRunResponse } from './evaluation-runs.service';
import { RubricsService } from './rubrics.service';

const uuid = new ParseIdPipe();

/** Whose schools a caller sees in run aggregates: bureau (evaluation.manage) every school; a school its own. */
function schoolScope(actor: Actor): DataScope {
  return actor.can('evaluation.manage') ? EVERYTHING : actor.scopeFor('evaluation.read');
}

/**
 * Rubrics (评价方案): anyone signed in reads them — students and parents may see the rules
 * they are evaluated by; bureau roles (evaluation.manage) create, edit unused versions and
 * supersede used ones.
 */
@ApiTags('evaluation')
@Controller('api/evaluation/rubrics')
export class RubricsController {
  constructor(private readonly rubrics: RubricsService) {}

  @Get()
  async list(): Promise<{ items: RubricResponse[] }> {
    return { items: await this.rubrics.list() };
  }

  @Get(':id')
  get(@Param('id', uuid) id: string): Promise<RubricResponse> {
    return this.rubrics.get(id);
  }

  /** 201; 400 INVALID_RUBRIC / INVALID_FORMULA naming the offending field and formula part; 409 DUPLICATE_RUBRIC_CODE. */
  @Post()
  @RequirePermission('evaluation.manage')
  create(@Body() dto: CreateRubricDto, @CurrentActor() actor: Actor): Promise<RubricResponse> {
    return this.rubrics.create(dto, actor.userId);
  }

  /** Replaces an unused version's content; 409 RUBRIC_IN_USE once any run used it, RUBRIC_SUPERSEDED when replaced. */
  @Put(':id')
  @RequirePermission('evaluation.manage')
  update(@Param('id', uuid) id: string, @Body() dto: RubricContentDto): Promise<RubricResponse> {
    return this.rubrics.update(id, dto);
  }

  /** The next version (201): the cohorts assigned to this version move to it; runs keep the version they used. */
  @Post(':id/supersede')
  @RequirePermission('evaluation.manage')
  supersede(@Param('id', uuid) id: string, @Body() dto: RubricContentDto, @CurrentActor() actor: Actor): Promise<RubricResponse> {
    return this.rubrics.supersede(id, dto, actor.userId);
  }
}

/** Which rubric version each cohort (stage + entry year [+ region]) is evaluated by. */
@ApiTags('evaluation')
@Controller('api/evaluation/assignments')
export class AssignmentsController {
  constructor(private readonly rubrics: RubricsService) {}

  @Get()
  @RequirePermission('evaluation.read')
  async list(): Promise<{ items: AssignmentResponse[] }> {
    return { items: await this.rubrics.listAssignments() };
  }

  /** Assigns (or re-assigns) a cohort's rubric version. */
  @Put()
  @RequirePermission('evaluation.manage')
  assign(@Body() dto: AssignRubricDto, @CurrentActor() actor: Actor): Promise<AssignmentResponse> {
    return this.rubrics.assign(dto, actor.userId);
  }
}

/**
 * Evaluation runs: bureau roles start them (background jobs, progress at `GET /api/jobs/:id`);
 * bureau and school administrators read run summaries and level distributions (a school its
 * own rows); student-level rows are read through the student data scope and audited.
 */
@ApiTags('evaluation')
@Controller('api/evaluation')
export class EvaluationRunsController {
  constructor(private readonly runs: EvaluationRunsService) {}

  /** Queues a term run (202) for a cohort and term, by the cohort's assigned rubric; an identical pending run is returned instead. */
  @Post('runs')
  @HttpCode(202)
  @RequirePermission('evaluation.manage')
  async createTermRun(@Body() dto: CreateTermRunDto, @CurrentActor() actor: Actor): Promise<EvaluationRunResponse> {
    return toRunResponse(await this.runs.enqueueTermRun(dto, actor.userId));
  }

  /** Queues a graduation run (202): the cohort's latest term results combined by the term weights. */
  @Post('graduation-runs')
  @HttpCode(202)
  @RequirePermission('evaluation.manage')
  async createGraduationRun(@Body() dto: CreateGraduationRunDto, @CurrentActor() actor: Actor): Promise<EvaluationRunResponse> {
    return toRunResponse(await this.runs.enqueueGraduationRun(dto, actor.userId));
  }

  @Get('runs')
  @RequirePermission('evaluation.read')
  async listRuns(@Query() query: ListRunsQueryDto): Promise<Page<EvaluationRunResponse>> {
    const page = await this.runs.listRuns(query);
    return { ...page, items: page.items.map(toRunResponse) };
  }

  /** State, rubric version, cohort, input hash, engine version, counts. */
  @Get('runs/:id')
  @RequirePermission('evaluation.read')
  async getRun(@Param('id', uuid) id: string): Promise<EvaluationRunResponse> {
    return toRunResponse(await this.runs.getRun(id));
  }

  /** Levels per school and dimension (and per district for the bureau): counts only. */
  @Get('runs/:id/distribution')
  @RequirePermission('evaluation.read')
  distribution(@Param('id', uuid) id: string, @CurrentActor() actor: Actor) {
    return this.runs.distribution(id, schoolScope(actor));
  }

  /** The quota check: per school × dimension the cap, the distribution and which students' A became B. */
  @Get('runs/:id/quota')
  @RequirePermission('evaluation.read')
  @AuditedRead('evaluation')
  quota(@Param('id', uuid) id: string, @CurrentActor() actor: Actor) {
    return this.runs.quotaReport(id, schoolScope(actor));
  }

  /** Student rows of a run within the caller's student data scope (`?schoolId=`, `?classId=`, paged). */
  @Get('runs/:id/results')
  @RequirePermission('students.read')
  @AuditedRead('evaluation')
  results(@Param('id', uuid) id: string, @Query() query: RunResultsQueryDto, @CurrentActor() actor: Actor): Promise<Page<RunStudentResult>> {
    return this.runs.results(id, actor.scopeFor('students.read'), query);
  }
}

/** A student's own evaluation, through the student data scope (audited for bureau and admissions readers). */
@ApiTags('evaluation')
@Controller('api/evaluation/students')
export class EvaluationStudentsController {
  constructor(private readonly results: EvaluationResultsService) {}

  /** Term results (the five dimensions per term) and the graduation result. */
  @Get(':id/results')
  @RequirePermission('students.read')
  @AuditedRead('evaluation')
  async studentResults(@Param('id', uuid) id: string, @CurrentActor() actor: Actor): Promise<{ studentId: string; terms: StudentTermResult[]; graduation: StudentGraduationResult | null }> {
    const scope = actor.scopeFor('students.read');
    await this.results.assertStudentInScope(id, scope);
    return { studentId: id, terms: await this.results.termResultsForStudent(id, scope), graduation: await this.results.graduationResultForStudent(id, scope) };
  }

  /** Why each level is what it is: rules, formula terms, values and record ids, in Chinese and English (`?termId=`, `?dimension=`). */
  @Get(':id/explanation')
  @RequirePermission('students.read')
  @AuditedRead('evaluation')
  explanation(@Param('id', uuid) id: string, @Query() query: ExplanationQueryDto, @CurrentActor() actor: Actor) {
    return this.results.explain(id, actor.scopeFor('students.read'), query);
  }
}
