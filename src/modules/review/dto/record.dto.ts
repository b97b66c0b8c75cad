import { Type } from 'class-transformer';
import { IsIn, IsNumber, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { PageQueryDto } from '../../../common/http/pagination';
import { ACTIVITY_LEVELS, ACTIVITY_ROLES, ACTIVITY_STATUSES, DIMENSIONS } from '../../intake/dimensions';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/** The optional content of a 写实记录 a person enters (DOMAIN.md fields). */
class RecordDetailsDto {
  @IsOptional()
  @IsIn(ACTIVITY_LEVELS)
  level?: string | null;

  @IsOptional()
  @IsIn(ACTIVITY_ROLES)
  role?: string | null;

  @IsOptional()
  @Matches(DATE, { message: 'endDate must look like 2024-10-01' })
  endDate?: string | null;

  /** Time of day (HH:MM, China time) for a one-day activity; with endTime. */
  @IsOptional()
  @Matches(TIME, { message: 'startTime must look like 08:30' })
  startTime?: string | null;

  @IsOptional()
  @Matches(TIME, { message: 'endTime must look like 11:30' })
  endTime?: string | null;

  @IsOptional()
  @Type(() => Number)
  @IsNumber({ maxDecimalPlaces: 2 })
  @Min(0)
  @Max(10000)
  hours?: number | null;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  location?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  organiser?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(30)
  awardRank?: string | null;
}

/** A new 写实记录 (a DRAFT). */
export class CreateReviewRecordDto extends RecordDetailsDto {
  /** Whose record: a student's own (may be omitted by a student with one student grant), or a student of the teacher's class. */
  @IsOptional()
  @IsUUID()
  studentId?: string;

  @IsUUID()
  termId: string;

  @IsIn(DIMENSIONS)
  dimension: string;

  /** 记录类型, e.g. 志愿服务, 社会实践, 获奖, 研究性学习. */
  @IsString()
  @MinLength(1)
  @MaxLength(20)
  recordType: string;

  /** At most 30 characters. */
  @IsString()
  @MinLength(1)
  @MaxLength(30)
  title: string;

  @Matches(DATE, { message: 'startDate must look like 2024-10-01' })
  startDate: string;
}

/** Changes to a DRAFT or RETURNED record: only the fields given change (null clears an optional field). */
export class UpdateReviewRecordDto extends RecordDetailsDto {
  @IsOptional()
  @IsIn(DIMENSIONS)
  dimension?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(20)
  recordType?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(30)
  title?: string;

  @IsOptional()
  @Matches(DATE, { message: 'startDate must look like 2024-10-01' })
  startDate?: string;
}


/** A remark (return) or reason (reject, revoke …); optional for verify and select. */
export class RemarkDto {
  @IsOptional()
  @IsString()
  @MaxLength(500)
  remark?: string;
}

export class ListReviewRecordsQueryDto extends PageQueryDto {
  @IsOptional()
  @IsIn(ACTIVITY_STATUSES)
  status?: string;

  @IsOptional()
  @IsUUID()
  termId?: string;

  @IsOptional()
  @IsUUID()
  classId?: string;

  @IsOptional()
  @IsUUID()
  studentId?: string;
}

export class AttachReviewEvidenceDto {
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/, { message: 'capturedAt must be an ISO 8601 date-time' })
  capturedAt?: string;
}

export interface ReviewRecordResponse {
  id: string;
  studentId: string;
  studentName: string;
  schoolId: string;
  term: { id: string; code: string };
  dimension: string;
  recordType: string;
  title: string;
  level: string | null;
  role: string | null;
  startDate: string;
  endDate: string | null;
  startTime: string | null;
  endTime: string | null;
  hours: number | null;
  location: string | null;
  organiser: string | null;
  awardRank: string | null;
  source: string;
  /** teacher_on_behalf records are flagged (代录). */
  enteredOnBehalf: boolean;
  needsStudentConfirmation: boolean;
  studentConfirmedAt: string | null;
  status: string;
  reviewRemark: string | null;
  version: number;
  /** What the workflow allows next from this status (whoever may do it). */
  nextActions: string[];
  openIntegrityFlags: number;
  recordedBy: string | null;
  updatedAt: string;
}

export interface TransitionResponse {
  id: string;
  action: string;
  actionZh: string;
  fromStatus: string | null;
  toStatus: string | null;
  actorUserId: string | null;
  actorRole: string | null;
  remark: string | null;
  context: Record<string, unknown>;
  at: string;
}
