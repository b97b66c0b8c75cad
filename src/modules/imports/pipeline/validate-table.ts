import type { Table, TableRow } from './read-table';
import type { AnyImportKind, ColumnSpec, RowProblem } from './import-kind';

/** Header text → column key, case- and space-insensitive, full-width already normalised. */
function headerKey(text: string): string {
  return text.replace(/\s+/g, '').replace(/[（(].*?[）)]/g, '').toLowerCase();
}

export interface MappedTable {
  /** For each column key, the index of its column in the file. */
  readonly indexOf: ReadonlyMap<string, number>;
  /** The header text as the file spells it, for error reports. */
  readonly headerOf: ReadonlyMap<string, string>;
}

/**
 * Maps the file's headers onto the kind's columns. File-level problems: a required column
 * missing, a column given twice, or a column the kind does not know (rejected rather than
 * ignored, so no submitted data is silently dropped).
 */
export function mapHeaders(headers: readonly string[], columns: readonly ColumnSpec<string>[]): MappedTable | RowProblem[] {
  const problems: RowProblem[] = [];
  const indexOf = new Map<string, number>();
  const headerOf = new Map<string, string>();
  const lookup = new Map<string, string>();
  for (const column of columns) for (const header of column.headers) lookup.set(headerKey(header), column.key);
  headers.forEach((header, index) => {
    if (header === '') return;
    const key = lookup.get(headerKey(header));
    if (!key) {
      problems.push({ row: 1, column: header, code: 'UNKNOWN_COLUMN', message: `column "${header}" is not part of this template`, messageZh: `列“${header}”不属于该模板` });
      return;
    }
    if (indexOf.has(key)) {
      problems.push({ row: 1, column: header, code: 'DUPLICATE_COLUMN', message: `column "${header}" appears twice`, messageZh: `列“${header}”重复出现` });
      return;
    }
    indexOf.set(key, index);
    headerOf.set(key, header);
  });
  for (const column of columns) {
    if (column.required && !indexOf.has(column.key)) {
      problems.push({ row: 1, column: column.headers[0], code: 'MISSING_COLUMN', message: `required column "${column.headers[0]}" is missing`, messageZh: `缺少必填列“${column.headers[0]}”` });
    }
  }
  return problems.length > 0 ? problems : { indexOf, headerOf };
}

export interface ValidatedRows<T> {
  readonly rows: { rowNumber: number; row: T }[];
  readonly problems: RowProblem[];
}

/**
 * Runs the kind's per-row checks over every row (never stopping at the first problem) and
 * flags rows whose identity repeats an earlier row of the same file.
 */
export function validateRows<T>(table: Table, kind: AnyImportKind, mapped: MappedTable): ValidatedRows<T> {
  const problems: RowProblem[] = [];
  const rows: { rowNumber: number; row: T }[] = [];
  const firstRowOfKey = new Map<string, number>();
  const mappedIndexes = new Set(mapped.indexOf.values());
  const header = (key: string) => mapped.headerOf.get(key) ?? kind.columns.find((c) => c.key === key)?.headers[0] ?? key;
  for (const tableRow of table.rows) {
    const { cells, problems: cellProblems } = cellsOfRow(tableRow, kind.columns, mapped, mappedIndexes);
    problems.push(...cellProblems);
    const parsed = kind.parseRow(cells, tableRow.rowNumber, header);
    if (parsed.problems) {
      problems.push(...parsed.problems);
      continue;
    }
    const key = kind.keyOf(parsed.row);
    const first = firstRowOfKey.get(key);
    if (first !== undefined) {
      problems.push({ row: tableRow.rowNumber, code: 'DUPLICATE_ROW_IN_FILE', message: `this row repeats row ${first}`, messageZh: `该行与第${first}行重复`, value: key });
      continue;
    }
    firstRowOfKey.set(key, tableRow.rowNumber);
    rows.push({ rowNumber: tableRow.rowNumber, row: parsed.row as T });
  }
  return { rows, problems };
}

/**
 * One row's cells by column key ('' for a column the file lacks), and a problem for each value
 * standing in a column without a header.
 */
export function cellsOfRow(tableRow: TableRow, columns: readonly ColumnSpec<string>[], mapped: MappedTable, mappedIndexes: ReadonlySet<number>): { cells: Record<string, string>; problems: RowProblem[] } {
  const cells: Record<string, string> = {};
  const problems: RowProblem[] = [];
  for (const column of columns) {
    const index = mapped.indexOf.get(column.key);
    cells[column.key] = index === undefined ? '' : (tableRow.cells[index] ?? '');
  }
  for (let extra = 0; extra < tableRow.cells.length; extra += 1) {
    if (tableRow.cells[extra] !== '' && !mappedIndexes.has(extra)) {
      problems.push({ row: tableRow.rowNumber, code: 'VALUE_WITHOUT_HEADER', message: `a value stands in column ${extra + 1}, which has no header`, messageZh: `第${extra + 1}列有数据但没有列名`, value: tableRow.cells[extra] });
    }
  }
  return { cells, problems };
}

/**
 * `cellsOfRow` for a stream of rows: the column positions are worked out once, so each row costs
 * an object with the kind's keys and one pass over its cells (no map or set lookups per cell).
 * Problems (values without a header) go to `onProblem`.
 */
export function cellMapper(columns: readonly ColumnSpec<string>[], mapped: MappedTable): (tableRow: TableRow, onProblem: (problem: RowProblem) => void) => Record<string, string> {
  const keys = columns.map((column) => column.key);
  const indexes = columns.map((column) => mapped.indexOf.get(column.key) ?? -1);
  const headed: boolean[] = [];
  for (const index of mapped.indexOf.values()) headed[index] = true;
  return (tableRow, onProblem) => {
    const rowCells = tableRow.cells;
    const cells: Record<string, string> = {};
    for (let column = 0; column < keys.length; column += 1) {
      const index = indexes[column];
      cells[keys[column]] = index < 0 ? '' : (rowCells[index] ?? '');
    }
    for (let extra = 0; extra < rowCells.length; extra += 1) {
      if (rowCells[extra] !== '' && headed[extra] !== true) {
        onProblem({ row: tableRow.rowNumber, code: 'VALUE_WITHOUT_HEADER', message: `a value stands in column ${extra + 1}, which has no header`, messageZh: `第${extra + 1}列有数据但没有列名`, value: rowCells[extra] });
      }
    }
    return cells;
  };
}
