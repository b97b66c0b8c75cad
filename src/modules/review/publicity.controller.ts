import { Body, Controller, Delete, Get, Param, Post, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Page } from '../../common/http/pagination';
import { ParseIdPipe } from '../../common/http/parse-id.pipe';
import type { Actor } from '../auth/actor';
import { AuditedRead, CurrentActor, RequirePermission } from '../auth/auth.decorators';
import { CalendarService, type HolidayResponse } from './calendar.service';
import {
  CreateObjectionDto,
  CreatePublicityBatchDto,
  DecideObjectionDto,
  HolidayDto,
  ListBatchesQueryDto,
  ListHolidaysQueryDto,
  ListObjectionsQueryDto,
  type ObjectionResponse,
  type PublicityBatchResponse,
  type PublicityLine,
  WorkingDaysQueryDto,
} from './dto/publicity.dto';
import { PublicityService } from './publicity.service';
import { ReviewError } from './review.errors';

const uuid = new ParseIdPipe();

/** Publicity batches (公示): created and closed by the school; seen (redacted) and objected to by their audience. */
@ApiTags('review')
@Controller('api/review/publicity-batches')
export class PublicityController {
  constructor(private readonly publicity: PublicityService) {}

  /** Puts the audience's SELECTED records of the term on show for the working-day window. */
  @Post()
  @RequirePermission('publicity.manage')
  create(@Body() dto: CreatePublicityBatchDto, @CurrentActor() actor: Actor): Promise<PublicityBatchResponse> {
    return this.publicity.create(actor, dto);
  }

  /** Batches whose audience the caller belongs to (students and guardians of it, its teachers, its school). */
  @Get()
  @RequirePermission('students.read')
  list(@Query() query: ListBatchesQueryDto, @CurrentActor() actor: Actor): Promise<Page<PublicityBatchResponse>> {
    return this.publicity.list(actor, query);
  }

  @Get(':id')
  @RequirePermission('students.read')
  get(@Param('id', uuid) id: string, @CurrentActor() actor: Actor): Promise<PublicityBatchResponse> {
    return this.publicity.get(actor, id);
  }

  /** The redacted list: name, class, title, dates, hours, level, role — never scores, ranks, ID numbers or 学籍号. */
  @Get(':id/records')
  @AuditedRead('publicity')
  @RequirePermission('students.read')
  view(@Param('id', uuid) id: string, @CurrentActor() actor: Actor): Promise<{ batch: PublicityBatchResponse; items: PublicityLine[] }> {
    return this.publicity.view(actor, id);
  }

  /** 异议 during the window, by a student, guardian or teacher of the audience. */
  @Post(':id/objections')
  @RequirePermission('publicity.object')
  object(@Param('id', uuid) id: string, @Body() dto: CreateObjectionDto, @CurrentActor() actor: Actor): Promise<ObjectionResponse> {
    return this.publicity.object(actor, id, dto);
  }

  /** After the window: records still in publicity pass and are confirmed (409 before it closes). */
  @Post(':id/close')
  @RequirePermission('publicity.manage')
  close(@Param('id', uuid) id: string, @CurrentActor() actor: Actor): Promise<PublicityBatchResponse & { confirmedNow: number }> {
    return this.publicity.close(actor, id);
  }
}

/** Objections under investigation: the school sees who objected and decides. */
@ApiTags('review')
@Controller('api/review/objections')
export class ObjectionsController {
  constructor(private readonly publicity: PublicityService) {}

  @Get()
  @AuditedRead('publicity')
  @RequirePermission('publicity.manage')
  list(@Query() query: ListObjectionsQueryDto, @CurrentActor() actor: Actor): Promise<Page<ObjectionResponse>> {
    return this.publicity.listObjections(actor, query);
  }

  /** upheld: the record is revoked; dismissed: it returns to publicity (if no other objection is open). */
  @Post(':id/decision')
  @RequirePermission('publicity.manage')
  decide(@Param('id', uuid) id: string, @Body() dto: DecideObjectionDto, @CurrentActor() actor: Actor): Promise<ObjectionResponse> {
    return this.publicity.decideObjection(actor, id, dto.outcome, dto.remark);
  }
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The working-day calendar: holidays and 调休 make-up days (city administrator), and a window calculator for everyone. */
@ApiTags('review')
@Controller('api/review')
export class CalendarController {
  constructor(private readonly calendar: CalendarService) {}

  @Get('holidays')
  list(@Query() query: ListHolidaysQueryDto): Promise<HolidayResponse[]> {
    return this.calendar.list(query.year);
  }

  @Put('holidays/:date')
  @RequirePermission('regions.write')
  put(@Param('date') date: string, @Body() dto: HolidayDto, @CurrentActor() actor: Actor): Promise<HolidayResponse> {
    if (!DATE.test(date)) throw new ReviewError('INVALID_SETTINGS', 'the date must look like 2025-01-01', '日期格式应为2025-01-01');
    return this.calendar.put(actor.userId, date, dto);
  }

  @Delete('holidays/:date')
  @RequirePermission('regions.write')
  remove(@Param('date') date: string): Promise<HolidayResponse> {
    if (!DATE.test(date)) throw new ReviewError('INVALID_SETTINGS', 'the date must look like 2025-01-01', '日期格式应为2025-01-01');
    return this.calendar.remove(date);
  }

  /** `?start=2024-12-27&days=5` → the window's first and last working day and when it closes. */
  @Get('working-days')
  workingDays(@Query() query: WorkingDaysQueryDto) {
    return this.calendar.preview(query.start, query.days);
  }
}
