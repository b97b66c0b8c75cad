import { IsIn, IsISO8601, IsOptional, IsUUID } from 'class-validator';
import { PageQueryDto } from '../../../common/http/pagination';
import { DIMENSIONS, type Dimension } from '../dimensions';

/** Filters of record lists: a student's records by term and dimension, a class's or school's by indicator. */
export class ListTermRecordsQueryDto extends PageQueryDto {
  @IsOptional()
  @IsUUID()
  studentId?: string;

  @IsOptional()
  @IsUUID()
  classId?: string;

  @IsOptional()
  @IsUUID()
  schoolId?: string;

  @IsOptional()
  @IsUUID()
  termId?: string;

  @IsOptional()
  @IsIn(DIMENSIONS)
  dimension?: Dimension;

  @IsOptional()
  @IsUUID()
  indicatorId?: string;
}

export class ListActivityRecordsQueryDto extends PageQueryDto {
  @IsOptional()
  @IsUUID()
  studentId?: string;

  @IsOptional()
  @IsUUID()
  classId?: string;

  @IsOptional()
  @IsUUID()
  schoolId?: string;

  @IsOptional()
  @IsUUID()
  termId?: string;

  @IsOptional()
  @IsIn(DIMENSIONS)
  dimension?: Dimension;
}

/** Multipart fields sent with an evidence file. */
export class AttachEvidenceDto {
  /** When the photo or scan was taken (ISO 8601). */
  @IsOptional()
  @IsISO8601({ strict: true })
  capturedAt?: string;
}

export interface TermRecordResponse {
  id: string;
  studentId: string;
  schoolId: string;
  term: { id: string; code: string };
  indicator: { id: string; code: string; dimension: Dimension; nameZh: string; nameEn: string; valueType: string; unit: string | null; retired: boolean };
  /** key: the occasion part of the identity (`final|2025-01-15`, `family|洗碗`, `retest` for a fitness 补测, or ''). */
  occasion: { examType: string | null; date: string | null; itemName: string | null; key: string };
  /** markerReason: why a 免测/暂缓 marker was given (fitness imports require it). */
  value: { number: number | null; text: string | null; marker: string | null; markerReason: string | null; fullMarks: number | null };
  attestedBy: string | null;
  source: string;
  version: number;
  recordedBy: string | null;
  recordedAt: string;
}

export interface ActivityRecordResponse {
  id: string;
  studentId: string;
  schoolId: string;
  term: { id: string; code: string };
  dimension: Dimension;
  recordType: string;
  title: string;
  level: string | null;
  role: string | null;
  startDate: string;
  endDate: string | null;
  hours: number | null;
  location: string | null;
  organiser: string | null;
  awardRank: string | null;
  source: string;
  /** teacher_on_behalf records wait for the student's confirmation. */
  needsStudentConfirmation: boolean;
  status: string;
  reviewRemark: string | null;
  version: number;
  recordedBy: string | null;
  recordedAt: string;
}

/** One version of a record: its values then, who set them and when; `current` marks the record itself. */
export interface RecordVersionResponse {
  version: number;
  current: boolean;
  values: Record<string, unknown>;
  source: string;
  recordedBy: string | null;
  recordedAt: string;
  supersededAt: string | null;
}

export interface RecordHistoryResponse {
  recordId: string;
  versions: RecordVersionResponse[];
}

export interface EvidenceResponse {
  id: string;
  activityRecordId: string;
  sha256: string;
  mediaType: string;
  sizeBytes: number;
  originalName: string;
  capturedAt: string | null;
  uploadedAt: string;
  /** How many other students' records carry the very same file (a signal of copied evidence). */
  sameFileOnOtherStudents: number;
}
