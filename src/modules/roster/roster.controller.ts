import { Body, Controller, Get, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ParseIdPipe } from '../../common/http/parse-id.pipe';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import type { Actor } from '../auth/actor';
import { AuditedRead, CurrentActor, RequirePermission } from '../auth/auth.decorators';
import type { Page } from '../../common/http/pagination';
import { CreateClassDto, ListClassesQueryDto, UpdateClassDto, type ClassResponse } from './dto/class.dto';
import { CreateEnrolmentDto, ListEnrolmentsQueryDto, UpdateEnrolmentDto, type EnrolmentResponse } from './dto/enrolment.dto';
import { CreateRegionDto, ListRegionsQueryDto, UpdateRegionDto, type RegionResponse } from './dto/region.dto';
import { CreateSchoolDto, ListSchoolsQueryDto, UpdateSchoolDto, type SchoolResponse } from './dto/school.dto';
import { CreateStudentDto, ListStudentsQueryDto, UpdateStudentDto, type StudentResponse } from './dto/student.dto';
import { CreateTermDto, ListTermsQueryDto, UpdateTermDto, type TermResponse } from './dto/term.dto';
import {
  toClassResponse,
  toEnrolmentResponse,
  toRegionResponse,
  toSchoolResponse,
  toTermResponse,
} from './roster.mapper';
import { RosterService } from './roster.service';

const uuid = new ParseIdPipe();

function mapPage<T, R>(page: Page<T>, map: (item: T) => R): Page<R> {
  return { ...page, items: page.items.map(map) };
}

@ApiTags('roster')
@ApiBearerAuth()
@Controller('api/regions')
export class RegionsController {
  constructor(private readonly roster: RosterService) {}

  @Post()
  @RequirePermission('regions.write')
  async create(@Body() dto: CreateRegionDto): Promise<RegionResponse> {
    return toRegionResponse(await this.roster.createRegion(dto));
  }

  @Get()
  async list(@Query() query: ListRegionsQueryDto): Promise<Page<RegionResponse>> {
    return mapPage(await this.roster.listRegions(query), toRegionResponse);
  }

  @Get(':id')
  async get(@Param('id', uuid) id: string): Promise<RegionResponse> {
    return toRegionResponse(await this.roster.getRegion(id));
  }

  @Patch(':id')
  @RequirePermission('regions.write')
  async update(@Param('id', uuid) id: string, @Body() dto: UpdateRegionDto): Promise<RegionResponse> {
    return toRegionResponse(await this.roster.updateRegion(id, dto));
  }
}

@ApiTags('roster')
@ApiBearerAuth()
@Controller('api/schools')
export class SchoolsController {
  constructor(private readonly roster: RosterService) {}

  @Post()
  @RequirePermission('schools.write')
  async create(@Body() dto: CreateSchoolDto, @CurrentActor() actor: Actor): Promise<SchoolResponse> {
    return toSchoolResponse(await this.roster.createSchool(dto, actor));
  }

  @Get()
  async list(@Query() query: ListSchoolsQueryDto): Promise<Page<SchoolResponse>> {
    return mapPage(await this.roster.listSchools(query), toSchoolResponse);
  }

  @Get(':id')
  async get(@Param('id', uuid) id: string): Promise<SchoolResponse> {
    return toSchoolResponse(await this.roster.getSchool(id));
  }

  @Patch(':id')
  @RequirePermission('schools.write')
  async update(@Param('id', uuid) id: string, @Body() dto: UpdateSchoolDto, @CurrentActor() actor: Actor): Promise<SchoolResponse> {
    return toSchoolResponse(await this.roster.updateSchool(id, dto, actor));
  }
}

@ApiTags('roster')
@ApiBearerAuth()
@Controller('api/terms')
export class TermsController {
  constructor(private readonly roster: RosterService) {}

  @Post()
  @RequirePermission('regions.write')
  async create(@Body() dto: CreateTermDto): Promise<TermResponse> {
    return toTermResponse(await this.roster.createTerm(dto));
  }

  @Get()
  async list(@Query() query: ListTermsQueryDto): Promise<Page<TermResponse>> {
    return mapPage(await this.roster.listTerms(query), toTermResponse);
  }

  @Get(':id')
  async get(@Param('id', uuid) id: string): Promise<TermResponse> {
    return toTermResponse(await this.roster.getTerm(id));
  }

  @Patch(':id')
  @RequirePermission('regions.write')
  async update(@Param('id', uuid) id: string, @Body() dto: UpdateTermDto): Promise<TermResponse> {
    return toTermResponse(await this.roster.updateTerm(id, dto));
  }
}

