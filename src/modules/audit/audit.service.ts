import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import { currentRequestId } from '../../common/logging/request-context';
import type { Actor } from '../auth/actor';

export interface AuditRecord {
  readonly actor: Actor | null;
  /** For events without an actor (failed logins): the username as typed. */
  readonly username?: string | null;
  readonly action: string;
  readonly operation?: string | null;
  readonly targetType: string | null;
  readonly targetId: string | null;
  readonly outcome: string;
  readonly request?: Request;
  readonly purpose?: string | null;
}

/** Why the caller reads: the `X-Access-Purpose` header (URL-encoded) or a `purpose` query parameter; at most 200 characters. */
export function purposeOf(request: Request | undefined): string | null {
  if (!request) return null;
  const header = request.header('x-access-purpose');
  const query = (request.query as Record<string, unknown> | undefined)?.purpose;
  let purpose: string | null = null;
  if (header) {
    try {
      purpose = decodeURIComponent(header);
    } catch {
      purpose = header;
    }
  } else if (typeof query === 'string') purpose = query;
  purpose = purpose?.trim().slice(0, 200) ?? null;
  return purpose ? purpose : null;
}

/** Appends to the audit trail. The table itself refuses updates and deletes. */
@Injectable()
export class AuditService {
  constructor(private readonly dataSource: DataSource) {}

  async record(event: AuditRecord): Promise<void> {
    await this.recordMany([event]);
  }

  /**
   * One INSERT of every event, its columns as arrays (`unnest`): the admissions list audits one
   * event per applicant shown (up to 200 per request), and building them as TypeORM entities
   * through its insert builder cost more CPU than the list itself (bench:load, ADR 1031).
   */
  async recordMany(events: readonly AuditRecord[]): Promise<void> {
    if (events.length === 0) return;
    const requestId = currentRequestId() ?? null;
    const columns: (string | null)[][] = Array.from({ length: 11 }, () => []);
    for (const event of events) {
      const values = [
        event.actor?.userId ?? null,
        (event.actor?.username ?? event.username ?? null)?.slice(0, 64) ?? null,
        event.actor ? event.actor.roles.join(',').slice(0, 200) : null,
        event.action,
        event.operation?.slice(0, 200) ?? null,
        event.targetType,
        event.targetId?.slice(0, 64) ?? null,
        event.purpose ?? purposeOf(event.request),
        requestId,
        event.request?.ip?.slice(0, 64) ?? null,
        event.outcome,
      ];
      values.forEach((value, index) => columns[index].push(value));
    }
    await this.dataSource.query(
      `INSERT INTO audit_events (actor_user_id, actor_username, actor_roles, action, operation, target_type, target_id, purpose, request_id, ip, outcome)
       SELECT * FROM unnest($1::uuid[], $2::varchar[], $3::varchar[], $4::varchar[], $5::varchar[], $6::varchar[], $7::varchar[], $8::varchar[], $9::varchar[], $10::varchar[], $11::varchar[])`,
      columns,
    );
  }
}
