import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, type FindOptionsWhere, ILike } from 'typeorm';
import type { Request } from 'express';
import { DomainError, NotFoundError } from '../../common/errors/domain-error';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { isRegionInScope, isSchoolInScope, whereClassInScope, whereStudentInScope } from '../auth/data-scope';
import { type Page, pageWindow } from '../../common/http/pagination';
import type { CreateClassDto, ListClassesQueryDto, UpdateClassDto } from './dto/class.dto';
import type { CreateEnrolmentDto, ListEnrolmentsQueryDto, UpdateEnrolmentDto } from './dto/enrolment.dto';
import type { CreateRegionDto, ListRegionsQueryDto, UpdateRegionDto } from './dto/region.dto';
import type { CreateSchoolDto, ListSchoolsQueryDto, UpdateSchoolDto } from './dto/school.dto';
import type { CreateStudentDto, ListStudentsQueryDto, UpdateStudentDto } from './dto/student.dto';
import type { CreateTermDto, ListTermsQueryDto, UpdateTermDto } from './dto/term.dto';
import { Enrolment } from './entities/enrolment.entity';
import { Grade } from './entities/grade.entity';
import { Region } from './entities/region.entity';
import { SchoolClass } from './entities/school-class.entity';
import { School } from './entities/school.entity';
import { Student } from './entities/student.entity';
import { Term } from './entities/term.entity';
import { isUniqueViolation, RosterError } from './roster.errors';
import { toStudentResponse } from './roster.mapper';
import type { StudentResponse } from './dto/student.dto';
import { maskStudentNumber } from './student-number-mask';
import { studentFieldProblems } from './student-rules';

