import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Page } from '../../common/http/pagination';
import { ParseIdPipe } from '../../common/http/parse-id.pipe';
import type { Actor } from '../auth/actor';
import { AuditedRead, CurrentActor, RequirePermission } from '../auth/auth.decorators';
import { AppealsService } from './appeals.service';
import { type AppealResponse, CorrectRecordDto, DecideAppealDto, EscalateAppealDto, FileAppealDto, ListAppealsQueryDto } from './dto/appeal.dto';
import type { ReviewRecordResponse } from './dto/record.dto';

const uuid = new ParseIdPipe();

/** 申诉 (student, guardian) → the school's decision → 复议 by the district. */
@ApiTags('review')
@Controller('api/review/appeals')
export class AppealsController {
  constructor(private readonly appeals: AppealsService) {}

  /** Against a REJECTED record or a confirmed one, within the filing deadline, with a written reason. */
  @Post()
  @RequirePermission('appeals.file')
  file(@Body() dto: FileAppealDto, @CurrentActor() actor: Actor): Promise<AppealResponse> {
    return this.appeals.file(actor, dto);
  }

  @Get()
  @AuditedRead('appeal')
  @RequirePermission('students.read')
  list(@Query() query: ListAppealsQueryDto, @CurrentActor() actor: Actor): Promise<Page<AppealResponse>> {
    return this.appeals.list(actor.readScope, query);
  }

  @Get(':id')
  @AuditedRead('appeal')
  @RequirePermission('students.read')
  get(@Param('id', uuid) id: string, @CurrentActor() actor: Actor): Promise<AppealResponse> {
    return this.appeals.get(actor.readScope, id);
  }

  /** The school: upheld (a rejection is reviewed again; a confirmed record is amended or revoked) or dismissed (then escalatable). */
  @Post(':id/decision')
  @RequirePermission('appeals.decide')
  decide(@Param('id', uuid) id: string, @Body() dto: DecideAppealDto, @CurrentActor() actor: Actor): Promise<AppealResponse> {
    return this.appeals.decide(actor, id, dto);
  }

  /** The appellant asks the district to reconsider a dismissed appeal, within the escalation deadline. */
  @Post(':id/escalate')
  @RequirePermission('appeals.file')
  escalate(@Param('id', uuid) id: string, @Body() dto: EscalateAppealDto, @CurrentActor() actor: Actor): Promise<AppealResponse> {
    return this.appeals.escalate(actor, id, dto.reason);
  }

  /** The district's decision (复议) on an escalated appeal; final. */
  @Post(':id/bureau-decision')
  @RequirePermission('appeals.reconsider')
  reconsider(@Param('id', uuid) id: string, @Body() dto: DecideAppealDto, @CurrentActor() actor: Actor): Promise<AppealResponse> {
    return this.appeals.reconsider(actor, id, dto);
  }
}

/** Integrity cases on confirmed records, decided by the school: never in place — a new version, or revocation, with the reason. */
@ApiTags('review')
@Controller('api/review/records')
export class RecordCorrectionsController {
  constructor(private readonly appeals: AppealsService) {}

  @Post(':id/amend')
  @RequirePermission('appeals.decide')
  amend(@Param('id', uuid) id: string, @Body() dto: CorrectRecordDto, @CurrentActor() actor: Actor): Promise<ReviewRecordResponse> {
    return this.appeals.correct(actor, id, 'amend', dto.remark, dto.amendment);
  }

  @Post(':id/revoke')
  @RequirePermission('appeals.decide')
  revoke(@Param('id', uuid) id: string, @Body() dto: CorrectRecordDto, @CurrentActor() actor: Actor): Promise<ReviewRecordResponse> {
    return this.appeals.correct(actor, id, 'revoke', dto.remark, undefined);
  }
}
