import { Body, Controller, Get, Param, Post, Put, Query, Res, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Page } from '../../common/http/pagination';
import { ParseIdPipe } from '../../common/http/parse-id.pipe';
import type { Actor } from '../auth/actor';
import { CurrentActor, RequirePermission, AuditedRead } from '../auth/auth.decorators';
import { CatalogueService } from './catalogue.service';
import { CreateIndicatorDto, type IndicatorResponse, ListIndicatorsQueryDto, toIndicatorResponse } from './dto/indicator.dto';
import {
  type ActivityRecordResponse,
  AttachEvidenceDto,
  CreateTermRecordDto,
  type EvidenceResponse,
  ListActivityRecordsQueryDto,
  ListTermRecordsQueryDto,
  type RecordHistoryResponse,
  type TermRecordResponse,
  UpdateTermRecordDto,
} from './dto/record.dto';
import { EvidenceService } from './evidence/evidence.service';
import { IntakeError } from './intake.errors';
import { RecordsService } from './records.service';
import { TermRecordEntryService } from './term-record-entry.service';

const uuid = new ParseIdPipe();

/** The indicator catalogue: anyone signed in reads it; city administrators (regions.write: city-wide reference data) add and retire. */
@ApiTags('intake')
@Controller('api/indicators')
export class IndicatorsController {
  constructor(private readonly catalogue: CatalogueService) {}

  @Get()
  async list(@Query() query: ListIndicatorsQueryDto): Promise<{ items: IndicatorResponse[] }> {
    return { items: (await this.catalogue.list(query)).map(toIndicatorResponse) };
  }

  @Get(':id')
  async get(@Param('id', uuid) id: string): Promise<IndicatorResponse> {
    return toIndicatorResponse(await this.catalogue.get(id));
  }

  @Post()
  @RequirePermission('regions.write')
  async create(@Body() dto: CreateIndicatorDto): Promise<IndicatorResponse> {
    return toIndicatorResponse(await this.catalogue.create(dto));
  }

  /** Retire: no new values; existing records and their history stay. */
  @Post(':id/retire')
  @RequirePermission('regions.write')
  async retire(@Param('id', uuid) id: string): Promise<IndicatorResponse> {
    return toIndicatorResponse(await this.catalogue.retire(id));
  }
}

/**
 * Term records (one value per student × term × indicator × occasion), read through the caller's
 * scope; one value entered or corrected at a time by teachers (their classes) and school
 * administrators (their school) with the import's rules and versioning (ADR 0512).
 */
@ApiTags('intake')
@Controller('api/term-records')
export class TermRecordsController {
  constructor(
    private readonly records: RecordsService,
    private readonly entry: TermRecordEntryService,
  ) {}

  /**
   * Enter one value: 201 with the record. 400 VALIDATION_FAILED (details per field, the import's
   * codes), 404 for a student outside the caller's scope, 409 RECORD_EXISTS (with its id: correct
   * it with PUT) or RETEST_ALREADY_RECORDED.
   */
  @Post()
  @RequirePermission('records.enter')
  create(@Body() dto: CreateTermRecordDto, @CurrentActor() actor: Actor): Promise<TermRecordResponse> {
    return this.entry.create(actor.scopeFor('records.enter'), actor.userId, dto);
  }

  /** Correct a value: a changed value becomes a new version (the old one kept with who set it and when); the same value changes nothing. */
  @Put(':id')
  @RequirePermission('records.enter')
  update(@Param('id', uuid) id: string, @Body() dto: UpdateTermRecordDto, @CurrentActor() actor: Actor): Promise<TermRecordResponse> {
    return this.entry.update(actor.scopeFor('records.enter'), actor.userId, id, dto);
  }

  @Get()
  @AuditedRead('term_record')
  @RequirePermission('students.read')
  list(@Query() query: ListTermRecordsQueryDto, @CurrentActor() actor: Actor): Promise<Page<TermRecordResponse>> {
    return this.records.listTermRecords(actor.readScope, query);
  }

