import { Transform } from 'class-transformer';
import { IsIn, IsISO8601, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
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

/** Numbers in the JSON body are taken as the text a file would hold (95.5 → "95.5"). */
const asText = ({ value }: { value: unknown }) => (typeof value === 'number' && Number.isFinite(value) ? String(value) : value);

/**
 * The fields of one value, as a file's cells would hold them and checked by the same rules as the
 * import (docs/import-format.md): `value` is a number, a run time (3'55"), a level, 是/否, text, or a
 * marker (缺考/免考/免测/暂缓 …). Which other fields apply depends on the indicator: an academic
 * score takes `examType`, `examDate` (its occasion) and `fullMarks`; a labour list item `category`,
 * `item`, `date`, `attestedBy`; fitness items `date`, `testType` (正常/补测) and `exemptionReason`;
 * other indicators `date` (vision, art) or nothing else.
 */
export class TermRecordValueDto {
  @Transform(asText)
  @IsString()
  @MaxLength(200)
  value: string;

  @IsOptional()
  @Transform(asText)
  @IsString()
  @MaxLength(20)
  fullMarks?: string;

  @IsOptional()
  @IsString()
  @MaxLength(20)
  date?: string;

  @IsOptional()
  @IsString()
  @MaxLength(50)
  attestedBy?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  exemptionReason?: string;
}

/** `POST /api/term-records`: a new value for a student, term, indicator and occasion. */
export class CreateTermRecordDto extends TermRecordValueDto {
  @IsUUID()
  studentId: string;

  @IsUUID()
  termId: string;

  @IsUUID()
  indicatorId: string;

  /** Academic scores: 期中/期末/统考/学业水平考试/中考 (part of the identity). */
  @IsOptional()
  @IsString()
  @MaxLength(20)
  examType?: string;

  /** Academic scores: the exam date (part of the identity). */
  @IsOptional()
  @IsString()
  @MaxLength(20)
  examDate?: string;

  /** Labour list: 家庭/学校/社会 (part of the identity). */
  @IsOptional()
  @IsString()
  @MaxLength(20)
  category?: string;

  /** Labour list: the item (part of the identity). */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  item?: string;

  /** Fitness: 正常 (default) or 补测 (part of the identity: a retest is its own record, ADR 0510). */
  @IsOptional()
  @IsString()
  @MaxLength(20)
  testType?: string;
}

/** `PUT /api/term-records/:id`: a corrected value; the identity (student, term, indicator, occasion) stays. Fields left out keep their current value. */
export class UpdateTermRecordDto extends TermRecordValueDto {}
