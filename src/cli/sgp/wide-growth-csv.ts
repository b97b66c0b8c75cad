/**
 * Reads the wide growth file of `wuyu sgp`: one row per student, a header row, comma-separated,
 * UTF-8 (a BOM is skipped), CRLF or LF, RFC 4180 quotes. Scores are decimal numbers; an empty
 * cell, `NA` or `.` is a missing score. Anything else that is not a number is an error naming
 * the row and column, never a silent NaN.
 */
import { readFileSync } from 'node:fs';
import { CliError } from '../cli-error';

export interface WideGrowthColumns {
  readonly id: string;
  readonly current: string;
  /** Prior columns, most recent first. */
  readonly priors: readonly string[];
  readonly group?: string;
}

export interface WideGrowthTable {
  readonly ids: string[];
  readonly groups: string[] | null;
  readonly current: Float64Array;
  readonly priors: Float64Array[];
  readonly rowCount: number;
}

const MISSING = new Set(['', 'NA', '.', 'na', 'NaN']);

/** Splits one CSV line; handles quoted fields with doubled quotes (no newlines inside quotes). */
export function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < line.length; index += 1) {
    const character = line[index];
    if (quoted) {
      if (character === '"') {
        if (line[index + 1] === '"') {
          field += '"';
          index += 1;
        } else {
          quoted = false;
        }
      } else {
        field += character;
      }
    } else if (character === '"') {
      quoted = true;
    } else if (character === ',') {
      fields.push(field);
      field = '';
    } else {
      field += character;
    }
  }
  fields.push(field);
  return fields;
}

export function parseWideGrowthCsv(text: string, columns: WideGrowthColumns, fileName = 'input'): WideGrowthTable {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = body.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  if (lines.length === 0) throw new CliError('BAD_INPUT', `${fileName} is empty; expected a header row`);
  const header = splitCsvLine(lines[0]).map((name) => name.trim());
  const indexOf = (name: string, role: string): number => {
    const index = header.indexOf(name);
    if (index < 0) throw new CliError('BAD_INPUT', `${fileName}: no ${role} column "${name}" (columns: ${header.join(', ')})`);
    return index;
  };
  const idIndex = indexOf(columns.id, 'id');
  const currentIndex = indexOf(columns.current, 'current score');
  const priorIndexes = columns.priors.map((name) => indexOf(name, 'prior score'));
  const groupIndex = columns.group === undefined ? -1 : indexOf(columns.group, 'group');
  const rowCount = lines.length - 1;
  const ids = new Array<string>(rowCount);
  const groups = groupIndex < 0 ? null : new Array<string>(rowCount);
  const current = new Float64Array(rowCount);
  const priors = priorIndexes.map(() => new Float64Array(rowCount));
  const parse = (raw: string | undefined, row: number, column: string): number => {
    const text = (raw ?? '').trim();
    if (MISSING.has(text)) return Number.NaN;
    const value = Number(text);
    if (!Number.isFinite(value)) {
      throw new CliError('BAD_INPUT', `${fileName} line ${row + 2}, column "${column}": "${text}" is not a number (leave missing scores empty)`);
    }
    return value;
  };
  for (let row = 0; row < rowCount; row += 1) {
    const fields = splitCsvLine(lines[row + 1]);
    const id = (fields[idIndex] ?? '').trim();
    if (id === '') throw new CliError('BAD_INPUT', `${fileName} line ${row + 2}: the id column "${columns.id}" is empty`);
    ids[row] = id;
    if (groups !== null) groups[row] = (fields[groupIndex] ?? '').trim();
    current[row] = parse(fields[currentIndex], row, columns.current);
    priorIndexes.forEach((column, k) => {
      priors[k][row] = parse(fields[column], row, columns.priors[k]);
    });
  }
  return { ids, groups, current, priors, rowCount };
}

export function readWideGrowthCsv(path: string, columns: WideGrowthColumns): WideGrowthTable {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CliError('INPUT_NOT_READABLE', `cannot read ${path}: ${(error as Error).message}`);
  }
  return parseWideGrowthCsv(text, columns, path);
}
