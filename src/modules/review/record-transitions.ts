import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import { type DataScope, studentInScopeSql } from '../auth/data-scope';
import { type Permission, ROLE_DEFINITIONS } from '../auth/roles';
import type { ActivityStatus } from '../intake/dimensions';
import { Clock } from './clock';
import { ReviewError, reviewNotFound } from './review.errors';
import { nextStatus, type ReviewAction, type TransitionFacts } from './workflow/transitions';

export type Row = Record<string, unknown>;

/** Who acts: a signed-in user under the role that carries the permission used, or the system. */
export interface ActingAs {
  readonly userId: string | null;
  readonly role: string | null;
}

export function actingAs(actor: Actor, permission: Permission): ActingAs {
  const assignment = actor.assignments.find((a) => ROLE_DEFINITIONS[a.role].permissions.includes(permission));
  return { userId: actor.userId, role: assignment?.role ?? null };
}

/** The service itself (the scheduler closing a publicity batch whose window has ended): no user, role `system`. */
export const SYSTEM: ActingAs = { userId: null, role: 'system' };

/** The columns of a locked record the workflow needs. */
export interface LockedRecord {
  readonly id: string;
  readonly schoolId: string;
  readonly studentId: string;
  readonly termId: string;
  readonly dimension: string;
  readonly status: ActivityStatus;
  readonly source: string;
  readonly studentConfirmedAt: Date | null;
  readonly version: number;
  readonly recordedBy: string | null;
}

/**
 * Moves records through the state machine (workflow/transitions.ts) and writes the history:
 * the ONE place a 写实记录's status changes. Callers lock the row first (`lock`), in the same
 * transaction; a refused transition throws its 409 (or 400) and writes nothing.
 */
@Injectable()
export class RecordTransitions {
  constructor(private readonly clock: Clock) {}

  /** Locks the record FOR UPDATE if it is within `scope` (404 otherwise). */
  async lock(manager: EntityManager, id: string, scope: DataScope): Promise<LockedRecord> {
    const params: unknown[] = [id];
    const inScope = studentInScopeSql(scope, { studentIdColumn: 'a.student_id', schoolIdColumn: 'a.school_id' }, params);
    const [row] = (await manager.query(
      `SELECT a.id, a.school_id, a.student_id, a.term_id, a.dimension, a.status, a.source, a.student_confirmed_at, a.version, a.recorded_by
       FROM activity_records a WHERE a.id = $1 AND ${inScope} FOR UPDATE`,
      params,
    )) as Row[];
    if (!row) throw reviewNotFound('activity record', '写实记录', id);
    return {
      id: row.id as string,
      schoolId: row.school_id as string,
      studentId: row.student_id as string,
      termId: row.term_id as string,
      dimension: row.dimension as string,
      status: row.status as ActivityStatus,
      source: row.source as string,
      studentConfirmedAt: (row.student_confirmed_at as Date | null) ?? null,
      version: row.version as number,
      recordedBy: (row.recorded_by as string | null) ?? null,
    };
  }

  /** Applies `action` to a locked record: checks the state machine, updates the status (and the review remark of return/reject), records the step. */
  async apply(
    manager: EntityManager,
    record: LockedRecord,
    action: ReviewAction,
    by: ActingAs,
    options: { remark?: string | null; facts?: Omit<TransitionFacts, 'remark'>; context?: Record<string, unknown> } = {},
  ): Promise<ActivityStatus> {
    const remark = options.remark?.trim() || null;
    const result = nextStatus(record.status, action, {
      awaitingStudentConfirmation: record.source === 'teacher_on_behalf' && record.studentConfirmedAt === null,
      ...options.facts,
      remark,
    });
    if (!result.ok) throw new ReviewError(result.code, result.message, result.messageZh, { recordId: record.id, status: record.status, action });
    const setsRemark = action === 'return' || action === 'reject';
    await manager.query(`UPDATE activity_records SET status = $2, review_remark = CASE WHEN $3 THEN $4 ELSE review_remark END, updated_at = $5 WHERE id = $1`, [
      record.id,
      result.to,
      setsRemark,
      remark,
      this.clock.now(),
    ]);
    await this.record(manager, record, action, by, { from: record.status, to: result.to, remark, context: options.context });
    return result.to;
  }

  /** Records an event that changes no status (create, edit, evidence, student_confirm) or a status change made by `apply`. */
  async record(
    manager: EntityManager,
    record: Pick<LockedRecord, 'id' | 'schoolId' | 'studentId'>,
    action: string,
    by: ActingAs,
    step: { from?: string | null; to?: string | null; remark?: string | null; context?: Record<string, unknown> } = {},
  ): Promise<void> {
    await manager.query(
      `INSERT INTO activity_record_transitions (activity_record_id, school_id, student_id, action, from_status, to_status, actor_user_id, actor_role, remark, context, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [record.id, record.schoolId, record.studentId, action, step.from ?? null, step.to ?? null, by.userId, by.role, step.remark ?? null, JSON.stringify(step.context ?? {}), this.clock.now()],
    );
  }
}
