import { Body, Controller, Get, Param, Patch, Post, Query, Res, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Page } from '../../common/http/pagination';
import { ParseIdPipe } from '../../common/http/parse-id.pipe';
import type { Actor } from '../auth/actor';
import { AuditedRead, CurrentActor, RequirePermission } from '../auth/auth.decorators';
import type { EvidenceResponse } from '../intake/dto/record.dto';
import { AttachReviewEvidenceDto, CreateReviewRecordDto, ListReviewRecordsQueryDto, RemarkDto, type ReviewRecordResponse, type TransitionResponse, UpdateReviewRecordDto } from './dto/record.dto';
import { ReviewRecordsService } from './review-records.service';
import { ReviewError } from './review.errors';

const uuid = new ParseIdPipe();

/**
 * 写实记录 in the review workflow: authors (the student; a teacher on the student's behalf)
 * create, edit, attach evidence and submit; reviewers verify, return, reject and select.
 * Reads go through the caller's data scope; every step is in the record's transitions.
 */
@ApiTags('review')
@Controller('api/review/records')
export class ReviewRecordsController {
  constructor(private readonly records: ReviewRecordsService) {}

  /** Records in the caller's scope with their workflow status, e.g. `?status=SUBMITTED` (the review queue). */
  @Get()
  @AuditedRead('activity_record')
  @RequirePermission('students.read')
  list(@Query() query: ListReviewRecordsQueryDto, @CurrentActor() actor: Actor): Promise<Page<ReviewRecordResponse>> {
    return this.records.list(actor.readScope, query);
  }

  @Get(':id')
  @AuditedRead('activity_record')
  @RequirePermission('students.read')
  get(@Param('id', uuid) id: string, @CurrentActor() actor: Actor): Promise<ReviewRecordResponse> {
    return this.records.get(actor.readScope, id);
  }

  /** Every step, oldest first: action, from → to, who (user and role), when, remark. */
  @Get(':id/transitions')
  @AuditedRead('activity_record')
  @RequirePermission('students.read')
  history(@Param('id', uuid) id: string, @CurrentActor() actor: Actor): Promise<{ recordId: string; items: TransitionResponse[] }> {
    return this.records.history(actor.readScope, id);
  }

  /** A new DRAFT: a student's own (records.submit) or, by a teacher, for a student of their class (records.onbehalf; flagged, needs the student's confirmation). */
  @Post()
  create(@Body() dto: CreateReviewRecordDto, @CurrentActor() actor: Actor): Promise<ReviewRecordResponse> {
    return this.records.create(actor, dto);
  }

  /** Edit a DRAFT or RETURNED record (the old values are kept as a version). */
  @Patch(':id')
  update(@Param('id', uuid) id: string, @Body() dto: UpdateReviewRecordDto, @CurrentActor() actor: Actor): Promise<ReviewRecordResponse> {
    return this.records.update(actor, id, dto);
  }

  /** Attach evidence to a DRAFT or RETURNED record (multipart field `file`): 201 new, 200 already attached. */
  @Post(':id/evidence')
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' }, capturedAt: { type: 'string', format: 'date-time' } } } })
  @UseInterceptors(FileInterceptor('file'))
  async attach(
    @Param('id', uuid) id: string,
    @Body() body: AttachReviewEvidenceDto,
    @UploadedFile() file: { originalname: string; buffer: Buffer } | undefined,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) response: Response,
  ): Promise<EvidenceResponse> {
    if (!file) throw new ReviewError('INVALID_RECORD', 'attach the file as multipart/form-data field "file"', '请以multipart/form-data的file字段上传文件');
    const originalName = Buffer.from(file.originalname, 'latin1').toString('utf8');
    const { evidence, created } = await this.records.attachEvidence(actor, id, { bytes: file.buffer, originalName }, body.capturedAt ?? null);
    response.status(created ? 201 : 200);
    return evidence;
  }

  /** DRAFT | RETURNED → SUBMITTED; runs the integrity checks (flags never block). */
  @Post(':id/submit')
  submit(@Param('id', uuid) id: string, @CurrentActor() actor: Actor): Promise<ReviewRecordResponse> {
    return this.records.submit(actor, id);
  }

  /** The student confirms a record a teacher entered on their behalf. */
  @Post(':id/confirm')
  @RequirePermission('records.submit')
  confirm(@Param('id', uuid) id: string, @CurrentActor() actor: Actor): Promise<ReviewRecordResponse> {
    return this.records.confirmByStudent(actor, id);
  }

  @Post(':id/verify')
  @RequirePermission('records.review')
  verify(@Param('id', uuid) id: string, @Body() dto: RemarkDto, @CurrentActor() actor: Actor): Promise<ReviewRecordResponse> {
    return this.records.review(actor, id, 'verify', dto.remark ?? null);
  }

  /** Back to the author with a remark (required). */
  @Post(':id/return')
  @RequirePermission('records.review')
  returnRecord(@Param('id', uuid) id: string, @Body() dto: RemarkDto, @CurrentActor() actor: Actor): Promise<ReviewRecordResponse> {
    return this.records.review(actor, id, 'return', dto.remark ?? null);
  }

  /** Not accepted, with a reason (required); the student may appeal. */
  @Post(':id/reject')
  @RequirePermission('records.review')
  reject(@Param('id', uuid) id: string, @Body() dto: RemarkDto, @CurrentActor() actor: Actor): Promise<ReviewRecordResponse> {
    return this.records.review(actor, id, 'reject', dto.remark ?? null);
  }

  /** Term-end 遴选: VERIFIED → SELECTED, within the per-dimension cap. */
  @Post(':id/select')
  @RequirePermission('records.review')
  select(@Param('id', uuid) id: string, @Body() dto: RemarkDto, @CurrentActor() actor: Actor): Promise<ReviewRecordResponse> {
    return this.records.review(actor, id, 'select', dto.remark ?? null);
  }
}
