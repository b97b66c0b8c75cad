import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Actor, type ResolvedAssignment } from './actor';
import type { Role } from './roles';
import { User } from './entities/user.entity';

interface ActorRow {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  failed_login_count: number;
  locked_until: Date | null;
  disabled: boolean;
  created_at: Date;
  updated_at: Date;
  assignment_id: string | null;
  role: Role | null;
  region_id: string | null;
  school_id: string | null;
  class_id: string | null;
  student_id: string | null;
  region_ids: string[] | null;
  is_root: boolean | null;
  school_ids: string[] | null;
}

/**
 * Loads a user's assignments and resolves what each reaches (region subtrees → their schools).
 * Runs on every authenticated request (the guard), so it is one statement: the user, each
 * assignment and, for region grants, the region subtree and its schools (ADR 1031). Nothing is
 * cached: a disabled account or a revoked role takes effect on the next request.
 */
@Injectable()
export class ActorService {
  constructor(private readonly dataSource: DataSource) {}

  async load(userId: string): Promise<{ user: User; actor: Actor } | null> {
    const rows = (await this.dataSource.query(
      `SELECT u.id, u.username, u.display_name, u.password_hash, u.failed_login_count, u.locked_until, u.disabled, u.created_at, u.updated_at,
              ra.id AS assignment_id, ra.role, ra.region_id, ra.school_id, ra.class_id, ra.student_id,
              sub.region_ids, sub.is_root, sub.school_ids
         FROM users u
         LEFT JOIN role_assignments ra ON ra.user_id = u.id
         LEFT JOIN LATERAL (
           WITH RECURSIVE subtree AS (
             SELECT id FROM regions WHERE id = ra.region_id
             UNION ALL SELECT r.id FROM regions r JOIN subtree s ON r.parent_id = s.id)
           SELECT array_agg(subtree.id) AS region_ids,
                  (SELECT parent_id IS NULL FROM regions WHERE id = ra.region_id) AS is_root,
                  (SELECT coalesce(array_agg(sc.id), '{}') FROM schools sc WHERE sc.region_id IN (SELECT id FROM subtree)) AS school_ids
             FROM subtree) sub ON ra.region_id IS NOT NULL
        WHERE u.id = $1
        ORDER BY ra.created_at, ra.id`,
      [userId],
    )) as ActorRow[];
    if (rows.length === 0) return null;
    const [first] = rows;
    const user = Object.assign(new User(), {
      id: first.id,
      username: first.username,
      displayName: first.display_name,
      passwordHash: first.password_hash,
      failedLoginCount: first.failed_login_count,
      lockedUntil: first.locked_until,
      disabled: first.disabled,
      createdAt: first.created_at,
      updatedAt: first.updated_at,
    });
    const resolved: ResolvedAssignment[] = [];
    for (const row of rows) {
      if (!row.assignment_id || !row.role) continue;
      const base = { id: row.assignment_id, role: row.role, regionId: row.region_id, schoolId: row.school_id, classId: row.class_id, studentId: row.student_id };
      if (!row.region_id) {
        // a city administrator's assignment has no target: the whole deployment
        resolved.push({ ...base, regionIds: [], schoolIds: [], everything: row.role === 'city_admin' });
        continue;
      }
      resolved.push({ ...base, regionIds: row.region_ids ?? [], schoolIds: row.school_ids ?? [], everything: row.is_root ?? false });
    }
    return { user, actor: new Actor(user.id, user.username, resolved) };
  }
}