/** A write aimed at something outside the caller's scope (the target itself is visible, e.g. a school). */
export class OutOfScopeError extends DomainError {
  constructor(what: string, whatZh: string) {
    super('OUT_OF_SCOPE', 403, `you may not change ${what} outside your scope`, `无权修改您权限范围以外的${whatZh}`, []);
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Use cases of the school roster: regions, schools, terms, grades, classes, students and
 * enrolments. Rules live here (codes unique, references exist, 学籍号 valid and consistent);
 * controllers only parse and map.
 */
@Injectable()
export class RosterService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  private async saveUnique<T extends object>(work: () => Promise<T>, onDuplicate: () => RosterError): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isUniqueViolation(error)) throw onDuplicate();
      throw error;
    }
  }

  private async page<T extends object, R>(
    entity: new () => T,
    where: FindOptionsWhere<T> | FindOptionsWhere<T>[],
    order: Record<string, 'ASC' | 'DESC'>,
    query: { page?: number; pageSize?: number },
    map: (entity: T) => R,
  ): Promise<Page<R>> {
    const { page, pageSize, skip, take } = pageWindow(query);
    const [rows, total] = await this.dataSource.getRepository(entity).findAndCount({ where, order: order as never, skip, take });
    return { items: rows.map(map), page, pageSize, total };
  }

  private async mustExist<T extends object>(entity: new () => T, id: string, what: string, whatZh: string, manager?: EntityManager): Promise<T> {
    const found = await (manager ?? this.dataSource.manager).findOne(entity, { where: { id } as unknown as FindOptionsWhere<T> });
    if (!found) throw new NotFoundError(what, whatZh, id);
    return found;
  }

  private async reference<T extends object>(entity: new () => T, id: string, field: string, manager?: EntityManager): Promise<T> {
    const found = await (manager ?? this.dataSource.manager).findOne(entity, { where: { id } as unknown as FindOptionsWhere<T> });
    if (!found) {
      throw new RosterError('UNKNOWN_REFERENCE', `${field} ${id} does not exist`, `${field} ${id} 不存在`, [
        { field, code: 'UNKNOWN_REFERENCE', message: `${field} does not exist`, value: id },
      ]);
    }
    return found;
  }

  // ── regions ──────────────────────────────────────────────────────────────────────────
  async createRegion(dto: CreateRegionDto): Promise<Region> {
    if (dto.level === 'district' || dto.parentId) {
      if (!dto.parentId) throw new RosterError('INVALID_REGION', 'a district needs its parent city (parentId)', '区县须指定所属的市（parentId）');
      const parent = await this.reference(Region, dto.parentId, 'parentId');
      const expectedParentLevel = dto.level === 'district' ? 'city' : dto.level === 'city' ? 'province' : undefined;
      if (parent.level !== expectedParentLevel) {
        throw new RosterError('INVALID_REGION', `a ${dto.level} cannot sit under a ${parent.level}`, '行政区划层级不正确');
      }
      const prefixLength = dto.level === 'district' ? 4 : 2;
      if (parent.code.slice(0, prefixLength) !== dto.code.slice(0, prefixLength)) {
        throw new RosterError('INVALID_REGION', `GB/T 2260 code ${dto.code} does not belong under ${parent.code}`, `区划代码${dto.code}不属于${parent.code}`);
      }
    }
    const repository = this.dataSource.getRepository(Region);
    return this.saveUnique(
      () => repository.save(repository.create({ code: dto.code, name: dto.name, level: dto.level, parentId: dto.parentId ?? null })),
      () => new RosterError('DUPLICATE_CODE', `region code ${dto.code} exists already`, `区划代码${dto.code}已存在`),
    );
  }

  listRegions(query: ListRegionsQueryDto) {
    const where: FindOptionsWhere<Region> = stripUndefined({ level: query.level, parentId: query.parentId });
    return this.page(Region, where, { code: 'ASC' }, query, (r) => r);
  }

  getRegion(id: string): Promise<Region> {
    return this.mustExist(Region, id, 'region', '行政区划');
  }

  async updateRegion(id: string, dto: UpdateRegionDto): Promise<Region> {
    const region = await this.getRegion(id);
    Object.assign(region, stripUndefined(dto));
    return this.dataSource.getRepository(Region).save(region);
  }

  // ── schools ──────────────────────────────────────────────────────────────────────────
  async createSchool(dto: CreateSchoolDto, actor: Actor): Promise<School> {
    await this.reference(Region, dto.regionId, 'regionId');
    if (!isRegionInScope(actor.scopeFor('schools.write'), dto.regionId)) throw new OutOfScopeError('schools', '学校');
    const repository = this.dataSource.getRepository(School);
    return this.saveUnique(
      () => repository.save(repository.create(dto)),
      () => new RosterError('DUPLICATE_CODE', `school code ${dto.code} exists already`, `学校标识码${dto.code}已存在`),
    );
  }

  listSchools(query: ListSchoolsQueryDto) {
    const where: FindOptionsWhere<School> = stripUndefined({
      regionId: query.regionId,
      stage: query.stage,
      name: query.q ? ILike(`%${query.q.replace(/[%_\\]/g, '\\$&')}%`) : undefined,
    });
    return this.page(School, where, { code: 'ASC' }, query, (s) => s);
  }

  getSchool(id: string): Promise<School> {
    return this.mustExist(School, id, 'school', '学校');
  }

  async updateSchool(id: string, dto: UpdateSchoolDto, actor: Actor): Promise<School> {
    const school = await this.getSchool(id);
    const scope = actor.scopeFor('schools.write');
    if (!isRegionInScope(scope, school.regionId)) throw new NotFoundError('school', '学校', id);
    if (dto.regionId) {
      await this.reference(Region, dto.regionId, 'regionId');
      if (!isRegionInScope(scope, dto.regionId)) throw new OutOfScopeError('schools', '学校');
    }
    Object.assign(school, stripUndefined(dto));
    return this.dataSource.getRepository(School).save(school);
  }

  // ── terms ────────────────────────────────────────────────────────────────────────────
  private checkTerm(code: string, startDate: string, endDate: string): { schoolYear: string; termNumber: number } {
    const [first, second, termNumber] = code.split('-').map(Number);
    if (second !== first + 1) {
      throw new RosterError('INVALID_TERM', `${code}: a school year spans two consecutive years (e.g. 2024-2025)`, `${code}：学年应为相邻两年，如2024-2025`);
    }
    if (startDate >= endDate) {
      throw new RosterError('INVALID_TERM', 'startDate must be before endDate', '学期开始日期应早于结束日期', [
        { field: 'endDate', code: 'DATES_INVERTED', message: 'endDate must be after startDate', value: endDate },
      ]);
    }
    const startYear = Number(startDate.slice(0, 4));
    if (startYear !== first && startYear !== second) {
      throw new RosterError('INVALID_TERM', `term ${code} cannot start in ${startYear}`, `学期${code}不能开始于${startYear}年`, [
        { field: 'startDate', code: 'OUTSIDE_SCHOOL_YEAR', message: 'startDate lies outside the school year', value: startDate },
      ]);
    }
    return { schoolYear: `${first}-${second}`, termNumber };
  }

  async createTerm(dto: CreateTermDto): Promise<Term> {
    const { schoolYear, termNumber } = this.checkTerm(dto.code, dto.startDate, dto.endDate);
    const repository = this.dataSource.getRepository(Term);
    return this.saveUnique(
      () => repository.save(repository.create({ code: dto.code, schoolYear, termNumber, startDate: dto.startDate, endDate: dto.endDate })),
      () => new RosterError('DUPLICATE_CODE', `term ${dto.code} exists already`, `学期${dto.code}已存在`),
    );
  }

  listTerms(query: ListTermsQueryDto) {
    return this.page(Term, stripUndefined({ schoolYear: query.schoolYear }), { code: 'ASC' }, query, (t) => t);
  }

  getTerm(id: string): Promise<Term> {
    return this.mustExist(Term, id, 'term', '学期');
  }

  async updateTerm(id: string, dto: UpdateTermDto): Promise<Term> {
    const term = await this.getTerm(id);
    const startDate = dto.startDate ?? term.startDate;
    const endDate = dto.endDate ?? term.endDate;
    this.checkTerm(term.code, startDate, endDate);
    Object.assign(term, { startDate, endDate });
    return this.dataSource.getRepository(Term).save(term);
  }

  findTermByCode(code: string, manager?: EntityManager): Promise<Term | null> {
    return (manager ?? this.dataSource.manager).findOne(Term, { where: { code } });
  }

  // ── grades ───────────────────────────────────────────────────────────────────────────
  listGrades(): Promise<Grade[]> {
    return this.dataSource.getRepository(Grade).find({ order: { ordinal: 'ASC' } });
  }

  // ── classes ──────────────────────────────────────────────────────────────────────────
  async createClass(dto: CreateClassDto, actor: Actor): Promise<SchoolClass> {
    await this.reference(School, dto.schoolId, 'schoolId');
    if (!isSchoolInScope(actor.scopeFor('classes.write'), dto.schoolId)) throw new OutOfScopeError('classes', '班级');
    const repository = this.dataSource.getRepository(SchoolClass);
    return this.saveUnique(
      () => repository.save(repository.create(dto)),
      () => new RosterError('DUPLICATE_CLASS', `class ${dto.name} of ${dto.gradeCode} ${dto.schoolYear} exists already`, `班级${dto.name}已存在`),
    );
  }

  async listClasses(query: ListClassesQueryDto, actor: Actor): Promise<Page<SchoolClass>> {
    const { page, pageSize, skip, take } = pageWindow(query);
    const builder = this.dataSource.getRepository(SchoolClass).createQueryBuilder('class');
    whereClassInScope(builder, actor.readScope, { classIdColumn: 'class.id', schoolIdColumn: 'class.school_id' });
    if (query.schoolId) builder.andWhere('class.school_id = :schoolId', { schoolId: query.schoolId });
    if (query.schoolYear) builder.andWhere('class.school_year = :schoolYear', { schoolYear: query.schoolYear });
    if (query.gradeCode) builder.andWhere('class.grade_code = :gradeCode', { gradeCode: query.gradeCode });
    const [items, total] = await builder.orderBy('class.school_year', 'DESC').addOrderBy('class.grade_code', 'ASC').addOrderBy('class.name', 'ASC').skip(skip).take(take).getManyAndCount();
    return { items, page, pageSize, total };
  }

  /** A class the caller may see (read scope), or 404 as if it did not exist. */
  async getClass(id: string, actor: Actor): Promise<SchoolClass> {
    const builder = this.dataSource.getRepository(SchoolClass).createQueryBuilder('class').where('class.id = :id', { id });
    whereClassInScope(builder, actor.readScope, { classIdColumn: 'class.id', schoolIdColumn: 'class.school_id' });
    const found = await builder.getOne();
    if (!found) throw new NotFoundError('class', '班级', id);
    return found;
  }

  async updateClass(id: string, dto: UpdateClassDto, actor: Actor): Promise<SchoolClass> {
    const schoolClass = await this.mustExist(SchoolClass, id, 'class', '班级');
    if (!isSchoolInScope(actor.scopeFor('classes.write'), schoolClass.schoolId)) throw new NotFoundError('class', '班级', id);
    Object.assign(schoolClass, stripUndefined(dto));
    return this.saveUnique(
      () => this.dataSource.getRepository(SchoolClass).save(schoolClass),
      () => new RosterError('DUPLICATE_CLASS', `class ${dto.name} exists already`, `班级${dto.name}已存在`),
    );
  }

  // ── students ─────────────────────────────────────────────────────────────────────────
  private assertStudentFields(fields: { studentNumber: string; sexCode: string; birthDate: string; ethnicityCode: string }): void {
    const problems = studentFieldProblems(fields);
    if (problems.length === 0) return;
    const numberProblem = problems.some((p) => p.field === 'studentNumber');
    throw numberProblem
      ? new RosterError('INVALID_STUDENT_NUMBER', problems[0].message, problems[0].messageZh ?? '学籍号无效', problems)
      : new RosterError('CROSS_FIELD_MISMATCH', problems.map((p) => p.message).join('; '), problems.map((p) => p.messageZh).join('；'), problems);
  }

  async createStudent(dto: CreateStudentDto, actor: Actor, request?: Request): Promise<StudentResponse> {
    const studentNumber = dto.studentNumber.trim().toUpperCase();
    this.assertStudentFields({ ...dto, studentNumber });
    await this.reference(School, dto.schoolId, 'schoolId');
    if (!isSchoolInScope(actor.scopeFor('students.write'), dto.schoolId)) throw new OutOfScopeError('students', '学生');
    const repository = this.dataSource.getRepository(Student);
    const saved = await this.saveUnique(
      () => repository.save(repository.create({ ...dto, studentNumber, status: dto.status ?? 'enrolled' })),
      () => new RosterError('DUPLICATE_STUDENT_NUMBER', 'a student with this student number exists already', '该学籍号的学生已存在'),
    );
    return (await this.present([saved], actor, request))[0];
  }

  async listStudents(query: ListStudentsQueryDto, actor: Actor, request?: Request): Promise<Page<StudentResponse>> {
    const { page, pageSize, skip, take } = pageWindow(query);
    const builder = this.dataSource.getRepository(Student).createQueryBuilder('student');
    whereStudentInScope(builder, actor.readScope, { studentIdColumn: 'student.id', schoolIdColumn: 'student.school_id' });
    if (query.schoolId) builder.andWhere('student.school_id = :schoolId', { schoolId: query.schoolId });
    if (query.status) builder.andWhere('student.status = :status', { status: query.status });
    if (query.name) builder.andWhere('student.name LIKE :name', { name: `${query.name.replace(/[%_\\]/g, '\\$&')}%` });
    if (query.classId) {
      builder.andWhere('EXISTS (SELECT 1 FROM enrolments e WHERE e.student_id = student.id AND e.class_id = :classId)', { classId: query.classId });
    }
    const [rows, total] = await builder.orderBy('student.student_number', 'ASC').skip(skip).take(take).getManyAndCount();
    return { items: await this.present(rows, actor, request), page, pageSize, total };
  }

  /** A student within the given scope, or 404 exactly as for a student that does not exist. */
  private async studentInScope(id: string, scope: Actor['readScope']): Promise<Student> {
    const builder = this.dataSource.getRepository(Student).createQueryBuilder('student').where('student.id = :id', { id });
    whereStudentInScope(builder, scope, { studentIdColumn: 'student.id', schoolIdColumn: 'student.school_id' });
    const found = await builder.getOne();
    if (!found) throw new NotFoundError('student', '学生', id);
    return found;
  }

  async getStudent(id: string, actor: Actor, request?: Request): Promise<StudentResponse> {
    return (await this.present([await this.studentInScope(id, actor.readScope)], actor, request))[0];
  }

  async updateStudent(id: string, dto: UpdateStudentDto, actor: Actor, request?: Request): Promise<StudentResponse> {
    const writeScope = actor.scopeFor('students.write');
    const student = await this.studentInScope(id, writeScope);
    const next = { ...student, ...stripUndefined(dto) };
    this.assertStudentFields(next);
    if (dto.schoolId) {
      await this.reference(School, dto.schoolId, 'schoolId');
      if (!isSchoolInScope(writeScope, dto.schoolId)) throw new OutOfScopeError('students', '学生');
    }
    Object.assign(student, stripUndefined(dto));
    const saved = await this.dataSource.getRepository(Student).save(student);
    return (await this.present([saved], actor, request))[0];
  }

  /**
   * Students as the caller may see them: the 学籍号 masked unless the caller holds the
   * registrar permission for the student's school; each unmasked read is audited.
   */
  private async present(students: readonly Student[], actor: Actor, request?: Request): Promise<StudentResponse[]> {
    const identityScope = actor.scopeFor('students.identity');
    const unmasked: Student[] = [];
    const responses = students.map((student) => {
      const response = toStudentResponse(student);
      if (isSchoolInScope(identityScope, student.schoolId)) unmasked.push(student);
      else response.studentNumber = maskStudentNumber(student.studentNumber);
      return response;
    });
    await this.audit.recordMany(
      unmasked.map((student) => ({ actor, action: 'read.identity', operation: request ? `${request.method} ${request.path}` : null, targetType: 'student', targetId: student.id, outcome: 'success', request })),
    );
    return responses;
  }

  // ── enrolments ───────────────────────────────────────────────────────────────────────
  async createEnrolment(dto: CreateEnrolmentDto, actor: Actor): Promise<Enrolment> {
    const writeScope = actor.scopeFor('enrolments.write');
    return this.dataSource.transaction(async (manager) => {
      const student = await this.reference(Student, dto.studentId, 'studentId', manager);
      const schoolClass = await this.reference(SchoolClass, dto.classId, 'classId', manager);
      if (!isSchoolInScope(writeScope, student.schoolId) || !isSchoolInScope(writeScope, schoolClass.schoolId)) throw new OutOfScopeError('enrolments', '编班');
      const term = await this.reference(Term, dto.termId, 'termId', manager);
      if (term.schoolYear !== schoolClass.schoolYear) {
        throw new RosterError('CROSS_FIELD_MISMATCH', `term ${term.code} is not in the class's school year ${schoolClass.schoolYear}`, `学期${term.code}不属于班级所在学年${schoolClass.schoolYear}`, [
          { field: 'termId', code: 'TERM_OUTSIDE_CLASS_YEAR', message: 'the term is not in the class’s school year', value: dto.termId },
        ]);
      }
      if (student.schoolId !== schoolClass.schoolId) {
        throw new RosterError('CROSS_FIELD_MISMATCH', 'the class belongs to another school than the student; transfer the student first', '班级与学生不属于同一学校，请先办理转学', [
          { field: 'classId', code: 'CLASS_IN_OTHER_SCHOOL', message: 'the class belongs to another school', value: dto.classId },
        ]);
      }
      const repository = manager.getRepository(Enrolment);
      return this.saveUnique(
        () => repository.save(repository.create({ ...dto, schoolId: schoolClass.schoolId })),
        () => new RosterError('DUPLICATE_ENROLMENT', 'the student is enrolled in a class for this term already', '该学生本学期已有班级'),
      );
    });
  }

  async listEnrolments(query: ListEnrolmentsQueryDto, actor: Actor): Promise<Page<Enrolment>> {
    const { page, pageSize, skip, take } = pageWindow(query);
    const builder = this.dataSource.getRepository(Enrolment).createQueryBuilder('enrolment');
    whereStudentInScope(builder, actor.readScope, { studentIdColumn: 'enrolment.student_id', schoolIdColumn: 'enrolment.school_id' });
    for (const key of ['studentId', 'classId', 'termId', 'schoolId'] as const) {
      const column = key.replace(/Id$/, '_id');
      if (query[key]) builder.andWhere(`enrolment.${column} = :${key}`, { [key]: query[key] });
    }
    const [items, total] = await builder.orderBy('enrolment.created_at', 'ASC').addOrderBy('enrolment.id', 'ASC').skip(skip).take(take).getManyAndCount();
    return { items, page, pageSize, total };
  }

  private async enrolmentInScope(id: string, scope: Actor['readScope']): Promise<Enrolment> {
    const builder = this.dataSource.getRepository(Enrolment).createQueryBuilder('enrolment').where('enrolment.id = :id', { id });
    whereStudentInScope(builder, scope, { studentIdColumn: 'enrolment.student_id', schoolIdColumn: 'enrolment.school_id' });
    const found = await builder.getOne();
    if (!found) throw new NotFoundError('enrolment', '编班记录', id);
    return found;
  }

  getEnrolment(id: string, actor: Actor): Promise<Enrolment> {
    return this.enrolmentInScope(id, actor.readScope);
  }

  async updateEnrolment(id: string, dto: UpdateEnrolmentDto, actor: Actor): Promise<Enrolment> {
    const enrolment = await this.enrolmentInScope(id, actor.scopeFor('enrolments.write'));
    const target = await this.reference(SchoolClass, dto.classId, 'classId');
    const current = await this.mustExist(SchoolClass, enrolment.classId, 'class', '班级');
    if (target.schoolId !== current.schoolId || target.schoolYear !== current.schoolYear) {
      throw new RosterError('CROSS_FIELD_MISMATCH', 'a class move stays within the same school and school year', '调班须在同一学校同一学年内', [
        { field: 'classId', code: 'CLASS_MOVE_OUT_OF_SCOPE', message: 'target class is in another school or year', value: dto.classId },
      ]);
    }
    enrolment.classId = target.id;
    return this.dataSource.getRepository(Enrolment).save(enrolment);
  }
}

