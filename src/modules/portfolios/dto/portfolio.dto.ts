import { IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { PageQueryDto } from '../../../common/http/pagination';
import { PORTFOLIO_STATUSES, type PortfolioStatus } from '../entities/portfolio.entity';

export class CompilePortfolioDto {
  @IsUUID()
  studentId: string;
}

export class CommentPortfolioDto {
  /** 班主任评语, 1–1000 characters. */
  @IsString()
  @Length(1, 1000)
  comment: string;
}

export class ReopenPortfolioDto {
  /** Why the sealed portfolio is reopened (e.g. the appeal that was upheld), 1–500 characters. */
  @IsString()
  @Length(1, 500)
  reason: string;
}

export class ListPortfoliosQueryDto extends PageQueryDto {
  @IsOptional()
  @IsUUID()
  studentId?: string;

  @IsOptional()
  @IsUUID()
  schoolId?: string;

  @IsOptional()
  @IsIn(PORTFOLIO_STATUSES)
  status?: PortfolioStatus;

  @IsOptional()
  @IsString()
  @Length(1, 200)
  purpose?: string;
}

/** A step of the workflow: when and by whom (user id). */
export interface PortfolioStep {
  at: string;
  by: string | null;
}

export interface PortfolioResponse {
  id: string;
  studentId: string;
  schoolId: string;
  version: number;
  status: PortfolioStatus;
  /** The sealed version this one reopens, and why. */
  supersedesId: string | null;
  reopenReason: string | null;
  /** A later version exists (this one is kept, readable, but no longer current). */
  superseded: boolean;
  steps: {
    compiled: PortfolioStep;
    studentConfirmed: PortfolioStep | null;
    commented: PortfolioStep | null;
    signedOff: PortfolioStep | null;
    sealed: PortfolioStep | null;
  };
  contentSha256: string | null;
  /** Every step of this version, oldest first, including resets (append-only history). */
  history: { action: string; fromStatus: PortfolioStatus | null; toStatus: PortfolioStatus; at: string; by: string | null; remark: string | null }[];
  /** The portfolio document: for a sealed version, exactly the sealed snapshot. */
  document: Record<string, unknown>;
}

export interface PortfolioSummaryResponse {
  id: string;
  studentId: string;
  schoolId: string;
  version: number;
  status: PortfolioStatus;
  superseded: boolean;
  compiledAt: string;
  sealedAt: string | null;
  contentSha256: string | null;
}

export interface VerificationResponse {
  portfolioId: string;
  version: number;
  algorithm: 'SHA-256';
  canonicalisation: 'RFC 8785 (JSON Canonicalization Scheme)';
  storedSha256: string;
  computedSha256: string;
  /** Every check passed: the hash matches, the snapshot is in canonical form, and it names this portfolio and version. */
  valid: boolean;
  checks: { hashMatches: boolean; canonicalForm: boolean; identityMatches: boolean };
  verifiedAt: string;
}
