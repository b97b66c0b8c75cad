import { type DataScope, NOTHING } from './data-scope';
import { type Permission, ROLE_DEFINITIONS, type Role } from './roles';

export interface RoleAssignmentView {
  readonly id: string;
  readonly role: Role;
  readonly regionId: string | null;
  readonly schoolId: string | null;
  readonly classId: string | null;
  readonly studentId: string | null;
}

/** One assignment with the data it reaches, resolved at request time. */
export interface ResolvedAssignment extends RoleAssignmentView {
  /** Region grants: the region and every region below it, and the schools in them. */
  readonly regionIds: readonly string[];
  readonly schoolIds: readonly string[];
  /** True when the region grant is a root region (the whole deployment). */
  readonly everything: boolean;
}

/**
 * The signed-in caller. Permissions are scoped: `scopeFor(p)` is the union of the data
 * reached by the assignments that carry permission p, so a teacher in school A who is also
 * registrar of school B sees unmasked student numbers in B only.
 */
export class Actor {
  private readonly scopes = new Map<Permission, DataScope>();

  constructor(
    readonly userId: string,
    readonly username: string,
    readonly assignments: readonly ResolvedAssignment[],
  ) {}

  get roles(): Role[] {
    return [...new Set(this.assignments.map((a) => a.role))];
  }

  can(permission: Permission): boolean {
    return this.assignments.some((a) => ROLE_DEFINITIONS[a.role].permissions.includes(permission));
  }

  /** Highest rank among the assignments that carry the permission (0 when none). */
  rankFor(permission: Permission): number {
    return Math.max(0, ...this.assignments.filter((a) => ROLE_DEFINITIONS[a.role].permissions.includes(permission)).map((a) => ROLE_DEFINITIONS[a.role].rank));
  }

  /** Whether this caller's reads of student-level data must be audited (bureau, admissions). */
  get auditsReads(): boolean {
    return this.assignments.some((a) => ROLE_DEFINITIONS[a.role].auditReads);
  }

  scopeFor(permission: Permission): DataScope {
    const cached = this.scopes.get(permission);
    if (cached) return cached;
    const granting = this.assignments.filter((a) => ROLE_DEFINITIONS[a.role].permissions.includes(permission));
    let scope: DataScope = NOTHING;
    if (granting.some((a) => a.everything)) {
      scope = { all: true, schoolIds: [], classIds: [], studentIds: [], regionIds: [] };
    } else if (granting.length > 0) {
      const union = (pick: (a: ResolvedAssignment) => readonly (string | null)[]) => [...new Set(granting.flatMap(pick).filter((v): v is string => v !== null))];
      // An admissions officer's school is the high school they admit for, not data they may read:
      // for the role's applicant permissions it reaches the students who applied to that school
      // while the batch's period is open (data-scope.ts turns that into SQL); otherwise nothing.
      const admits = (a: ResolvedAssignment) => ROLE_DEFINITIONS[a.role].applicantPermissions !== undefined;
      scope = {
        all: false,
        schoolIds: union((a) => (admits(a) ? [] : [...a.schoolIds, a.schoolId])),
        classIds: union((a) => [a.classId]),
        studentIds: union((a) => [a.studentId]),
        regionIds: union((a) => a.regionIds),
        applicantOfSchoolIds: union((a) => (ROLE_DEFINITIONS[a.role].applicantPermissions?.includes(permission) ? [a.schoolId] : [])),
      };
    }
    this.scopes.set(permission, scope);
    return scope;
  }

  /** The scope for reading student-level data. */
  get readScope(): DataScope {
    return this.scopeFor('students.read');
  }
}
