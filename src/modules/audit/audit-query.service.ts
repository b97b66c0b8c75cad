import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Page } from '../../common/http/pagination';
import type { AuditEventResponse, AuditQueryDto } from './audit.controller';
import { AuditEvent } from './entities/audit-event.entity';

@Injectable()
export class AuditQueryService {
  constructor(private readonly dataSource: DataSource) {}

  async search(query: AuditQueryDto, window: { page: number; pageSize: number; skip: number; take: number }): Promise<Page<AuditEventResponse>> {
    const builder = this.dataSource.getRepository(AuditEvent).createQueryBuilder('event');
    if (query.actorUserId) builder.andWhere('event.actor_user_id = :actorUserId', { actorUserId: query.actorUserId });
    if (query.targetId) builder.andWhere('event.target_id = :targetId', { targetId: query.targetId });
    if (query.action) builder.andWhere('event.action = :action', { action: query.action });
    if (query.from) builder.andWhere('event.occurred_at >= :from', { from: query.from });
    if (query.to) builder.andWhere('event.occurred_at < :to', { to: query.to });
    const [rows, total] = await builder.orderBy('event.occurred_at', 'DESC').addOrderBy('event.id', 'DESC').skip(window.skip).take(window.take).getManyAndCount();
    return {
      items: rows.map((e) => ({
        id: String(e.id),
        occurredAt: e.occurredAt.toISOString(),
        actorUserId: e.actorUserId,
        actorUsername: e.actorUsername,
        actorRoles: e.actorRoles,
        action: e.action,
        operation: e.operation,
        targetType: e.targetType,
        targetId: e.targetId,
        purpose: e.purpose,
        requestId: e.requestId,
        ip: e.ip,
        outcome: e.outcome,
      })),
      page: window.page,
      pageSize: window.pageSize,
      total,
    };
  }
}
