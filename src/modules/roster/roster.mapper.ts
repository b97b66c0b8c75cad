import type { ClassResponse } from './dto/class.dto';
import type { EnrolmentResponse } from './dto/enrolment.dto';
import type { RegionResponse } from './dto/region.dto';
import type { SchoolResponse } from './dto/school.dto';
import type { StudentResponse } from './dto/student.dto';
import type { TermResponse } from './dto/term.dto';
import type { Enrolment } from './entities/enrolment.entity';
import type { Region } from './entities/region.entity';
import type { SchoolClass } from './entities/school-class.entity';
import type { School } from './entities/school.entity';
import type { Student } from './entities/student.entity';
import type { Term } from './entities/term.entity';

/** Entities never reach the wire: each response type is built field by field here. */
export const toRegionResponse = (r: Region): RegionResponse => ({ id: r.id, code: r.code, name: r.name, level: r.level, parentId: r.parentId });
export const toSchoolResponse = (s: School): SchoolResponse => ({ id: s.id, code: s.code, name: s.name, stage: s.stage, regionId: s.regionId });
export const toTermResponse = (t: Term): TermResponse => ({
  id: t.id,
  code: t.code,
  schoolYear: t.schoolYear,
  termNumber: t.termNumber,
  startDate: t.startDate,
  endDate: t.endDate,
});
export const toClassResponse = (c: SchoolClass): ClassResponse => ({
  id: c.id,
  schoolId: c.schoolId,
  schoolYear: c.schoolYear,
  gradeCode: c.gradeCode,
  name: c.name,
});
export const toStudentResponse = (s: Student): StudentResponse => ({
  id: s.id,
  studentNumber: s.studentNumber,
  name: s.name,
  sexCode: s.sexCode,
  birthDate: s.birthDate,
  ethnicityCode: s.ethnicityCode,
  status: s.status,
  schoolId: s.schoolId,
});
export const toEnrolmentResponse = (e: Enrolment): EnrolmentResponse => ({
  id: e.id,
  studentId: e.studentId,
  classId: e.classId,
  termId: e.termId,
  schoolId: e.schoolId,
});
