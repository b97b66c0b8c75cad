import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Page } from '../../common/http/pagination';
import { ParseIdPipe } from '../../common/http/parse-id.pipe';
import type { Actor } from '../auth/actor';
import { AuditedRead, CurrentActor, RequirePermission } from '../auth/auth.decorators';
import { type IntegrityFlagResponse, ListFlagsQueryDto, ResolveFlagDto, ScanDto } from './dto/integrity.dto';
import { IntegrityService } from './integrity.service';

const uuid = new ParseIdPipe();

/** The integrity review queue (teachers and school administrators, through records.review). */
@ApiTags('review')
@Controller('api/review/integrity')
export class IntegrityController {
  constructor(private readonly integrity: IntegrityService) {}

  /** Flags in scope; default `?status=open` — the queue. */
  @Get('flags')
  @AuditedRead('activity_record')
  @RequirePermission('records.review')
  list(@Query() query: ListFlagsQueryDto, @CurrentActor() actor: Actor): Promise<Page<IntegrityFlagResponse>> {
    return this.integrity.list(actor.scopeFor('records.review'), query);
  }

  /** Runs every rule over a term's submitted records in scope; returns the new flags per rule. */
  @Post('scan')
  @RequirePermission('records.review')
  scan(@Body() dto: ScanDto, @CurrentActor() actor: Actor) {
    return this.integrity.scan(actor.scopeFor('records.review'), dto.termId, dto.schoolId);
  }

  @Post('flags/:id/resolve')
  @RequirePermission('records.review')
  resolve(@Param('id', uuid) id: string, @Body() dto: ResolveFlagDto, @CurrentActor() actor: Actor): Promise<IntegrityFlagResponse> {
    return this.integrity.resolve(actor.scopeFor('records.review'), actor.userId, id, dto.outcome, dto.remark);
  }
}
