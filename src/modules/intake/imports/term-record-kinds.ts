import type { EntityManager } from 'typeorm';
import type { ColumnSpec, ImportContext, RowCells, RowProblem, StagedImportKind, StageWriter } from '../../imports/pipeline/import-kind';
import { parseFlexibleDate } from '../../imports/pipeline/parse-values';
import { studentInScopeSql } from '../../auth/data-scope';
import { EXAM_TYPE_ALIASES, FITNESS_RETEST_OCCASION, LABOUR_CATEGORY_ALIASES } from '../dimensions';
import { INDICATOR_RULE_COLUMNS, type IndicatorRule, isValueProblem, parseIndicatorValue, toIndicatorRule } from '../indicator-values';
import { checkStagedDuplicates, checkStagedRows, schoolTermLockKeys } from './staged-checks';
import { timeOrderedIdPrefix, timeOrderedIdSql } from '../../imports/pipeline/time-ordered-ids';

/**
 * The term-record import kinds — scores, fitness raw measurements, vision, art assessment and
 * the labour list — are one engine: each kind says how a row becomes one or more records
 * (student × term × indicator × occasion); staging, checks, locking, versioning and the merge
 * are shared. Indicators come from the catalogue (the `indicators` table), so an indicator an
 * administrator adds (a new subject) is importable at once, and a retired one is refused.
 */

/** One record a row yields, before it is staged. */
interface StagedRecord {
  indicator: IndicatorRule;
  occasionKey: string;
  examType: string | null;
  occasionDate: string | null;
  itemName: string | null;
  numeric: string | null;
  text: string | null;
  fullMarks: string | null;
  marker: string | null;
  /** Why a 免测/暂缓 marker was given (fitness), null otherwise. */
  markerReason: string | null;
  attestedBy: string | null;
}

export const TERM_RECORD_STAGING_COLUMNS = [
  ['student_number', 'text'],
  ['student_name', 'text'],
  ['term_code', 'text'],
  ['indicator_id', 'uuid'],
  ['occasion_key', 'text'],
  ['exam_type', 'text'],
  ['occasion_date', 'date'],
  ['item_name', 'text'],
  ['numeric_value', 'numeric'],
  ['text_value', 'text'],
  ['full_marks', 'numeric'],
  ['marker', 'text'],
  ['attested_by', 'text'],
  ['marker_reason', 'text'],
] as const;

/** A record's identity within a file: student, term, indicator, occasion. */
const TERM_RECORD_IDENTITY = ['student_number', 'term_code', 'indicator_id', 'occasion_key'] as const;

type CommonColumn = 'studentNumber' | 'name' | 'term';
const COMMON_COLUMNS: readonly ColumnSpec<CommonColumn>[] = [
  { key: 'studentNumber', headers: ['学籍号', 'studentNumber', 'student_number', '全国学籍号'], required: true, description: 'G/J/L + 18位，须为名册中的学生' },
  { key: 'name', headers: ['姓名', 'name'], required: false, description: '填写时须与名册一致' },
  { key: 'term', headers: ['学年学期', 'term', 'termCode', 'term_code'], required: true, description: '2024-2025-1' },
];

export interface Catalogue {
  byCode: ReadonlyMap<string, IndicatorRule>;
  all: readonly IndicatorRule[];
  /** Subject text → indicator, memoised (a 100k-row file names ~10 subjects). */
  subjects: Map<string, IndicatorRule | undefined>;
}

async function loadCatalogue(manager: EntityManager): Promise<Catalogue> {
  const rows = (await manager.query(`SELECT ${INDICATOR_RULE_COLUMNS} FROM indicators`)) as Parameters<typeof toIndicatorRule>[0][];
  const all = rows.map(toIndicatorRule);
  return { byCode: new Map(all.map((indicator) => [indicator.code, indicator])), all, subjects: new Map() };
}

function problem(row: number, column: string, code: string, message: string, messageZh: string, value?: string): RowProblem {
  return { row, column, code, message, messageZh, value };
}

/** What a kind defines: its own columns and how a row (already split into cells) becomes records. */
interface TermRecordKindDefinition<K extends string> {
  kind: string;
  titleZh: string;
  columns: readonly ColumnSpec<K>[];
  exampleRows: readonly RowCells<K | CommonColumn>[];
  /** Identity of a record within the file, besides student and term (indicator + occasion). */
  toRecords(cells: RowCells<K | CommonColumn>, rowNumber: number, header: (key: K) => string, catalogue: Catalogue, problems: RowProblem[]): StagedRecord[];
  /** Set-based checks of this kind over the staging table, beside the shared ones (e.g. one 补测 per school year). */
  checkStaged?(manager: EntityManager, staging: string, context: ImportContext, header: (key: K) => string, limit: number): Promise<{ problems: RowProblem[]; total: number }>;
}

/** Looks up a catalogue indicator by code; a missing or retired one is a row problem. */
function indicatorFor(catalogue: Catalogue, code: string, rowNumber: number, column: string, problems: RowProblem[]): IndicatorRule | undefined {
  const indicator = catalogue.byCode.get(code);
  if (!indicator) {
    problems.push(problem(rowNumber, column, 'UNKNOWN_INDICATOR', `indicator ${code} is not in the catalogue`, `指标${code}不在指标目录中`));
    return undefined;
  }
  if (indicator.retired) {
    problems.push(problem(rowNumber, column, 'INDICATOR_RETIRED', `indicator ${indicator.nameEn} is retired and takes no new values`, `指标“${indicator.nameZh}”已停用，不再接收新数据`));
    return undefined;
  }
  return indicator;
}

