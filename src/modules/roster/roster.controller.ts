import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ParseIdPipe } from '../../common/http/parse-id.pipe';
import { ApiTags } from '@nestjs/swagger';
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
  toStudentResponse,
  toTermResponse,
} from './roster.mapper';
import { RosterService } from './roster.service';

const uuid = new ParseIdPipe();

function mapPage<T, R>(page: Page<T>, map: (item: T) => R): Page<R> {
  return { ...page, items: page.items.map(map) };
}

@ApiTags('roster')
@Controller('api/regions')
export class RegionsController {
  constructor(private readonly roster: RosterService) {}

  @Post()
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
  async update(@Param('id', uuid) id: string, @Body() dto: UpdateRegionDto): Promise<RegionResponse> {
    return toRegionResponse(await this.roster.updateRegion(id, dto));
  }
}

@ApiTags('roster')
@Controller('api/schools')
export class SchoolsController {
  constructor(private readonly roster: RosterService) {}

  @Post()
  async create(@Body() dto: CreateSchoolDto): Promise<SchoolResponse> {
    return toSchoolResponse(await this.roster.createSchool(dto));
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
  async update(@Param('id', uuid) id: string, @Body() dto: UpdateSchoolDto): Promise<SchoolResponse> {
    return toSchoolResponse(await this.roster.updateSchool(id, dto));
  }
}

@ApiTags('roster')
@Controller('api/terms')
export class TermsController {
  constructor(private readonly roster: RosterService) {}

  @Post()
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
  async update(@Param('id', uuid) id: string, @Body() dto: UpdateTermDto): Promise<TermResponse> {
    return toTermResponse(await this.roster.updateTerm(id, dto));
  }
}

@ApiTags('roster')
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
@Controller('api/classes')
export class ClassesController {
  constructor(private readonly roster: RosterService) {}

  @Post()
  async create(@Body() dto: CreateClassDto): Promise<ClassResponse> {
    return toClassResponse(await this.roster.createClass(dto));
  }

  @Get()
  async list(@Query() query: ListClassesQueryDto): Promise<Page<ClassResponse>> {
    return mapPage(await this.roster.listClasses(query), toClassResponse);
  }

  @Get(':id')
  async get(@Param('id', uuid) id: string): Promise<ClassResponse> {
    return toClassResponse(await this.roster.getClass(id));
  }

  @Patch(':id')
  async update(@Param('id', uuid) id: string, @Body() dto: UpdateClassDto): Promise<ClassResponse> {
    return toClassResponse(await this.roster.updateClass(id, dto));
  }
}

@ApiTags('roster')
@Controller('api/students')
export class StudentsController {
  constructor(private readonly roster: RosterService) {}

  @Post()
  async create(@Body() dto: CreateStudentDto): Promise<StudentResponse> {
    return toStudentResponse(await this.roster.createStudent(dto));
  }

  @Get()
  async list(@Query() query: ListStudentsQueryDto): Promise<Page<StudentResponse>> {
    return mapPage(await this.roster.listStudents(query), toStudentResponse);
  }

  @Get(':id')
  async get(@Param('id', uuid) id: string): Promise<StudentResponse> {
    return toStudentResponse(await this.roster.getStudent(id));
  }

  @Patch(':id')
  async update(@Param('id', uuid) id: string, @Body() dto: UpdateStudentDto): Promise<StudentResponse> {
    return toStudentResponse(await this.roster.updateStudent(id, dto));
  }
}

@ApiTags('roster')
@Controller('api/enrolments')
export class EnrolmentsController {
  constructor(private readonly roster: RosterService) {}

  @Post()
  async create(@Body() dto: CreateEnrolmentDto): Promise<EnrolmentResponse> {
    return toEnrolmentResponse(await this.roster.createEnrolment(dto));
  }

  @Get()
  async list(@Query() query: ListEnrolmentsQueryDto): Promise<Page<EnrolmentResponse>> {
    return mapPage(await this.roster.listEnrolments(query), toEnrolmentResponse);
  }

  @Get(':id')
  async get(@Param('id', uuid) id: string): Promise<EnrolmentResponse> {
    return toEnrolmentResponse(await this.roster.getEnrolment(id));
  }

  @Patch(':id')
  async update(@Param('id', uuid) id: string, @Body() dto: UpdateEnrolmentDto): Promise<EnrolmentResponse> {
    return toEnrolmentResponse(await this.roster.updateEnrolment(id, dto));
  }
}
