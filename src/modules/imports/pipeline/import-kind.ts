import type { EntityManager } from 'typeorm';
import type { DataScope } from '../../auth/data-scope';

/** Who is importing: the uploader's data scope (rows outside it are refused) and user id (for record history). */
export interface ImportContext {
  readonly scope: DataScope;
  readonly actorUserId: string | null;
}

/** One problem found in a file: where (Excel row number and column header), what, and the value. */
export interface RowProblem {
  /** Excel row number (header = 1); absent for file-level problems. */
  readonly row?: number;
  /** The column header as it appears in the file (or the expected header if missing). */
  readonly column?: string;
  readonly code: string;
  readonly message: string;
  readonly messageZh: string;
  readonly value?: string;
}

export interface ColumnSpec<K extends string> {
  readonly key: K;
  /** Accepted headers; the first is the canonical Chinese header used in templates. */
  readonly headers: readonly string[];
  readonly required: boolean;
  /** A short description shown in the template's second sheet / docs. */
  readonly description?: string;
}

export type RowCells<K extends string> = Readonly<Record<K, string>>;

/** What a parsed row check returns: the typed row, or problems (never both empty). */
export type ParsedRow<T> = { readonly row: T; readonly problems?: undefined } | { readonly row?: undefined; readonly problems: readonly RowProblem[] };

/**
 * One kind of import (roster now; scores, fitness, vision, art, labour, 写实记录 later).
 * The pipeline does everything generic — decode, read, map headers, normalise, report — and
 * asks the kind only what is specific to it:
 *  - parseRow: cell text → typed row, per-row problems (no database);
 *  - keyOf: the identity used to find duplicate rows within the file;
 *  - resolve: database checks over all rows at once (unknown school, term …), set-based;
 *  - commit: write all rows inside the caller's transaction, set-based; return counts.
 */
export interface ImportKind<K extends string, T, R = T> {
  readonly kind: string;
  readonly titleZh: string;
  readonly columns: readonly ColumnSpec<K>[];
  /** Example rows for templates, by column key. */
  readonly exampleRows: readonly RowCells<K>[];
  parseRow(cells: RowCells<K>, rowNumber: number, header: (key: K) => string): ParsedRow<T>;
  keyOf(row: T): string;
  resolve(rows: readonly { rowNumber: number; row: T }[], manager: EntityManager, header: (key: K) => string, context: ImportContext): Promise<{ resolved: { rowNumber: number; row: R }[]; problems: RowProblem[] }>;
  commit(rows: readonly R[], manager: EntityManager, context: ImportContext): Promise<Record<string, number>>;
}

// Existential alias for registries holding kinds of different row types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyImportKind = ImportKind<string, any, any>;

/** Writes one line of the staging table: the values after `row_number`, in `stagingColumns` order; null = SQL NULL. */
export type StageWriter = (values: readonly (string | null)[]) => void;

/** The row check of a staged kind: problems for a bad row, or nothing after staging its line(s). */
export type StagedRowCheck<K extends string> = (cells: RowCells<K>, rowNumber: number, stage: StageWriter) => readonly RowProblem[] | undefined;

/**
 * A kind for large files (term records): rows stream from the file through `prepare`'s row
 * check straight into a temporary staging table by COPY, never collected in memory. Checks
 * that need the database (unknown or out-of-scope student, unknown term, duplicates) are
 * set-based queries over the staging table; the commit is one set-based merge (ADR 0401).
 * Everything runs in one transaction with the caller's context.
 */
export interface StagedImportKind<K extends string> {
  readonly kind: string;
  readonly titleZh: string;
  readonly columns: readonly ColumnSpec<K>[];
  readonly exampleRows: readonly RowCells<K>[];
  readonly staged: true;
  /** Columns of the staging table after `row_number integer`, as [name, SQL type]. */
  readonly stagingColumns: readonly (readonly [name: string, sqlType: string])[];
  /** The staging columns that identify a record within a file (never NULL); two lines alike in these are a duplicate. */
  readonly identityColumns: readonly string[];
  /** Loads what the row check needs (e.g. the indicator catalogue) and returns it. */
  prepare(manager: EntityManager, header: (key: K) => string): Promise<StagedRowCheck<K>>;
  /**
   * Set-based checks of the staged rows. Returns the first `limit` problems in row order and
   * how many there are in all. Runs before the merge takes its locks, and in dry runs.
   * `duplicatesPossible` is false when the pipeline saw no two staged lines with the same
   * identity (IdentityFilter), so the duplicate check may be skipped.
   */
  resolve(manager: EntityManager, staging: string, context: ImportContext, header: (key: K) => string, limit: number, options: { duplicatesPossible: boolean }): Promise<{ problems: RowProblem[]; total: number }>;
  /** Advisory-lock keys this file's rows touch (e.g. one per school and term), taken in sorted order before the merge. */
  lockKeys(manager: EntityManager, staging: string): Promise<string[]>;
  /** Writes the staged rows: one set-based merge; returns counts of what changed. */
  merge(manager: EntityManager, staging: string, context: ImportContext & { batchId: string }): Promise<Record<string, number>>;
  /**
   * Present when the kind may be committed part by part while the file is still being read
   * (ADR 0420): `resolve` (without the duplicate check) and `merge` of a part of the staged rows
   * say about those rows exactly what they say as part of the whole file — no check looks across
   * rows except for duplicates, which this runs over all staged rows. Kinds with cross-row checks
   * (one 补测 per school year) leave it out and merge once, after every check.
   */
  checkDuplicates?(manager: EntityManager, staging: string, limit: number): Promise<{ problems: RowProblem[]; total: number }>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyStagedImportKind = StagedImportKind<any>;

export function isStagedKind(kind: AnyImportKind | AnyStagedImportKind): kind is AnyStagedImportKind {
  return (kind as AnyStagedImportKind).staged === true;
}