function valueRecord(indicator: IndicatorRule, raw: string, rowNumber: number, column: string, problems: RowProblem[], occasion: Partial<StagedRecord> = {}, fullMarks?: number | null): StagedRecord | undefined {
  const parsed = parseIndicatorValue(indicator, raw, fullMarks);
  if (isValueProblem(parsed)) {
    problems.push(problem(rowNumber, column, parsed.code, parsed.message, parsed.messageZh, raw));
    return undefined;
  }
  // Built field by field (no object spread: this runs for every record of a file).
  return {
    indicator,
    occasionKey: occasion.occasionKey ?? '',
    examType: occasion.examType ?? null,
    occasionDate: occasion.occasionDate ?? null,
    itemName: occasion.itemName ?? null,
    numeric: occasion.numeric ?? parsed.numeric ?? null,
    text: occasion.text ?? parsed.text ?? null,
    fullMarks: occasion.fullMarks ?? null,
    marker: occasion.marker ?? parsed.marker ?? null,
    markerReason: occasion.markerReason ?? null,
    attestedBy: occasion.attestedBy ?? null,
  };
}

/** Dates repeat across a file (one exam date for thousands of rows): parse each distinct text once. */
const dateCache = new Map<string, string | undefined>();
function cachedDate(raw: string): string | undefined {
  const cached = dateCache.get(raw);
  if (cached !== undefined || dateCache.has(raw)) return cached;
  const date = parseFlexibleDate(raw);
  if (dateCache.size > 10_000) dateCache.clear();
  dateCache.set(raw, date);
  return date;
}

function optionalDate(raw: string, rowNumber: number, column: string, problems: RowProblem[]): string | null {
  if (raw === '') return null;
  const date = cachedDate(raw);
  if (!date) problems.push(problem(rowNumber, column, 'BAD_DATE', 'not a date (use 2024-09-01, 2024/9/1 or 2024年9月1日)', '日期格式无法识别（请用2024-09-01、2024/9/1或2024年9月1日）', raw));
  return date ?? null;
}

const STUDENT_NUMBER = /^[GJL][0-9A-Z]{18}$/;
const TERM_CODE = /^\d{4}-\d{4}-[12]$/;

function buildKind<K extends string>(definition: TermRecordKindDefinition<K>): StagedImportKind<K | CommonColumn> {
  const columns = [...COMMON_COLUMNS, ...definition.columns] as readonly ColumnSpec<K | CommonColumn>[];
  return {
    kind: definition.kind,
    titleZh: definition.titleZh,
    columns,
    exampleRows: definition.exampleRows,
    staged: true,
    stagingColumns: TERM_RECORD_STAGING_COLUMNS,
    identityColumns: TERM_RECORD_IDENTITY,

    async prepare(manager, header) {
      const catalogue = await loadCatalogue(manager);
      // One problem list reused row after row (most rows have none); a row's problems leave as a copy.
      const problems: RowProblem[] = [];
      return (cells, rowNumber, stage: StageWriter) => {
        problems.length = 0;
        for (const column of columns) {
          if (column.required && cells[column.key] === '') problems.push(problem(rowNumber, header(column.key), 'REQUIRED_VALUE_MISSING', `${header(column.key)} is empty`, `${header(column.key)}不能为空`));
        }
        if (problems.length > 0) return problems.slice();
        // Most numbers are already canonical: test first, rebuild (upper case, no spaces) only when not.
        const studentNumber = STUDENT_NUMBER.test(cells.studentNumber) ? cells.studentNumber : cells.studentNumber.toUpperCase().replace(/\s+/g, '');
        if (!STUDENT_NUMBER.test(studentNumber)) {
          problems.push(problem(rowNumber, header('studentNumber'), 'BAD_STUDENT_NUMBER', 'a student number is G, J or L and 18 more characters', '学籍号应为G/J/L加18位', cells.studentNumber));
        }
        if (!TERM_CODE.test(cells.term)) problems.push(problem(rowNumber, header('term'), 'BAD_TERM_CODE', 'the term looks like 2024-2025-1', '学年学期格式应为2024-2025-1', cells.term));
        if (cells.name.length > 50) problems.push(problem(rowNumber, header('name'), 'TOO_LONG', 'the name is longer than 50 characters', '姓名超过50个字符', cells.name));
        const records = definition.toRecords(cells, rowNumber, header as (key: K) => string, catalogue, problems);
        if (problems.length > 0) return problems.slice();
        if (records.length === 0) return [problem(rowNumber, header('studentNumber'), 'ROW_WITHOUT_VALUES', 'the row gives no value to record', '该行没有可导入的数据')];
        const name = cells.name === '' ? null : cells.name;
        for (const record of records) {
          stage([
            studentNumber, name, cells.term, record.indicator.id, record.occasionKey, record.examType, record.occasionDate, record.itemName,
            record.numeric, record.text, record.fullMarks, record.marker, record.attestedBy, record.markerReason,
          ]);
        }
        return undefined;
      };
    },

    async resolve(manager, staging, context, header, limit, options) {
      const shared = await checkStagedRows(manager, staging, context, { studentNumber: header('studentNumber'), name: header('name'), term: header('term') }, TERM_RECORD_IDENTITY, limit, options);
      if (!definition.checkStaged) return shared;
      const own = await definition.checkStaged(manager, staging, context, header as (key: K) => string, limit);
      const problems = [...shared.problems, ...own.problems].sort((a, b) => (a.row ?? 0) - (b.row ?? 0)).slice(0, limit);
      return { problems, total: shared.total + own.total };
    },

    lockKeys: schoolTermLockKeys,

    merge: mergeTermRecords,

    // A kind whose rows are checked one by one (no cross-row check like one 补测 per year) can be merged part by part.
    checkDuplicates: definition.checkStaged ? undefined : (manager, staging, limit) => checkStagedDuplicates(manager, staging, TERM_RECORD_IDENTITY, limit),
  };
}

