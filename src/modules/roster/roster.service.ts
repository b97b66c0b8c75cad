import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, type FindOptionsWhere, ILike } from 'typeorm';
import { NotFoundError } from '../../common/errors/domain-error';
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
import { studentFieldProblems } from './student-rules';

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
  constructor(private readonly dataSource: DataSource) {}

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
  async createSchool(dto: CreateSchoolDto): Promise<School> {
    await this.reference(Region, dto.regionId, 'regionId');
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

  async updateSchool(id: string, dto: UpdateSchoolDto): Promise<School> {
    const school = await this.getSchool(id);
    if (dto.regionId) await this.reference(Region, dto.regionId, 'regionId');
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
  async createClass(dto: CreateClassDto): Promise<SchoolClass> {
    await this.reference(School, dto.schoolId, 'schoolId');
    const repository = this.dataSource.getRepository(SchoolClass);
    return this.saveUnique(
      () => repository.save(repository.create(dto)),
      () => new RosterError('DUPLICATE_CLASS', `class ${dto.name} of ${dto.gradeCode} ${dto.schoolYear} exists already`, `班级${dto.name}已存在`),
    );
  }

  listClasses(query: ListClassesQueryDto) {
    const where: FindOptionsWhere<SchoolClass> = stripUndefined({ schoolId: query.schoolId, schoolYear: query.schoolYear, gradeCode: query.gradeCode });
    return this.page(SchoolClass, where, { schoolYear: 'DESC', gradeCode: 'ASC', name: 'ASC' }, query, (c) => c);
  }

  getClass(id: string): Promise<SchoolClass> {
    return this.mustExist(SchoolClass, id, 'class', '班级');
  }

  async updateClass(id: string, dto: UpdateClassDto): Promise<SchoolClass> {
    const schoolClass = await this.getClass(id);
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

  async createStudent(dto: CreateStudentDto): Promise<Student> {
    const studentNumber = dto.studentNumber.trim().toUpperCase();
    this.assertStudentFields({ ...dto, studentNumber });
    await this.reference(School, dto.schoolId, 'schoolId');
    const repository = this.dataSource.getRepository(Student);
    return this.saveUnique(
      () => repository.save(repository.create({ ...dto, studentNumber, status: dto.status ?? 'enrolled' })),
      () => new RosterError('DUPLICATE_STUDENT_NUMBER', 'a student with this student number exists already', '该学籍号的学生已存在'),
    );
  }

  async listStudents(query: ListStudentsQueryDto) {
    const { page, pageSize, skip, take } = pageWindow(query);
    const builder = this.dataSource.getRepository(Student).createQueryBuilder('student');
    if (query.schoolId) builder.andWhere('student.school_id = :schoolId', { schoolId: query.schoolId });
    if (query.status) builder.andWhere('student.status = :status', { status: query.status });
    if (query.name) builder.andWhere('student.name LIKE :name', { name: `${query.name.replace(/[%_\\]/g, '\\$&')}%` });
    if (query.classId) {
      builder.andWhere('EXISTS (SELECT 1 FROM enrolments e WHERE e.student_id = student.id AND e.class_id = :classId)', { classId: query.classId });
    }
    const [rows, total] = await builder.orderBy('student.student_number', 'ASC').skip(skip).take(take).getManyAndCount();
    return { items: rows, page, pageSize, total };
  }

  getStudent(id: string): Promise<Student> {
    return this.mustExist(Student, id, 'student', '学生');
  }

  async updateStudent(id: string, dto: UpdateStudentDto): Promise<Student> {
    const student = await this.getStudent(id);
    const next = { ...student, ...stripUndefined(dto) };
    this.assertStudentFields(next);
    if (dto.schoolId) await this.reference(School, dto.schoolId, 'schoolId');
    Object.assign(student, stripUndefined(dto));
    return this.dataSource.getRepository(Student).save(student);
  }

  // ── enrolments ───────────────────────────────────────────────────────────────────────
  async createEnrolment(dto: CreateEnrolmentDto): Promise<Enrolment> {
    return this.dataSource.transaction(async (manager) => {
      const student = await this.reference(Student, dto.studentId, 'studentId', manager);
      const schoolClass = await this.reference(SchoolClass, dto.classId, 'classId', manager);
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

  listEnrolments(query: ListEnrolmentsQueryDto) {
    const where: FindOptionsWhere<Enrolment> = stripUndefined({ studentId: query.studentId, classId: query.classId, termId: query.termId, schoolId: query.schoolId });
    return this.page(Enrolment, where, { createdAt: 'ASC', id: 'ASC' }, query, (e) => e);
  }

  getEnrolment(id: string): Promise<Enrolment> {
    return this.mustExist(Enrolment, id, 'enrolment', '编班记录');
  }

  async updateEnrolment(id: string, dto: UpdateEnrolmentDto): Promise<Enrolment> {
    const enrolment = await this.getEnrolment(id);
    const target = await this.reference(SchoolClass, dto.classId, 'classId');
    const current = await this.getClass(enrolment.classId);
    if (target.schoolId !== current.schoolId || target.schoolYear !== current.schoolYear) {
      throw new RosterError('CROSS_FIELD_MISMATCH', 'a class move stays within the same school and school year', '调班须在同一学校同一学年内', [
        { field: 'classId', code: 'CLASS_MOVE_OUT_OF_SCOPE', message: 'target class is in another school or year', value: dto.classId },
      ]);
    }
    enrolment.classId = target.id;
    return this.dataSource.getRepository(Enrolment).save(enrolment);
  }
}

