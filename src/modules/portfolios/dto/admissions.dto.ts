import { Type } from 'class-transformer';
import { IsDateString, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { PageQueryDto } from '../../../common/http/pagination';

export const LEVELS = ['A', 'B', 'C', 'D'] as const;
export type Level = (typeof LEVELS)[number];

/** What an audited reader states (also accepted as the `X-Access-Purpose` header). */
export class PurposeQueryDto {
  /** Why this student-level data is read, e.g. `2025年提前批录取审核`; stored in the audit trail. */
  @IsOptional()
  @IsString()
  @Length(1, 200)
  purpose?: string;
}

export class CreateAdmissionsBatchDto {
  /** What the applications file writes in 录取批次, e.g. `2025-提前批`. */
  @IsString()
  @Length(1, 40)
  code: string;

  @IsString()
  @Length(1, 100)
  name: string;

  /** First day officers may read their applicants' portfolios (China time, inclusive). */
  @IsDateString({ strict: true })
  opensOn: string;

  /** Last day (inclusive). */
  @IsDateString({ strict: true })
  closesOn: string;
}

export class UpdateAdmissionsBatchDto {
  @IsOptional()
  @IsString()
  @Length(1, 100)
  name?: string;

  @IsOptional()
  @IsDateString({ strict: true })
  opensOn?: string;

  @IsOptional()
  @IsDateString({ strict: true })
  closesOn?: string;
}

export class ListAdmissionsBatchesQueryDto extends PageQueryDto {}

export const APPLICANT_SORTS = ['levels', 'moral', 'academic', 'physical', 'aesthetic', 'labour', 'appliedOn', 'name'] as const;
export type ApplicantSort = (typeof APPLICANT_SORTS)[number];

/**
 * `GET /api/admissions/applicants`: the caller's applicants (an officer: applications to their
 * school in open batches), filterable by graduation levels. `minLevel` + `minDimensions`: at
 * least that many of the five dimensions at that level or better (e.g. B and 4). A dimension
 * parameter (`academic=B`) asks for that dimension at that level or better. `sort`: a key, best
 * (or latest, or A–Z) first; prefix `-` to reverse.
 */
export class ListApplicantsQueryDto extends PageQueryDto {
  @IsOptional()
  @IsString()
  @Length(1, 200)
  purpose?: string;

  @IsOptional()
  @IsUUID()
  batchId?: string;

  /** The receiving school (city administrators; an officer's list is their own school's anyway). */
  @IsOptional()
  @IsUUID()
  schoolId?: string;

  @IsOptional()
  @IsIn(LEVELS)
  minLevel?: Level;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(5)
  minDimensions?: number;

  @IsOptional()
  @IsIn(LEVELS)
  moral?: Level;

  @IsOptional()
  @IsIn(LEVELS)
  academic?: Level;

  @IsOptional()
  @IsIn(LEVELS)
  physical?: Level;

  @IsOptional()
  @IsIn(LEVELS)
  aesthetic?: Level;

  @IsOptional()
  @IsIn(LEVELS)
  labour?: Level;

  @IsOptional()
  @IsIn([...APPLICANT_SORTS, ...APPLICANT_SORTS.map((key) => `-${key}`)])
  sort?: string;
}

export interface AdmissionsBatchResponse {
  id: string;
  code: string;
  name: string;
  opensOn: string;
  closesOn: string;
  /** Whether today (China time) lies in the period. */
  open: boolean;
}

export interface ApplicantResponse {
  applicationId: string;
  appliedOn: string;
  batch: { id: string; code: string; name: string };
  receivingSchool: { id: string; code: string; name: string };
  student: { id: string; name: string; studentNumber: string; school: { id: string; code: string; name: string } };
  /** The latest sealed portfolio, or null while the student's school has not sealed one. */
  portfolio: { id: string; version: number; sealedAt: string; contentSha256: string } | null;
  /** Graduation level per dimension from that portfolio (A–D); a dimension without a result is absent. */
  levels: Record<string, string>;
  /** How many dimensions are at B or better. */
  dimensionsAtBOrBetter: number;
}