const VALUE_COLUMNS = ['numeric_value', 'text_value', 'full_marks', 'marker', 'marker_reason', 'exam_type', 'occasion_date', 'item_name', 'attested_by'] as const;

/** The record's values as a version snapshot (record_versions.snapshot), the same for imports and single entries. */
export function termRecordSnapshotSql(alias: string): string {
  const r = alias;
  return `jsonb_build_object('numericValue', ${r}.numeric_value, 'textValue', ${r}.text_value, 'fullMarks', ${r}.full_marks, 'marker', ${r}.marker, 'markerReason', ${r}.marker_reason,
                               'examType', ${r}.exam_type, 'occasionDate', ${r}.occasion_date, 'itemName', ${r}.item_name, 'attestedBy', ${r}.attested_by)`;
}

/**
 * The set-based merge: ONE statement over the staged rows, resolved by joins (student, the
 * student's school in that term, term, indicator — never trusted from the file) into a
 * CTE that three data-modifying CTEs read:
 *  1. identities whose values differ: the current values go to record_versions;
 *  2. those records get the new values, version + 1;
 *  3. new identities are inserted, in identity order, with time-ordered ids (ADR 0410).
 * All three see the statement's snapshot, so (1) snapshots the values (2) replaces. `changed`
 * is false for new identities, so (1) and (2) get no rows for them: a first import into a new
 * term's partition, which the planner takes for empty, never scans it once per staged row. Identical
 * rows are left alone, so re-importing a file changes nothing. The caller holds the school+term
 * advisory locks, so no other import writes these identities meanwhile; a plain INSERT (no
 * ON CONFLICT speculation) is then safe and markedly cheaper.
 */
async function mergeTermRecords(manager: EntityManager, staging: string, context: ImportContext & { batchId: string }): Promise<Record<string, number>> {
  const tuple = (alias: string) => `(${VALUE_COLUMNS.map((column) => `${alias}.${column}`).join(', ')})`;
  const identityOrder = 'student_id, term_id, indicator_id, occasion_key';
  // term_records is partitioned by term (ADR 1010): naming the file's terms as a constant list
  // lets the planner read only their partitions — a join through terms alone would scan them all.
  const [{ term_ids: termIds }] = (await manager.query(`SELECT coalesce(array_agg(t.id), '{}') AS term_ids FROM terms t WHERE t.code IN (SELECT DISTINCT term_code FROM ${staging})`)) as { term_ids: string[] }[];
  const [counts] = (await manager.query(
    `WITH who AS MATERIALIZED (
       SELECT w.student_number, w.term_code, st.id AS student_id, COALESCE(e.school_id, st.school_id) AS school_id, t.id AS term_id
       FROM (SELECT DISTINCT student_number, term_code FROM ${staging}) w
       JOIN students st ON st.student_number = w.student_number
       JOIN terms t ON t.code = w.term_code
       LEFT JOIN enrolments e ON e.student_id = st.id AND e.term_id = t.id
     ),
     source AS (
       SELECT w.student_id, w.school_id, w.term_id, i.id AS indicator_id, s.occasion_key,
              s.numeric_value, s.text_value, s.full_marks, s.marker, s.marker_reason, s.exam_type, s.occasion_date, s.item_name, s.attested_by,
              r.id AS record_id, r.id IS NOT NULL AND ${tuple('r')} IS DISTINCT FROM ${tuple('s')} AS changed
       FROM ${staging} s
       JOIN who w ON w.student_number = s.student_number AND w.term_code = s.term_code
       JOIN indicators i ON i.id = s.indicator_id
       LEFT JOIN term_records r ON r.student_id = w.student_id AND r.term_id = w.term_id AND r.indicator_id = s.indicator_id AND r.occasion_key = s.occasion_key AND r.term_id = ANY($4::uuid[])
     ),
     superseded AS (
       INSERT INTO record_versions (record_kind, record_id, school_id, student_id, version, snapshot, source, recorded_by, recorded_at, import_batch_id)
       SELECT 'term_record', r.id, r.school_id, r.student_id, r.version,
              ${termRecordSnapshotSql('r')},
              r.source, r.recorded_by, r.updated_at, r.import_batch_id
       FROM source s JOIN term_records r ON r.id = s.record_id AND r.term_id = s.term_id
       WHERE s.changed AND r.term_id = ANY($4::uuid[])
     ),
     updated AS (
       UPDATE term_records r
       SET numeric_value = s.numeric_value, text_value = s.text_value, full_marks = s.full_marks, marker = s.marker, marker_reason = s.marker_reason, exam_type = s.exam_type,
           occasion_date = s.occasion_date, item_name = s.item_name, attested_by = s.attested_by, school_id = s.school_id,
           source = 'school_import', recorded_by = $1::uuid, import_batch_id = $2::uuid, version = r.version + 1, updated_at = now()
       FROM source s
       WHERE r.id = s.record_id AND r.term_id = s.term_id AND s.changed AND r.term_id = ANY($4::uuid[])
       RETURNING 1
     ),
     created AS (
       INSERT INTO term_records (id, school_id, student_id, term_id, indicator_id, occasion_key, numeric_value, text_value, full_marks, marker, marker_reason, exam_type, occasion_date, item_name, attested_by, source, recorded_by, import_batch_id)
       SELECT (${timeOrderedIdSql('$3', `row_number() OVER (ORDER BY ${identityOrder})`)}),
              school_id, student_id, term_id, indicator_id, occasion_key, numeric_value, text_value, full_marks, marker, marker_reason, exam_type, occasion_date, item_name, attested_by, 'school_import', $1::uuid, $2::uuid
       FROM source WHERE record_id IS NULL
       ORDER BY ${identityOrder}
       RETURNING 1
     )
     SELECT (SELECT count(*) FROM updated)::int AS updated, (SELECT count(*) FROM created)::int AS created`,
    [context.actorUserId, context.batchId, timeOrderedIdPrefix(), termIds],
  )) as { updated: number; created: number }[];
  return { recordsCreated: counts.created, recordsUpdated: counts.updated };
}

