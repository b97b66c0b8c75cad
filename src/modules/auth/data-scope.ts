import type { ObjectLiteral, SelectQueryBuilder, WhereExpressionBuilder } from 'typeorm';
import { Brackets } from 'typeorm';

/**
 * What student-level data a caller may see or change: the union of their grants.
 * A student is in scope when ANY of these holds:
 *  - `all` (city administrators);
 *  - the student's school is in `schoolIds` (district officers: every school of their
 *    district; school administrators and registrars: their school);
 *  - the student is enrolled (in any term) in a class of `classIds` (teachers);
 *  - the student's id is in `studentIds` (the student, their guardians);
 *  - the student applied to a school of `applicantOfSchoolIds` in an admission batch whose
 *    period is open today, China time (admissions officers: ADR 0820).
 *
 * This is the ONE place scope becomes SQL (ADR 0005). Services that read or write
 * student-level data take a DataScope and call `whereStudentInScope` (or `isSchoolInScope`
 * for school-owned resources); a record outside the scope is answered as "not found".
 * Conditions already on the query are parenthesised before the scope is ANDed, and the
 * DataSource isolates later where-statements, so no OR can swallow the scope; never add a
 * top-level `orWhere` after the scope.
 */
export interface DataScope {
  readonly all: boolean;
  readonly schoolIds: readonly string[];
  readonly classIds: readonly string[];
  readonly studentIds: readonly string[];
  /** Regions whose schools this scope covers (region-level grants): lets a district officer manage its district's schools. */
  readonly regionIds?: readonly string[];
  /**
   * High schools whose applicants this scope reaches: a student who applied to one of them in a
   * batch whose admissions period (opens_on … closes_on, inclusive, dates in China time) contains
   * today. Outside the period the grant reaches nobody.
   */
  readonly applicantOfSchoolIds?: readonly string[];
}

/** The applicant grant as SQL over one parameter placeholder holding the school ids. */
function applicantCondition(studentIdColumn: string, schoolIdsPlaceholder: string): string {
  return `EXISTS (SELECT 1 FROM admissions_applications scope_application JOIN admissions_batches scope_batch ON scope_batch.id = scope_application.batch_id
    WHERE scope_application.student_id = ${studentIdColumn} AND scope_application.school_id = ANY(${schoolIdsPlaceholder})
      AND (now() AT TIME ZONE 'Asia/Shanghai')::date BETWEEN scope_batch.opens_on AND scope_batch.closes_on)`;
}

export const EVERYTHING: DataScope = Object.freeze({ all: true, schoolIds: [], classIds: [], studentIds: [] });
export const NOTHING: DataScope = Object.freeze({ all: false, schoolIds: [], classIds: [], studentIds: [] });

let parameterCounter = 0;

/**
 * Wraps whatever the query already filters on in one pair of parentheses before the scope is
 * ANDed to it: TypeORM renders the first where() bare, so `a OR b` followed by
 * `AND (scope)` would otherwise read as `a OR (b AND scope)` and leak rows.
 */
function isolateExistingWhere(query: unknown): void {
  const map = (query as { expressionMap?: { wheres: unknown[] } }).expressionMap;
  if (!map || map.wheres.length === 0) return;
  map.wheres = [{ type: 'simple', condition: { operator: 'brackets', condition: map.wheres } }];
}

/**
 * Adds `AND (<student in scope>)` to a query. `studentIdColumn` and `schoolIdColumn` name the
 * columns of the row being filtered, e.g. `student.id` / `student.school_id`, or
 * `record.student_id` / `record.school_id` for a table that carries both.
 */
