import type { TestApp } from '../../helpers/test-app';
import type { AuthedClient } from '../../helpers/auth';

/**
 * The authorization matrix: role × endpoint × (own scope / other scope) → expected status.
 * Each module lists its endpoints in a `*.matrix.ts` file next to this one; the test runs
 * every row against the real app and fails when a route of the app has no row — so a new
 * endpoint cannot land without deciding who may call it.
 */
export const MATRIX_ROLES = ['anonymous', 'city_admin', 'district_officer', 'school_admin', 'registrar', 'teacher', 'admissions_officer', 'student', 'guardian'] as const;
export type MatrixRole = (typeof MATRIX_ROLES)[number];

/**
 * The shared world: district D1 with school S1 (own scope of the school-, class- and
 * student-level users), district D2 with school S2 (other scope); classes C1 ⊂ S1, C2 ⊂ S2;
 * students P1 (S1, C1) and P2 (S2, C2), enrolments E1, E2; one term T.
 * The district officer's own scope is D1; the teacher's C1; student and guardian: P1.
 */
export interface World {
  readonly t: TestApp;
  readonly ids: Record<string, string>;
  readonly clients: Partial<Record<MatrixRole, AuthedClient>>;
  /** A unique suffix for bodies that must not collide between rows. */
  unique(): number;
}

export interface MatrixRequest {
  readonly url: string;
  readonly body?: Record<string, unknown>;
  /** For uploads: a file for multipart field `file`. */
  readonly file?: { readonly name: string; readonly content: Buffer };
}

export type Expected = number | readonly [own: number, other: number];

export interface MatrixRow {
  /** `METHOD /path/:param` exactly as the route is declared (it must match the app's routes). */
  readonly route: string;
  /** The request aimed at own scope; for routes without a scope, the only request. */
  readonly own: (world: World) => MatrixRequest;
  /** The request aimed at the other scope, when the route has one. */
  readonly other?: (world: World) => MatrixRequest;
  /** Expected status per role: one number, or [own, other]. Every role must be listed. */
  readonly expected: Readonly<Record<MatrixRole, Expected>>;
}

export interface MatrixModule {
  /** Adds this module's own/other fixtures to the world (ids by name). */
  readonly setup?: (world: World) => Promise<void>;
  readonly rows: readonly MatrixRow[];
}

/** Shorthand: the same expectation for every role but those given. */
export function allRoles(status: Expected, overrides: Partial<Record<MatrixRole, Expected>> = {}): Record<MatrixRole, Expected> {
  return Object.fromEntries(MATRIX_ROLES.map((role) => [role, overrides[role] ?? status])) as Record<MatrixRole, Expected>;
}