// ───────────────────────────── the kinds ─────────────────────────────

type ScoreColumn = 'subject' | 'examType' | 'examDate' | 'score' | 'fullMarks';

/** Subject as written (语文, 数学, math, Mathematics …) → academic score indicator. */
function subjectIndicator(catalogue: Catalogue, subject: string): IndicatorRule | undefined {
  const known = catalogue.subjects.get(subject);
  if (known !== undefined || catalogue.subjects.has(subject)) return known;
  const wanted = subject.replace(/\s+/g, '').toLowerCase();
  const found = catalogue.all.find(
    (indicator) =>
      indicator.dimension === 'academic' &&
      indicator.valueType === 'score' &&
      (indicator.nameZh === subject || indicator.code.toLowerCase() === wanted || indicator.code.split('.').pop() === wanted || indicator.aliases.some((alias) => alias.replace(/\s+/g, '').toLowerCase() === wanted)),
  );
  catalogue.subjects.set(subject, found);
  return found;
}

/** `期末|2025-01-15`: the same few keys for every row of a file, so the last one is kept. */
let lastOccasion = { examType: '', examDate: '', key: '' };
function examOccasionKey(examType: string, examDate: string): string {
  if (lastOccasion.examType !== examType || lastOccasion.examDate !== examDate) lastOccasion = { examType, examDate, key: `${examType}|${examDate}` };
  return lastOccasion.key;
}

export const scoresImportKind = buildKind<ScoreColumn>({
  kind: 'scores',
  titleZh: '考试成绩',
  columns: [
    { key: 'subject', headers: ['科目', 'subject'], required: true, description: '语文、数学、英语…（指标目录中的学科）' },
    { key: 'examType', headers: ['考试类型', 'examType', 'exam_type'], required: true, description: '期中/期末/统考/学业水平考试/中考' },
    { key: 'examDate', headers: ['考试日期', 'examDate', 'exam_date'], required: true, description: '2025-01-15、2025/1/15 或 2025年1月15日' },
    { key: 'score', headers: ['成绩', 'score'], required: true, description: '分数；未正常参考填 缺考/免考/缓考' },
    { key: 'fullMarks', headers: ['满分', 'fullMarks', 'full_marks'], required: false, description: '默认100' },
  ],
  exampleRows: [{ studentNumber: 'G15030220120305001X', name: '张三', term: '2024-2025-1', subject: '数学', examType: '期末', examDate: '2025-01-15', score: '95.5', fullMarks: '120' }],
  toRecords(cells, rowNumber, header, catalogue, problems) {
    const found = subjectIndicator(catalogue, cells.subject);
    let indicator: IndicatorRule | undefined;
    if (!found) problems.push(problem(rowNumber, header('subject'), 'UNKNOWN_INDICATOR', `"${cells.subject}" is not a subject in the indicator catalogue`, `“${cells.subject}”不是指标目录中的学科`, cells.subject));
    else indicator = indicatorFor(catalogue, found.code, rowNumber, header('subject'), problems);
    const examType = EXAM_TYPE_ALIASES[cells.examType.toLowerCase()];
    if (!examType) problems.push(problem(rowNumber, header('examType'), 'UNKNOWN_EXAM_TYPE', 'the exam type must be 期中, 期末, 统考, 学业水平考试 or 中考', '考试类型应为期中、期末、统考、学业水平考试或中考', cells.examType));
    const examDate = optionalDate(cells.examDate, rowNumber, header('examDate'), problems);
    let fullMarks: number | null = null;
    if (cells.fullMarks !== '') {
      fullMarks = Number(cells.fullMarks);
      const limit = indicator?.maxValue ?? 1000;
      if (!/^\d+(\.\d+)?$/.test(cells.fullMarks) || fullMarks <= 0 || fullMarks > limit) {
        problems.push(problem(rowNumber, header('fullMarks'), 'BAD_FULL_MARKS', `full marks must be a number above 0 and at most ${limit}`, `满分应为大于0且不超过${limit}的数`, cells.fullMarks));
        return [];
      }
    }
    if (!indicator || !examType || !examDate) return [];
    const record = valueRecord(indicator, cells.score, rowNumber, header('score'), problems, { examType, occasionDate: examDate, occasionKey: examOccasionKey(examType, examDate) }, fullMarks);
    if (!record) return [];
    record.fullMarks = String(fullMarks ?? indicator.fullMarks ?? '') || null;
    return [record];
  },
});

