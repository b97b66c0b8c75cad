/**
 * Roles, what each may do, and how high each stands. The default policy of DOMAIN.md
 * ("Roles and what each may see"); the data scope of each assignment comes from its target
 * (region, school, class or student), see actor.service.ts.
 */
export const ROLES = ['city_admin', 'district_officer', 'school_admin', 'registrar', 'teacher', 'admissions_officer', 'student', 'guardian'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'regions.write', // regions and terms: city-wide reference data
  'schools.write',
  'classes.write',
  'students.read', // student-level records, within scope
  'students.write',
  'students.identity', // unmasked 学籍号 (registrar); every such read is audited
  'enrolments.write',
  'imports.commit',
  'users.manage',
  'audit.read',
  'valueadded.manage', // value-added studies and runs (bureau); sees every school's results
  'valueadded.read', // value-added results: bureau all schools, a school its own rows
  'records.submit', // 写实记录: create, edit and submit one's own; confirm a teacher's on-behalf record
  'records.onbehalf', // 写实记录: enter one for a student of one's class (flagged; the student confirms)
  'records.review', // 写实记录: verify / return / reject, term-end selection, the integrity queue
  'records.enter', // term records: enter or correct one value for a student in scope (teacher: their class; school admin: their school)
  'publicity.manage', // publicity batches (公示), objection investigations, closing a batch
  'publicity.object', // raise an objection (异议) during a publicity window one is the audience of
  'appeals.file', // appeal (申诉) a rejection or a confirmed record; escalate a dismissed appeal
  'appeals.decide', // the school's decision on an appeal
  'appeals.reconsider', // the bureau's decision on an escalated appeal (复议)
  'admissions.manage', // admission batches and their periods (city); applications arrive through the import pipeline
  'admissions.read', // sealed portfolios of applicants (admissions officers: their school's, during an open period); always with a purpose
  'portfolios.manage', // compile, sign off, seal and reopen 综合素质档案 (school)
  'portfolios.comment', // the class teacher's comment on a portfolio
  'portfolios.confirm', // the student's (or guardian's) confirmation of a portfolio
  'evaluation.manage', // rubrics, cohort assignments, evaluation runs (bureau); sees every school's distributions
  'evaluation.read', // evaluation run summaries and level distributions: bureau all schools, a school its own
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** What each role's assignment targets. */
/** `deployment`: no target — the whole deployment (a city's bureau administers all of it). */
export type ScopeTarget = 'deployment' | 'region' | 'school' | 'class' | 'student';

export interface RoleDefinition {
  readonly nameZh: string;
  readonly target: ScopeTarget;
  /** Higher may grant lower or equal, never above its own. */
  readonly rank: number;
  readonly permissions: readonly Permission[];
  /** Bureau and admissions users: their reads of student-level data are audited. */
  readonly auditReads: boolean;
  /**
   * Permissions for which this role's school target reaches not the school's own students but
   * the students who applied to that school, while their admission batch's period is open
   * (admissions officers, ADR 0820). For the role's other permissions the school reaches nothing.
   */
  readonly applicantPermissions?: readonly Permission[];
}

export const ROLE_DEFINITIONS: Readonly<Record<Role, RoleDefinition>> = {
  city_admin: {
    nameZh: '市级管理员',
    target: 'deployment',
    rank: 50,
    permissions: ['regions.write', 'schools.write', 'classes.write', 'students.read', 'students.write', 'enrolments.write', 'imports.commit', 'records.enter', 'users.manage', 'audit.read', 'valueadded.manage', 'valueadded.read', 'appeals.reconsider', 'admissions.manage', 'admissions.read', 'portfolios.manage', 'evaluation.manage', 'evaluation.read'],
    auditReads: true,
  },
  district_officer: { nameZh: '区县教育局', target: 'region', rank: 40, permissions: ['schools.write', 'students.read', 'users.manage', 'valueadded.manage', 'valueadded.read', 'appeals.reconsider', 'evaluation.manage', 'evaluation.read'], auditReads: true },
  school_admin: {
    nameZh: '学校管理员',
    target: 'school',
    rank: 30,
    permissions: ['classes.write', 'students.read', 'students.write', 'enrolments.write', 'imports.commit', 'records.enter', 'users.manage', 'valueadded.read', 'records.review', 'publicity.manage', 'appeals.decide', 'portfolios.manage', 'evaluation.read'],
    auditReads: false,
  },
  registrar: { nameZh: '学籍管理员', target: 'school', rank: 30, permissions: ['students.read', 'students.write', 'students.identity', 'enrolments.write', 'imports.commit'], auditReads: false },
  admissions_officer: { nameZh: '高中招生人员', target: 'school', rank: 30, permissions: ['students.read', 'admissions.read'], auditReads: true, applicantPermissions: ['admissions.read'] },
  teacher: { nameZh: '教师', target: 'class', rank: 20, permissions: ['students.read', 'records.enter', 'records.onbehalf', 'records.review', 'publicity.object', 'portfolios.comment'], auditReads: false },
  student: { nameZh: '学生', target: 'student', rank: 10, permissions: ['students.read', 'records.submit', 'publicity.object', 'appeals.file', 'portfolios.confirm'], auditReads: false },
  guardian: { nameZh: '家长', target: 'student', rank: 10, permissions: ['students.read', 'publicity.object', 'appeals.file', 'portfolios.confirm'], auditReads: false },
};
