/**
 * PostgreSQL COPY text format: one line per row, tab-separated, `\N` for NULL; backslash, tab,
 * newline and carriage return inside a value are escaped. Used to stream staged import rows.
 */
const NEEDS_ESCAPE = /[\\\t\n\r]/;

export function copyValue(value: string | null): string {
  if (value === null) return '\\N';
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

/** A staging line: the Excel row number, then the values (appended in place: this runs for every staged record). */
export function copyLine(rowNumber: number, values: readonly (string | null)[]): string {
  let line = String(rowNumber);
  for (let index = 0; index < values.length; index += 1) {
    const value = values[index];
    line += '\t';
    line += value === null ? '\\N' : NEEDS_ESCAPE.test(value) ? copyValue(value) : value;
  }
  return line + '\n';
}