/** Wide-format kinds: one column per indicator, each filled cell one record. */
function wideKind<K extends string>(options: {
  kind: string;
  titleZh: string;
  dateColumn: { key: K; headers: string[]; description: string };
  valueColumns: readonly { key: K; code: string; headers: string[]; description?: string }[];
  /** Optional columns about the whole row (fitness: 测试类型, 免测原因), read by `refine`. */
  rowColumns?: readonly ColumnSpec<K>[];
  /** Adjusts the row's records (occasion, marker reason) or reports row problems. */
  refine?(records: StagedRecord[], cells: RowCells<K | CommonColumn>, rowNumber: number, header: (key: K) => string, problems: RowProblem[]): StagedRecord[];
  checkStaged?: TermRecordKindDefinition<K>['checkStaged'];
  exampleRows: readonly RowCells<K | CommonColumn>[];
}) {
  const kind = buildKind<K>({
    kind: options.kind,
    titleZh: options.titleZh,
    columns: [
      { key: options.dateColumn.key, headers: options.dateColumn.headers, required: false, description: options.dateColumn.description },
      ...options.valueColumns.map((column) => ({ key: column.key, headers: column.headers, required: false, description: column.description })),
      ...(options.rowColumns ?? []),
    ],
    exampleRows: options.exampleRows,
    checkStaged: options.checkStaged,
    toRecords(cells, rowNumber, header, catalogue, problems) {
      const date = optionalDate(cells[options.dateColumn.key], rowNumber, header(options.dateColumn.key), problems);
      const records: StagedRecord[] = [];
      for (const column of options.valueColumns) {
        const raw = cells[column.key];
        if (raw === '') continue;
        const indicator = indicatorFor(catalogue, column.code, rowNumber, header(column.key), problems);
        if (!indicator) continue;
        const record = valueRecord(indicator, raw, rowNumber, header(column.key), problems, { occasionDate: date });
        if (record) records.push(record);
      }
      return options.refine ? options.refine(records, cells, rowNumber, header, problems) : records;
    },
  });
  const rowKeys = (options.rowColumns ?? []).map((column) => column.key);
  for (const column of options.valueColumns) WIDE_ENTRY_COLUMNS.set(column.code, { kind, valueKey: column.key, dateKey: options.dateColumn.key, rowKeys });
  return kind;
}

/** Indicator code → the wide kind and columns that import it (filled as the kinds are built). */
const WIDE_ENTRY_COLUMNS = new Map<string, { kind: StagedImportKind<string>; valueKey: string; dateKey: string; rowKeys: readonly string[] }>();

type FitnessColumn = 'testDate' | 'testType' | 'exemptionReason' | 'height_cm' | 'weight_kg' | 'vital_capacity' | 'run_50m' | 'sit_and_reach' | 'rope_skip_1min' | 'sit_up_1min' | 'shuttle_50mx8' | 'standing_long_jump' | 'pull_up' | 'run_800m' | 'run_1000m';

/** 测试类型 as written → normal test or 补测 (retest); an empty cell is a normal test. */
const FITNESS_TEST_TYPE_ALIASES: Readonly<Record<string, 'normal' | 'retest'>> = {
  '': 'normal', 正常: 'normal', 正常测试: 'normal', 测试: 'normal', normal: 'normal',
  补测: 'retest', 补考: 'retest', retest: 'retest', 'make-up': 'retest', makeup: 'retest',
};

/**
 * The row rules of 测试类型 and 免测原因 (ADR 0510):
 *  - a 补测 row's records get the occasion `retest`, beside (never over) the normal test's, and it
 *    holds results only: no 免测/暂缓/缺考 marker and no reason;
 *  - a row with a 免测/免予执行 or 暂缓 marker must give 免测原因, stored on those records; a
 *    reason on a row without such a marker is refused rather than silently dropped.
 */
