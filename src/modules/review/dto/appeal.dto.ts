import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsObject, IsOptional, IsString, IsUUID, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { PageQueryDto } from '../../../common/http/pagination';
import { APPEAL_STATUSES } from '../entities/appeal.entity';
import { UpdateReviewRecordDto } from './record.dto';

export class FileAppealDto {
  @IsUUID()
  activityRecordId: string;

  /** The written reason (required). */
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  reason: string;

  /** For a confirmed record: what the appellant asks to change, e.g. { "hours": 6 } (informative; the decision says what changes). */
  @IsOptional()
  @IsObject()
  requestedChanges?: Record<string, unknown>;
}

export class DecideAppealDto {
  @IsIn(['upheld', 'dismissed'])
  outcome: 'upheld' | 'dismissed';

  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  remark: string;

  /** Upheld against a confirmed record: revoke it (true) instead of amending it. */
  @IsOptional()
  @IsBoolean()
  revoke?: boolean;

  /** Upheld against a confirmed record: the corrected fields (a new version). */
  @IsOptional()
  @ValidateNested()
  @Type(() => UpdateReviewRecordDto)
  amendment?: UpdateReviewRecordDto;
}

export class EscalateAppealDto {
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  reason: string;
}

export class ListAppealsQueryDto extends PageQueryDto {
  @IsOptional()
  @IsIn(APPEAL_STATUSES)
  status?: string;

  @IsOptional()
  @IsUUID()
  activityRecordId?: string;
}

/** An integrity case on a confirmed record, decided by the school. */
export class CorrectRecordDto {
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  remark: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => UpdateReviewRecordDto)
  amendment?: UpdateReviewRecordDto;
}

export interface AppealResponse {
  id: string;
  activityRecordId: string;
  studentId: string;
  schoolId: string;
  subject: string;
  status: string;
  filedBy: string;
  reason: string;
  requestedChanges: Record<string, unknown> | null;
  filedAt: string;
  fileBy: string;
  schoolRemark: string | null;
  schoolDecidedBy: string | null;
  schoolDecidedAt: string | null;
  escalateBy: string | null;
  escalationReason: string | null;
  escalatedAt: string | null;
  bureauRemark: string | null;
  bureauDecidedBy: string | null;
  bureauDecidedAt: string | null;
}
