import type { RowProblem } from './pipeline/import-kind';

/** What a dry run or a commit answers: the whole validation report, and what was written. */
export interface ImportReport {
  kind: string;
  fileName: string;
  fileSha256: string;
  format: 'csv' | 'xlsx' | 'unknown';
  encoding: string;
  /** Data rows read (the header excluded). */
  rowCount: number;
  valid: boolean;
  dryRun: boolean;
  committed: boolean;
  errorCount: number;
  /** Problems, in row order; at most MAX_REPORTED_ERRORS (errorCount has the total). */
  errors: RowProblem[];
  /** What the commit changed; all zeros for a file imported before. */
  summary?: Record<string, number>;
  batchId?: string;
}

export const MAX_REPORTED_ERRORS = 1000;