function refineFitnessRow(records: StagedRecord[], cells: RowCells<FitnessColumn | CommonColumn>, rowNumber: number, header: (key: FitnessColumn) => string, problems: RowProblem[]): StagedRecord[] {
  const testType = FITNESS_TEST_TYPE_ALIASES[cells.testType.trim().toLowerCase()];
  const reason = cells.exemptionReason.trim();
  if (!testType) problems.push(problem(rowNumber, header('testType'), 'UNKNOWN_TEST_TYPE', 'the test type must be 正常 (normal) or 补测 (retest); empty means normal', '测试类型应为“正常”或“补测”（不填为正常）', cells.testType));
  if (reason.length > 200) problems.push(problem(rowNumber, header('exemptionReason'), 'TOO_LONG', 'the exemption reason is longer than 200 characters', '免测原因超过200个字符', reason));
  const marked = records.filter((record) => record.marker !== null);
  const exempting = marked.filter((record) => record.marker === 'exempt' || record.marker === 'deferred');
  const items = (list: StagedRecord[]) => list.map((record) => record.indicator.nameZh).join('、');
  if (testType === 'retest') {
    if (marked.length > 0) {
      problems.push(problem(rowNumber, header('testType'), 'RETEST_WITH_MARKER', `a 补测 (retest) row records results only; remove the marker of ${marked.map((record) => record.indicator.nameEn).join(', ')} (leave items not retested empty)`, `补测行只记录补测成绩，不能填写免测/暂缓/缺考（${items(marked)}）；未补测的项目请留空`));
    }
    if (reason !== '') problems.push(problem(rowNumber, header('exemptionReason'), 'RETEST_WITH_EXEMPTION', 'a 补测 (retest) row cannot carry an exemption reason', '补测行不能填写免测原因', reason));
  } else if (testType === 'normal') {
    if (exempting.length > 0 && reason === '') {
      problems.push(problem(rowNumber, header('exemptionReason'), 'EXEMPTION_REASON_REQUIRED', `${exempting.map((record) => record.indicator.nameEn).join(', ')} ${exempting.length === 1 ? 'is' : 'are'} marked 免测/暂缓 (exempt/deferred): give the reason of the approved application`, `${items(exempting)}填写了免测/暂缓，请填写免测原因（经批准的申请理由）`));
    }
    if (exempting.length === 0 && reason !== '') {
      problems.push(problem(rowNumber, header('exemptionReason'), 'REASON_WITHOUT_EXEMPTION', 'an exemption reason is given but no item of the row is marked 免测 or 暂缓', '填写了免测原因，但该行没有标记为免测或暂缓的项目', reason));
    }
  }
  if (problems.length > 0) return [];
  for (const record of records) {
    if (testType === 'retest') record.occasionKey = FITNESS_RETEST_OCCASION;
    if (record.marker === 'exempt' || record.marker === 'deferred') record.markerReason = reason;
  }
  return records;
}

/**
 * One 补测 per school year: a retest row is refused when the student already has retest results
 * in another term of the same school year, on record or earlier in the file. Students outside
 * the uploader's scope are left to the shared UNKNOWN_STUDENT check (nothing about them is told).
 */
async function checkOneRetestPerYear(manager: EntityManager, staging: string, context: ImportContext, header: (key: FitnessColumn) => string, limit: number): Promise<{ problems: RowProblem[]; total: number }> {
  const params: unknown[] = [FITNESS_RETEST_OCCASION];
  const inScope = studentInScopeSql(context.scope, { studentIdColumn: 'st.id', schoolIdColumn: 'st.school_id' }, params);
  // The terms of the file's school years as a constant list: term_records is partitioned by
  // term (ADR 1010), and only such a list keeps the other years' partitions out of the plan.
  const [{ term_ids: yearTermIds }] = (await manager.query(
    `SELECT coalesce(array_agg(y.id), '{}') AS term_ids FROM terms y
     WHERE y.school_year IN (SELECT t.school_year FROM terms t WHERE t.code IN (SELECT DISTINCT term_code FROM ${staging} WHERE occasion_key = $1))`,
    [FITNESS_RETEST_OCCASION],
  )) as { term_ids: string[] }[];
  const yearTerms = `$${params.push(yearTermIds)}::uuid[]`;
  params.push(limit);
  const rows = (await manager.query(
    `WITH retests AS (
       SELECT DISTINCT s.row_number, s.student_number, s.term_code, t.school_year, st.id AS student_id
       FROM ${staging} s JOIN terms t ON t.code = s.term_code JOIN students st ON st.student_number = s.student_number
       WHERE s.occasion_key = $1 AND ${inScope}),
     clashes AS (
       SELECT r.row_number, r.term_code,
              COALESCE(
                (SELECT min(o.term_code) FROM retests o WHERE o.student_id = r.student_id AND o.school_year = r.school_year AND o.term_code < r.term_code),
                (SELECT min(t2.code) FROM term_records tr JOIN terms t2 ON t2.id = tr.term_id JOIN indicators i ON i.id = tr.indicator_id
                 WHERE tr.student_id = r.student_id AND tr.occasion_key = $1 AND tr.term_id = ANY(${yearTerms}) AND t2.school_year = r.school_year AND t2.code <> r.term_code AND i.code LIKE 'physical.fitness.%')
              ) AS other_term
       FROM retests r)
     SELECT row_number, term_code, other_term, count(*) OVER ()::int AS total FROM clashes WHERE other_term IS NOT NULL ORDER BY row_number LIMIT $${params.length}`,
    params,
  )) as { row_number: number; term_code: string; other_term: string; total: number }[];
  return {
    problems: rows.map((row) =>
      problem(row.row_number, header('testType'), 'RETEST_ALREADY_RECORDED', `the standard allows one 补测 (retest) per school year; this student already has a retest in ${row.other_term}`, `每学年只能补测一次，该学生已有${row.other_term}学期的补测成绩`, row.term_code),
    ),
    total: rows.length > 0 ? rows[0].total : 0,
  };
}

