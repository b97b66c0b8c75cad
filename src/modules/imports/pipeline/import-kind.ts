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