export function whereStudentInScope<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T> | (WhereExpressionBuilder & { setParameter(key: string, value: unknown): unknown }),
  scope: DataScope,
  columns: { studentIdColumn: string; schoolIdColumn: string },
): void {
  if (scope.all) return;
  isolateExistingWhere(query);
  parameterCounter = (parameterCounter + 1) % 1_000_000;
  const suffix = `_scope${parameterCounter}`;
  const { studentIdColumn, schoolIdColumn } = columns;
  query.andWhere(
    new Brackets((inner) => {
      inner.where('FALSE');
      // One school (a school's staff): `=` rather than `= ANY(array)`, so that an index on (school_id, x) also gives the order of x (the students list by 学籍号, ADR 1031).
      if (scope.schoolIds.length === 1) inner.orWhere(`${schoolIdColumn} = :schoolId${suffix}`, { [`schoolId${suffix}`]: scope.schoolIds[0] });
      else if (scope.schoolIds.length > 0) inner.orWhere(`${schoolIdColumn} = ANY(:schoolIds${suffix})`, { [`schoolIds${suffix}`]: scope.schoolIds });
      if (scope.classIds.length > 0) {
        inner.orWhere(`EXISTS (SELECT 1 FROM enrolments scope_enrolment WHERE scope_enrolment.student_id = ${studentIdColumn} AND scope_enrolment.class_id = ANY(:classIds${suffix}))`, {
          [`classIds${suffix}`]: scope.classIds,
        });
      }
      if (scope.studentIds.length > 0) inner.orWhere(`${studentIdColumn} = ANY(:studentIds${suffix})`, { [`studentIds${suffix}`]: scope.studentIds });
      const applicantOf = scope.applicantOfSchoolIds ?? [];
      if (applicantOf.length > 0) inner.orWhere(applicantCondition(studentIdColumn, `:applicantOf${suffix}`), { [`applicantOf${suffix}`]: applicantOf });
    }),
  );
}

/**
 * Adds `AND (<class in scope>)`: a class is visible when its school is in scope, it is one of
 * the scope's classes, or one of the scope's students is enrolled in it.
 */
export function whereClassInScope<T extends ObjectLiteral>(query: SelectQueryBuilder<T>, scope: DataScope, columns: { classIdColumn: string; schoolIdColumn: string }): void {
  if (scope.all) return;
  isolateExistingWhere(query);
  parameterCounter = (parameterCounter + 1) % 1_000_000;
  const suffix = `_scope${parameterCounter}`;
  query.andWhere(
    new Brackets((inner) => {
      inner.where('FALSE');
      if (scope.schoolIds.length > 0) inner.orWhere(`${columns.schoolIdColumn} = ANY(:schoolIds${suffix})`, { [`schoolIds${suffix}`]: scope.schoolIds });
      if (scope.classIds.length > 0) inner.orWhere(`${columns.classIdColumn} = ANY(:classIds${suffix})`, { [`classIds${suffix}`]: scope.classIds });
      if (scope.studentIds.length > 0) {
        inner.orWhere(`EXISTS (SELECT 1 FROM enrolments scope_enrolment WHERE scope_enrolment.class_id = ${columns.classIdColumn} AND scope_enrolment.student_id = ANY(:studentIds${suffix}))`, {
          [`studentIds${suffix}`]: scope.studentIds,
        });
      }
    }),
  );
}

/** For plain SQL: the same condition as a fragment over numbered parameters appended to `params`. */
export function studentInScopeSql(scope: DataScope, columns: { studentIdColumn: string; schoolIdColumn: string }, params: unknown[]): string {
  if (scope.all) return 'TRUE';
  const parts: string[] = [];
  if (scope.schoolIds.length === 1) {
    params.push(scope.schoolIds[0]);
    parts.push(`${columns.schoolIdColumn} = $${params.length}::uuid`);
  } else if (scope.schoolIds.length > 0) {
    params.push(scope.schoolIds);
    parts.push(`${columns.schoolIdColumn} = ANY($${params.length}::uuid[])`);
  }
  if (scope.classIds.length > 0) {
    params.push(scope.classIds);
    parts.push(`EXISTS (SELECT 1 FROM enrolments scope_enrolment WHERE scope_enrolment.student_id = ${columns.studentIdColumn} AND scope_enrolment.class_id = ANY($${params.length}::uuid[]))`);
  }
  if (scope.studentIds.length > 0) {
    params.push(scope.studentIds);
    parts.push(`${columns.studentIdColumn} = ANY($${params.length}::uuid[])`);
  }
  if ((scope.applicantOfSchoolIds ?? []).length > 0) {
    params.push(scope.applicantOfSchoolIds);
    parts.push(applicantCondition(columns.studentIdColumn, `$${params.length}::uuid[]`));
  }
  return parts.length === 0 ? 'FALSE' : `(${parts.join(' OR ')})`;
}