  @Get(':id')
  @AuditedRead('term_record')
  @RequirePermission('students.read')
  get(@Param('id', uuid) id: string, @CurrentActor() actor: Actor): Promise<TermRecordResponse> {
    return this.records.getTermRecord(actor.readScope, id);
  }

  /** Every version, oldest first, the current one last: values, who set them, when. */
  @Get(':id/history')
  @AuditedRead('term_record')
  @RequirePermission('students.read')
  history(@Param('id', uuid) id: string, @CurrentActor() actor: Actor): Promise<RecordHistoryResponse> {
    return this.records.termRecordHistory(actor.readScope, id);
  }
}

/** 写实记录 and their evidence files. */
@ApiTags('intake')
@Controller('api/activity-records')
export class ActivityRecordsController {
  constructor(
    private readonly records: RecordsService,
    private readonly evidence: EvidenceService,
  ) {}

  @Get()
  @AuditedRead('activity_record')
  @RequirePermission('students.read')
  list(@Query() query: ListActivityRecordsQueryDto, @CurrentActor() actor: Actor): Promise<Page<ActivityRecordResponse>> {
    return this.records.listActivityRecords(actor.readScope, query);
  }

  @Get(':id')
  @AuditedRead('activity_record')
  @RequirePermission('students.read')
  get(@Param('id', uuid) id: string, @CurrentActor() actor: Actor): Promise<ActivityRecordResponse> {
    return this.records.getActivityRecord(actor.readScope, id);
  }

  @Get(':id/history')
  @AuditedRead('activity_record')
  @RequirePermission('students.read')
  history(@Param('id', uuid) id: string, @CurrentActor() actor: Actor): Promise<RecordHistoryResponse> {
    return this.records.activityRecordHistory(actor.readScope, id);
  }

  @Get(':id/evidence')
  @AuditedRead('activity_record')
  @RequirePermission('students.read')
  async listEvidence(@Param('id', uuid) id: string, @CurrentActor() actor: Actor): Promise<{ items: EvidenceResponse[] }> {
    return { items: await this.evidence.list(actor.readScope, id) };
  }

  /** Attach a photo/scan/video (multipart field `file`, optional `capturedAt`): 201 new, 200 when this record already has the same file. */
  @Post(':id/evidence')
  @RequirePermission('students.write')
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' }, capturedAt: { type: 'string', format: 'date-time' } } } })
  @UseInterceptors(FileInterceptor('file'))
  async attach(
    @Param('id', uuid) id: string,
    @Body() body: AttachEvidenceDto,
    @UploadedFile() file: { originalname: string; buffer: Buffer } | undefined,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) response: Response,
  ): Promise<EvidenceResponse> {
    if (!file) throw new IntakeError('FILE_REQUIRED', 'attach the file as multipart/form-data field "file"', '请以multipart/form-data的file字段上传文件');
    const originalName = Buffer.from(file.originalname, 'latin1').toString('utf8');
    const { evidence, created } = await this.evidence.attach(actor.scopeFor('students.write'), actor.userId, id, { bytes: file.buffer, originalName }, body.capturedAt ?? null);
    response.status(created ? 201 : 200);
    return evidence;
  }
}

@ApiTags('intake')
@Controller('api/evidence')
export class EvidenceController {
  constructor(private readonly evidence: EvidenceService) {}

  /** The file itself, with the media type found from its content. */
  @Get(':id/content')
  @AuditedRead('evidence')
  @RequirePermission('students.read')
  async content(@Param('id', uuid) id: string, @CurrentActor() actor: Actor, @Res() response: Response): Promise<void> {
    const { evidence, content } = await this.evidence.open(actor.readScope, id);
    response.status(200).type(evidence.mediaType).setHeader('Content-Length', String(evidence.sizeBytes));
    response.setHeader('Content-Disposition', `inline; filename*=UTF-8''${encodeURIComponent(evidence.originalName)}`);
    response.setHeader('X-Content-Type-Options', 'nosniff');
    content.pipe(response);
  }
}
