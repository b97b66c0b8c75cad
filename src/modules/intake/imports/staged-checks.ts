import type { EntityManager } from 'typeorm';
import { studentInScopeSql } from '../../auth/data-scope';
import type { ImportContext, RowProblem } from '../../imports/pipeline/import-kind';

/**
 * Set-based checks every staged record kind shares, over a staging table with the columns
 * `row_number`, `student_number`, `student_name` (nullable) and `term_code`:
 *  - UNKNOWN_STUDENT: no student has the 学籍号 — or one has, outside the uploader's scope. Both
 *    get the same code and words, so an upload cannot probe which numbers exist elsewhere;
 *  - STUDENT_NAME_MISMATCH: the file's 姓名 differs from the roster's (in scope only);
 *  - UNKNOWN_TERM: the 学年学期 is not set up;
 *  - DUPLICATE_ROW_IN_FILE: a row repeats an earlier row's identity (`identityColumns`). Skipped
 *    when the caller knows no two staged lines share an identity (`duplicatesPossible: false`:
 *    the pipeline's identity-hash filter saw no collision while staging).
 * Returns the first `limit` problems by row and the total.
 */
export async function checkStagedRows(
  manager: EntityManager,
  staging: string,
  context: ImportContext,
  headers: { studentNumber: string; name: string; term: string },
  identityColumns: readonly string[],
  limit: number,
  options: { duplicatesPossible?: boolean } = {},
): Promise<{ problems: RowProblem[]; total: number }> {
  const params: unknown[] = [];
  const inScope = studentInScopeSql(context.scope, { studentIdColumn: 'st.id', schoolIdColumn: 'st.school_id' }, params);
  params.push(limit);
  // Each distinct (student, name, term) is looked up once (a file has a row per subject), then
  // only the lines of the few bad ones are joined back for their row numbers.
  const rows = (await manager.query(
    `WITH bad AS MATERIALIZED (
       SELECT s.student_number, s.student_name, s.term_code,
              (st.id IS NULL OR NOT ${inScope}) AS unknown_student,
              (t.id IS NULL) AS unknown_term,
              (st.id IS NOT NULL AND ${inScope} AND s.student_name IS NOT NULL AND s.student_name <> st.name) AS name_mismatch
       FROM (SELECT DISTINCT student_number, student_name, term_code FROM ${staging}) s
       LEFT JOIN students st ON st.student_number = s.student_number
       LEFT JOIN terms t ON t.code = s.term_code
       WHERE st.id IS NULL OR t.id IS NULL OR NOT ${inScope} OR (s.student_name IS NOT NULL AND s.student_name <> st.name)
     ),
     flagged AS (
       SELECT DISTINCT ON (s.row_number) s.row_number, s.student_number, s.student_name, s.term_code, b.unknown_student, b.unknown_term, b.name_mismatch
       FROM ${staging} s
       JOIN bad b ON b.student_number = s.student_number AND b.term_code = s.term_code AND b.student_name IS NOT DISTINCT FROM s.student_name
       ORDER BY s.row_number
     )
     SELECT *, sum(unknown_student::int + unknown_term::int + name_mismatch::int) OVER () AS total
     FROM flagged ORDER BY row_number LIMIT $${params.length}`,
    params,
  )) as { row_number: number; student_number: string; student_name: string | null; term_code: string; unknown_student: boolean; unknown_term: boolean; name_mismatch: boolean; total: string }[];
  const problems: RowProblem[] = [];
  let total = rows.length > 0 ? Number(rows[0].total) : 0;
  for (const row of rows) {
    if (row.unknown_student) {
      problems.push({ row: row.row_number, column: headers.studentNumber, code: 'UNKNOWN_STUDENT', message: 'no student with this student number (学籍号) is in your scope', messageZh: '您的权限范围内没有该学籍号的学生', value: row.student_number });
    }
    if (row.name_mismatch) {
      problems.push({ row: row.row_number, column: headers.name, code: 'STUDENT_NAME_MISMATCH', message: 'the name differs from the roster’s name for this student number', messageZh: '姓名与名册中该学籍号的学生不一致', value: row.student_name ?? '' });
    }
    if (row.unknown_term) {
      problems.push({ row: row.row_number, column: headers.term, code: 'UNKNOWN_TERM', message: `term ${row.term_code} is not set up; create it first`, messageZh: `学期${row.term_code}尚未设置，请先创建`, value: row.term_code });
    }
  }

  if (options.duplicatesPossible !== false) {
    const duplicates = await checkStagedDuplicates(manager, staging, identityColumns, limit);
    problems.push(...duplicates.problems);
    total += duplicates.total;
  }
  problems.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
  return { problems: problems.slice(0, limit), total };
}

/** One advisory-lock key per (school, term) the staged rows touch: imports for the same school and term run one after the other. */
export async function schoolTermLockKeys(manager: EntityManager, staging: string): Promise<string[]> {
  const rows = (await manager.query(
    // Distinct students first: a file has ~10 rows per student, so the join sees a tenth of them.
    `SELECT DISTINCT 'wuyu-records:' || st.school_id || ':' || s.term_code AS key
     FROM (SELECT DISTINCT student_number, term_code FROM ${staging}) s JOIN students st ON st.student_number = s.student_number`,
  )) as { key: string }[];
  return rows.map((row) => row.key);
}

/**
 * DUPLICATE_ROW_IN_FILE over the staged rows: the first `limit` rows that repeat an earlier row's
 * identity, and how many there are. Groups first (count and smallest row only: an array_agg per
 * group costs a memory context for each of 100,000 groups), then the rows of the few repeated
 * groups. Identity columns are never NULL (the row checks refuse empty ones), so the join's `=`
 * matches what GROUP BY groups.
 */
export async function checkStagedDuplicates(manager: EntityManager, staging: string, identityColumns: readonly string[], limit: number): Promise<{ problems: RowProblem[]; total: number }> {
  const duplicates = (await manager.query(
    `WITH repeated AS (
       SELECT ${identityColumns.join(', ')}, min(row_number) AS first FROM ${staging}
       GROUP BY ${identityColumns.join(', ')} HAVING count(*) > 1
     ),
     duplicate AS (
       SELECT s.row_number, min(g.first) AS first FROM ${staging} s
       JOIN repeated g ON ${identityColumns.map((column) => `g.${column} = s.${column}`).join(' AND ')}
       WHERE s.row_number <> g.first
       GROUP BY s.row_number
     )
     SELECT row_number, first, count(*) OVER () AS total FROM duplicate ORDER BY row_number LIMIT $1`,
    [limit],
  )) as { row_number: number; first: number; total: string }[];
  return {
    problems: duplicates.map(({ row_number: row, first }) => ({ row, code: 'DUPLICATE_ROW_IN_FILE', message: `this row repeats row ${first}`, messageZh: `该行与第${first}行重复` })),
    total: duplicates.length > 0 ? Number(duplicates[0].total) : 0,
  };
}