/** Fitness raw measurements (国家学生体质健康标准 2014); item codes are the scoring core's. */
export const fitnessImportKind = wideKind<FitnessColumn>({
  kind: 'fitness',
  titleZh: '体质健康测试原始成绩',
  dateColumn: { key: 'testDate', headers: ['测试日期', 'testDate', 'test_date'], description: '可空' },
  valueColumns: [
    { key: 'height_cm', code: 'physical.fitness.height_cm', headers: ['身高', 'height_cm', 'height'], description: '厘米' },
    { key: 'weight_kg', code: 'physical.fitness.weight_kg', headers: ['体重', 'weight_kg', 'weight'], description: '千克' },
    { key: 'vital_capacity', code: 'physical.fitness.vital_capacity', headers: ['肺活量', 'vital_capacity'], description: '毫升' },
    { key: 'run_50m', code: 'physical.fitness.run_50m', headers: ['50米跑', 'run_50m', '50米'], description: '秒，如 9.8' },
    { key: 'sit_and_reach', code: 'physical.fitness.sit_and_reach', headers: ['坐位体前屈', 'sit_and_reach'], description: '厘米，可为负' },
    { key: 'rope_skip_1min', code: 'physical.fitness.rope_skip_1min', headers: ['一分钟跳绳', 'rope_skip_1min', '1分钟跳绳', '跳绳'], description: '次' },
    { key: 'sit_up_1min', code: 'physical.fitness.sit_up_1min', headers: ['一分钟仰卧起坐', 'sit_up_1min', '1分钟仰卧起坐', '仰卧起坐'], description: '次' },
    { key: 'shuttle_50mx8', code: 'physical.fitness.shuttle_50mx8', headers: ['50米×8往返跑', 'shuttle_50mx8', '50米x8往返跑', '50米*8往返跑'], description: "1'55\" 或 1:55 或秒" },
    { key: 'standing_long_jump', code: 'physical.fitness.standing_long_jump', headers: ['立定跳远', 'standing_long_jump'], description: '厘米' },
    { key: 'pull_up', code: 'physical.fitness.pull_up', headers: ['引体向上', 'pull_up'], description: '次' },
    { key: 'run_800m', code: 'physical.fitness.run_800m', headers: ['800米跑', 'run_800m', '800米'], description: "3'55\"、3:55、3分55秒或秒" },
    { key: 'run_1000m', code: 'physical.fitness.run_1000m', headers: ['1000米跑', 'run_1000m', '1000米'], description: "3'55\"、3:55、3分55秒或秒" },
  ],
  rowColumns: [
    { key: 'testType', headers: ['测试类型', 'testType', 'test_type'], required: false, description: '正常/补测，不填为正常；补测行只填补测的项目' },
    { key: 'exemptionReason', headers: ['免测原因', 'exemptionReason', 'exemption_reason', '免予执行原因'], required: false, description: '有项目填写免测/免予执行/暂缓时必填（申请理由）' },
  ],
  refine: refineFitnessRow,
  checkStaged: checkOneRetestPerYear,
  exampleRows: [
    {
      studentNumber: 'G15030220120305001X', name: '张三', term: '2024-2025-1', testDate: '2024-10-12', testType: '正常', exemptionReason: '', height_cm: '158.5', weight_kg: '46.2', vital_capacity: '2450',
      run_50m: '8.6', sit_and_reach: '6.5', rope_skip_1min: '', sit_up_1min: '', shuttle_50mx8: '', standing_long_jump: '196', pull_up: '6', run_800m: '', run_1000m: `3'55"`,
    },
  ],
});

type VisionColumn = 'screeningDate' | 'left' | 'right';
export const visionImportKind = wideKind<VisionColumn>({
  kind: 'vision',
  titleZh: '视力筛查',
  dateColumn: { key: 'screeningDate', headers: ['筛查日期', 'screeningDate', 'screening_date'], description: '可空' },
  valueColumns: [
    { key: 'left', code: 'physical.vision.left', headers: ['左眼裸眼视力', 'left', 'leftEye', '左眼'], description: '五分记录，如 4.9' },
    { key: 'right', code: 'physical.vision.right', headers: ['右眼裸眼视力', 'right', 'rightEye', '右眼'], description: '五分记录，如 5.0' },
  ],
  exampleRows: [{ studentNumber: 'G15030220120305001X', name: '张三', term: '2024-2025-1', screeningDate: '2024-09-20', left: '4.9', right: '5.0' }],
});

type ArtColumn = 'assessmentDate' | 'basic' | 'coursework' | 'development';
export const artImportKind = wideKind<ArtColumn>({
  kind: 'art',
  titleZh: '艺术素质测评',
  dateColumn: { key: 'assessmentDate', headers: ['测评日期', 'assessmentDate', 'assessment_date'], description: '可空' },
  valueColumns: [
    { key: 'basic', code: 'aesthetic.assessment.basic', headers: ['基础指标', 'basic'], description: '0–40' },
    { key: 'coursework', code: 'aesthetic.assessment.academic', headers: ['学业指标', 'coursework', 'academic'], description: '0–50' },
    { key: 'development', code: 'aesthetic.assessment.development', headers: ['发展指标', 'development'], description: '0–20（其中10分为加分）' },
  ],
  exampleRows: [{ studentNumber: 'G15030220120305001X', name: '张三', term: '2024-2025-2', assessmentDate: '2025-06-10', basic: '36', coursework: '44', development: '12' }],
});