@ApiTags('roster')
@ApiBearerAuth()
@Controller('api/grades')
export class GradesController {
  constructor(private readonly roster: RosterService) {}

  @Get()
  async list(): Promise<{ items: { code: string; nameZh: string; nameEn: string; stage: string; ordinal: number }[] }> {
    const grades = await this.roster.listGrades();
    return { items: grades.map((g) => ({ code: g.code, nameZh: g.nameZh, nameEn: g.nameEn, stage: g.stage, ordinal: g.ordinal })) };
  }
}

@ApiTags('roster')
@ApiBearerAuth()
@Controller('api/classes')
export class ClassesController {
  constructor(private readonly roster: RosterService) {}

  @Post()
  @RequirePermission('classes.write')
  async create(@Body() dto: CreateClassDto, @CurrentActor() actor: Actor): Promise<ClassResponse> {
    return toClassResponse(await this.roster.createClass(dto, actor));
  }

  @Get()
  async list(@Query() query: ListClassesQueryDto, @CurrentActor() actor: Actor): Promise<Page<ClassResponse>> {
    return mapPage(await this.roster.listClasses(query, actor), toClassResponse);
  }

  @Get(':id')
  async get(@Param('id', uuid) id: string, @CurrentActor() actor: Actor): Promise<ClassResponse> {
    return toClassResponse(await this.roster.getClass(id, actor));
  }

  @Patch(':id')
  @RequirePermission('classes.write')
  async update(@Param('id', uuid) id: string, @Body() dto: UpdateClassDto, @CurrentActor() actor: Actor): Promise<ClassResponse> {
    return toClassResponse(await this.roster.updateClass(id, dto, actor));
  }
}

@ApiTags('roster')
@ApiBearerAuth()
@Controller('api/students')
export class StudentsController {
  constructor(private readonly roster: RosterService) {}

  @Post()
  @RequirePermission('students.write')
  create(@Body() dto: CreateStudentDto, @CurrentActor() actor: Actor, @Req() request: Request): Promise<StudentResponse> {
    return this.roster.createStudent(dto, actor, request);
  }

  @Get()
  @RequirePermission('students.read')
  @AuditedRead('student')
  list(@Query() query: ListStudentsQueryDto, @CurrentActor() actor: Actor, @Req() request: Request): Promise<Page<StudentResponse>> {
    return this.roster.listStudents(query, actor, request);
  }

  @Get(':id')
  @RequirePermission('students.read')
  @AuditedRead('student')
  get(@Param('id', uuid) id: string, @CurrentActor() actor: Actor, @Req() request: Request): Promise<StudentResponse> {
    return this.roster.getStudent(id, actor, request);
  }

  @Patch(':id')
  @RequirePermission('students.write')
  update(@Param('id', uuid) id: string, @Body() dto: UpdateStudentDto, @CurrentActor() actor: Actor, @Req() request: Request): Promise<StudentResponse> {
    return this.roster.updateStudent(id, dto, actor, request);
  }
}

@ApiTags('roster')
@ApiBearerAuth()
@Controller('api/enrolments')
export class EnrolmentsController {
  constructor(private readonly roster: RosterService) {}

  @Post()
  @RequirePermission('enrolments.write')
  async create(@Body() dto: CreateEnrolmentDto, @CurrentActor() actor: Actor): Promise<EnrolmentResponse> {
    return toEnrolmentResponse(await this.roster.createEnrolment(dto, actor));
  }

  @Get()
  @RequirePermission('students.read')
  @AuditedRead('enrolment')
  async list(@Query() query: ListEnrolmentsQueryDto, @CurrentActor() actor: Actor): Promise<Page<EnrolmentResponse>> {
    return mapPage(await this.roster.listEnrolments(query, actor), toEnrolmentResponse);
  }

  @Get(':id')
  @RequirePermission('students.read')
  @AuditedRead('enrolment')
  async get(@Param('id', uuid) id: string, @CurrentActor() actor: Actor): Promise<EnrolmentResponse> {
    return toEnrolmentResponse(await this.roster.getEnrolment(id, actor));
  }

  @Patch(':id')
  @RequirePermission('enrolments.write')
  async update(@Param('id', uuid) id: string, @Body() dto: UpdateEnrolmentDto, @CurrentActor() actor: Actor): Promise<EnrolmentResponse> {
    return toEnrolmentResponse(await this.roster.updateEnrolment(id, dto, actor));
  }
}
