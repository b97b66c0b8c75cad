import { IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { PageQueryDto } from '../../../common/http/pagination';
import { FLAG_STATUSES, INTEGRITY_RULES } from '../entities/integrity-flag.entity';

export class ListFlagsQueryDto extends PageQueryDto {
  /** Default: open (the queue). */
  @IsOptional()
  @IsIn(FLAG_STATUSES)
  status?: string;

  @IsOptional()
  @IsIn(INTEGRITY_RULES)
  rule?: string;

  @IsOptional()
  @IsUUID()
  termId?: string;

  @IsOptional()
  @IsUUID()
  activityRecordId?: string;
}

export class ScanDto {
  @IsUUID()
  termId: string;

  @IsOptional()
  @IsUUID()
  schoolId?: string;
}

export class ResolveFlagDto {
  /** cleared: nothing wrong; confirmed: a real problem (act on the record through the workflow). */
  @IsIn(['cleared', 'confirmed'])
  outcome: 'cleared' | 'confirmed';

  @IsString()
  @MinLength(1)
  @MaxLength(500)
  remark: string;
}

export interface IntegrityFlagResponse {
  id: string;
  activityRecordId: string;
  schoolId: string;
  studentId: string;
  studentName: string;
  recordTitle: string;
  recordStatus: string;
  rule: string;
  ruleZh: string;
  details: Record<string, unknown>;
  status: string;
  detectedBy: string;
  detectedAt: string;
  resolvedBy: string | null;
  resolvedAt: string | null;
  resolutionRemark: string | null;
}
