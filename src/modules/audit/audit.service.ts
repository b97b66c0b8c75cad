import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import { currentRequestId } from '../../common/logging/request-context';
import type { Actor } from '../auth/actor';
import { AuditEvent } from './entities/audit-event.entity';

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

  async recordMany(events: readonly AuditRecord[]): Promise<void> {
    if (events.length === 0) return;
    const rows = events.map((event) => {
      const purpose = event.purpose ?? purposeOf(event.request);
      return this.dataSource.getRepository(AuditEvent).create({
        actorUserId: event.actor?.userId ?? null,
        actorUsername: (event.actor?.username ?? event.username ?? null)?.slice(0, 64) ?? null,
        actorRoles: event.actor ? event.actor.roles.join(',').slice(0, 200) : null,
        action: event.action,
        operation: event.operation?.slice(0, 200) ?? null,
        targetType: event.targetType,
        targetId: event.targetId?.slice(0, 64) ?? null,
        purpose,
        requestId: currentRequestId() ?? null,
        ip: event.request?.ip?.slice(0, 64) ?? null,
        outcome: event.outcome,
      });
    });
    await this.dataSource.getRepository(AuditEvent).insert(rows);
  }
}