/** Whether a region (and so schools placed in it) lies within this scope's region grants. */
export function isRegionInScope(scope: DataScope, regionId: string): boolean {
  return scope.all || (scope.regionIds ?? []).includes(regionId);
}

/** Whether school-level data of this school (its classes, uploads, own reports) is in scope. */
export function isSchoolInScope(scope: DataScope, schoolId: string): boolean {
  return scope.all || scope.schoolIds.includes(schoolId);
}

/**
 * For admissions applications themselves (`admissions_applications` rows): visible with `all`,
 * or when the application is to a school of `applicantOfSchoolIds` and its batch's period is open
 * today — so an officer sees the applications to their own school, never the same student's
 * applications elsewhere. Other grants do not reach applications.
 */
export function applicationInScopeSql(scope: DataScope, columns: { schoolIdColumn: string; batchIdColumn: string }, params: unknown[]): string {
  if (scope.all) return 'TRUE';
  const applicantOf = scope.applicantOfSchoolIds ?? [];
  if (applicantOf.length === 0) return 'FALSE';
  params.push(applicantOf);
  return `(${columns.schoolIdColumn} = ANY($${params.length}::uuid[]) AND EXISTS (SELECT 1 FROM admissions_batches scope_batch WHERE scope_batch.id = ${columns.batchIdColumn}
    AND (now() AT TIME ZONE 'Asia/Shanghai')::date BETWEEN scope_batch.opens_on AND scope_batch.closes_on))`;
}

/**
 * For publicity batches (公示) and anything else addressed to an audience of classes: true when
 * the scope reaches the audience — its school, one of its classes, or a student enrolled (in the
 * batch's term) in one of them. `audienceClassSql(classAlias)` says whether a class is in the
 * audience (e.g. same school and grade); `termIdColumn` is the batch's term.
 */
export function audienceInScopeSql(
  scope: DataScope,
  columns: { schoolIdColumn: string; termIdColumn: string; audienceClassSql: (classAlias: string) => string },
  params: unknown[],
): string {
  if (scope.all) return 'TRUE';
  const parts: string[] = [];
  if (scope.schoolIds.length === 1) {
    params.push(scope.schoolIds[0]);
    parts.push(`${columns.schoolIdColumn} = $${params.length}::uuid`);
  } else if (scope.schoolIds.length > 0) {
    params.push(scope.schoolIds);
    parts.push(`${columns.schoolIdColumn} = ANY($${params.length}::uuid[])`);
  }
  if (scope.classIds.length > 0) {
    params.push(scope.classIds);
    parts.push(`EXISTS (SELECT 1 FROM school_classes scope_class WHERE scope_class.id = ANY($${params.length}::uuid[]) AND ${columns.audienceClassSql('scope_class')})`);
  }
  if (scope.studentIds.length > 0) {
    params.push(scope.studentIds);
    parts.push(
      `EXISTS (SELECT 1 FROM enrolments scope_enrolment JOIN school_classes scope_class ON scope_class.id = scope_enrolment.class_id
               WHERE scope_enrolment.student_id = ANY($${params.length}::uuid[]) AND scope_enrolment.term_id = ${columns.termIdColumn} AND ${columns.audienceClassSql('scope_class')})`,
    );
  }
  return parts.length === 0 ? 'FALSE' : `(${parts.join(' OR ')})`;
}