type LabourColumn = 'category' | 'item' | 'hours' | 'date' | 'attestedBy';
export const labourImportKind = buildKind<LabourColumn>({
  kind: 'labour',
  titleZh: '劳动清单',
  columns: [
    { key: 'category', headers: ['类别', 'category'], required: true, description: '家庭/学校/社会' },
    { key: 'item', headers: ['劳动项目', 'item'], required: true, description: '如 整理房间、值日、社区服务（≤100字）' },
    { key: 'hours', headers: ['时长', 'hours', '时长(小时)'], required: true, description: '小时' },
    { key: 'date', headers: ['日期', 'date'], required: false, description: '可空' },
    { key: 'attestedBy', headers: ['确认人', 'attestedBy', 'attested_by'], required: false, description: '如 家长、班主任' },
  ],
  exampleRows: [{ studentNumber: 'G15030220120305001X', name: '张三', term: '2024-2025-1', category: '家庭', item: '整理房间', hours: '6', date: '', attestedBy: '家长' }],
  toRecords(cells, rowNumber, header, catalogue, problems) {
    const category = LABOUR_CATEGORY_ALIASES[cells.category.toLowerCase()];
    if (!category) problems.push(problem(rowNumber, header('category'), 'UNKNOWN_LABOUR_CATEGORY', 'the category must be 家庭, 学校 or 社会', '类别应为家庭、学校或社会', cells.category));
    if (cells.item.length > 100) problems.push(problem(rowNumber, header('item'), 'TOO_LONG', 'the item is longer than 100 characters', '劳动项目超过100个字符', cells.item));
    if (cells.attestedBy.length > 50) problems.push(problem(rowNumber, header('attestedBy'), 'TOO_LONG', 'longer than 50 characters', '超过50个字符', cells.attestedBy));
    const date = optionalDate(cells.date, rowNumber, header('date'), problems);
    const indicator = indicatorFor(catalogue, 'labour.list_item_hours', rowNumber, header('hours'), problems);
    if (!category || !indicator || problems.length > 0) return [];
    const record = valueRecord(indicator, cells.hours, rowNumber, header('hours'), problems, {
      occasionKey: `${category}|${cells.item}`,
      occasionDate: date,
      itemName: cells.item,
      attestedBy: cells.attestedBy === '' ? null : cells.attestedBy,
    });
    return record ? [record] : [];
  },
});

export const TERM_RECORD_IMPORT_KINDS = [scoresImportKind, fitnessImportKind, visionImportKind, artImportKind, labourImportKind] as const;

// ───────────────────── one value at a time (the term-record API) ─────────────────────

/** The fields of one entered value, as text (the API's body, normalised like a file's cells). */
export interface EntryFields {
  value: string;
  fullMarks?: string;
  examType?: string;
  examDate?: string;
  date?: string;
  category?: string;
  item?: string;
  attestedBy?: string;
  testType?: string;
  exemptionReason?: string;
}
export type EntryField = keyof EntryFields;

/** One entered value as an import row: the kind that checks it, its cells, the fields it takes, and the field behind each column. */
export interface EntryRow {
  kind: StagedImportKind<string>;
  cells: Record<string, string>;
  allowed: readonly EntryField[];
  fieldOf(columnKey: string): string;
}

/**
 * The import kind whose row check takes a value of this indicator, and the row carrying it, so an
 * entered value passes exactly the checks an imported one does (bounds, markers, times, exam
 * occasion, 测试类型/免测原因 …). Null when no import kind takes the indicator (e.g. 德育 levels):
 * the caller then checks the value alone, as the import would (parseIndicatorValue).
 */
export function entryRowFor(indicator: IndicatorRule, fields: EntryFields, studentNumber: string, termCode: string): EntryRow | null {
  const common = { studentNumber, name: '', term: termCode };
  const text = (value: string | undefined) => value ?? '';
  const blank = (kind: StagedImportKind<string>) => Object.fromEntries(kind.columns.map((column) => [column.key, '']));
  const base = { studentNumber: 'studentId', name: 'studentId', term: 'termId' } as Record<string, string>;
  if (indicator.dimension === 'academic' && indicator.valueType === 'score') {
    const kind = scoresImportKind as StagedImportKind<string>;
    const names: Record<string, string> = { ...base, subject: 'indicatorId', score: 'value', examType: 'examType', examDate: 'examDate', fullMarks: 'fullMarks' };
    return {
      kind,
      cells: { ...blank(kind), ...common, subject: indicator.code, examType: text(fields.examType), examDate: text(fields.examDate), score: fields.value, fullMarks: text(fields.fullMarks) },
      allowed: ['value', 'fullMarks', 'examType', 'examDate'],
      fieldOf: (key) => names[key] ?? key,
    };
  }
  if (indicator.code === 'labour.list_item_hours') {
    const kind = labourImportKind as StagedImportKind<string>;
    const names: Record<string, string> = { ...base, hours: 'value', category: 'category', item: 'item', date: 'date', attestedBy: 'attestedBy' };
    return {
      kind,
      cells: { ...blank(kind), ...common, category: text(fields.category), item: text(fields.item), hours: fields.value, date: text(fields.date), attestedBy: text(fields.attestedBy) },
      allowed: ['value', 'category', 'item', 'date', 'attestedBy'],
      fieldOf: (key) => names[key] ?? key,
    };
  }
  const wide = WIDE_ENTRY_COLUMNS.get(indicator.code);
  if (!wide) return null;
  const names: Record<string, string> = { ...base, [wide.valueKey]: 'value', [wide.dateKey]: 'date', testType: 'testType', exemptionReason: 'exemptionReason' };
  const cells: Record<string, string> = { ...blank(wide.kind), ...common, [wide.valueKey]: fields.value, [wide.dateKey]: text(fields.date) };
  const allowed: EntryField[] = ['value', 'date'];
  for (const key of wide.rowKeys) {
    cells[key] = text(fields[key as EntryField]);
    allowed.push(key as EntryField);
  }
  return { kind: wide.kind, cells, allowed, fieldOf: (key) => names[key] ?? key };
}
