import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { type Page, PageQueryDto, pageWindow } from '../../common/http/pagination';
import { RequirePermission } from '../auth/auth.decorators';
import { AuditQueryService } from './audit-query.service';

export class AuditQueryDto extends PageQueryDto {
  @IsOptional()
  @IsUUID()
  actorUserId?: string;

  @IsOptional()
  @IsString()
  @Length(1, 64)
  targetId?: string;

  @IsOptional()
  @IsString()
  @Length(1, 40)
  action?: string;

  /** ISO 8601 date-time, inclusive */
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  /** ISO 8601 date-time, exclusive */
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

export interface AuditEventResponse {
  id: string;
  occurredAt: string;
  actorUserId: string | null;
  actorUsername: string | null;
  actorRoles: string | null;
  action: string;
  operation: string | null;
  targetType: string | null;
  targetId: string | null;
  purpose: string | null;
  requestId: string | null;
  ip: string | null;
  outcome: string;
}

@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/audit-events')
export class AuditController {
  constructor(private readonly auditQuery: AuditQueryService) {}

  /** City administrators search the trail by actor, target, action and time range (newest first). */
  @Get()
  @RequirePermission('audit.read')
  search(@Query() query: AuditQueryDto): Promise<Page<AuditEventResponse>> {
    return this.auditQuery.search(query, pageWindow(query));
  }
}
