import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One audited event: a write, a read of student-level data by a bureau or admissions user, an
 * unmasked identity read, a login (success or failure), an export. Append-only: the database
 * refuses UPDATE, DELETE and TRUNCATE on this table (migration CreateAccessControl).
 * Kept at least 180 days (网络安全等级保护 2.0); nothing deletes it.
 */
@Entity({ name: 'audit_events' })
@Index('ix_audit_events_occurred_at', ['occurredAt'])
@Index('ix_audit_events_actor_user_id_occurred_at', ['actorUserId', 'occurredAt'])
@Index('ix_audit_events_target_id', ['targetId'])
export class AuditEvent {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  occurredAt: Date;

  @Column({ type: 'uuid', nullable: true })
  actorUserId: string | null;

  /** The username as typed (for failed logins of unknown users) or of the actor. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  actorUsername: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  actorRoles: string | null;

  /** e.g. `auth.login`, `write`, `read.student`, `read.identity`, `export` */
  @Column({ type: 'varchar', length: 40 })
  action: string;

  /** e.g. `POST /api/students` */
  @Column({ type: 'varchar', length: 200, nullable: true })
  operation: string | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  targetType: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  targetId: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  purpose: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  requestId: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip: string | null;

  /** `success`, `failure`, `denied`, or the HTTP status. */
  @Column({ type: 'varchar', length: 20 })
  outcome: string;
}
