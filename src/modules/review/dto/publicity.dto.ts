import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { PageQueryDto } from '../../../common/http/pagination';
import { HOLIDAY_KINDS } from '../entities/holiday.entity';
import { OBJECTION_STATUSES } from '../entities/objection.entity';
import { PUBLICITY_SCOPES } from '../entities/publicity-batch.entity';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class HolidayDto {
  /** holiday: a day off (法定节假日); makeup_workday: a weekend day that is worked (调休上班). */
  @IsIn(HOLIDAY_KINDS)
  kind: 'holiday' | 'makeup_workday';

  @IsString()
  @MinLength(1)
  @MaxLength(50)
  name: string;
}

export class ListHolidaysQueryDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2100)
  year?: number;
}

export class WorkingDaysQueryDto {
  @Matches(DATE, { message: 'start must look like 2024-12-27' })
  start: string;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(60)
  days: number;
}

export class CreatePublicityBatchDto {
  @IsUUID()
  termId: string;

  @IsIn(PUBLICITY_SCOPES)
  scope: 'class' | 'grade' | 'school';

  /** For scope class. */
  @IsOptional()
  @IsUUID()
  classId?: string;

  /** For scope grade and school (a class names its school). */
  @IsOptional()
  @IsUUID()
  schoolId?: string;

  /** For scope grade: the grade code of the classes (e.g. J1). */
  @IsOptional()
  @IsString()
  @MaxLength(8)
  gradeCode?: string;

  @IsString()
  @MinLength(1)
  @MaxLength(60)
  title: string;

  /** First day of the window (today or later, China time); a weekend or holiday start moves to the next working day. */
  @Matches(DATE, { message: 'startsOn must look like 2024-12-27' })
  startsOn: string;

  /** Working days; at least the deployment's minimum (default 5). */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(60)
  workingDays?: number;
}

export class ListBatchesQueryDto extends PageQueryDto {
  @IsOptional()
  @IsUUID()
  termId?: string;
}

export class CreateObjectionDto {
  @IsUUID()
  activityRecordId: string;

  @IsString()
  @MinLength(1)
  @MaxLength(500)
  reason: string;
}

export class ListObjectionsQueryDto extends PageQueryDto {
  @IsOptional()
  @IsUUID()
  batchId?: string;

  @IsOptional()
  @IsIn(OBJECTION_STATUSES)
  status?: string;
}

export class DecideObjectionDto {
  /** upheld: the record is revoked; dismissed: it returns to publicity. */
  @IsIn(['upheld', 'dismissed'])
  outcome: 'upheld' | 'dismissed';

  @IsString()
  @MinLength(1)
  @MaxLength(500)
  remark: string;
}

export interface PublicityBatchResponse {
  id: string;
  schoolId: string;
  termId: string;
  scope: string;
  classId: string | null;
  gradeCode: string | null;
  title: string;
  workingDays: number;
  firstDay: string;
  lastDay: string;
  opensAt: string;
  closesAt: string;
  /** scheduled (before opensAt), open, closed (window over, not yet closed by the school), confirmed (closed). */
  state: 'scheduled' | 'open' | 'closed' | 'confirmed';
  closedAt: string | null;
  records: number;
  underInvestigation: number;
}

/** One line of the redacted publicity view: exactly these fields (DOMAIN.md; PIPL art. 25). */
export interface PublicityLine {
  recordId: string;
  studentName: string;
  className: string;
  title: string;
  startDate: string;
  endDate: string | null;
  hours: number | null;
  level: string | null;
  role: string | null;
}

export interface ObjectionResponse {
  id: string;
  batchId: string;
  activityRecordId: string;
  recordTitle: string;
  studentName: string;
  raisedBy: string;
  raisedAs: string;
  reason: string;
  status: string;
  outcomeRemark: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  raisedAt: string;
}
