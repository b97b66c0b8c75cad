import type { EntityManager } from 'typeorm';
import type { ColumnSpec, ImportContext, RowProblem, StagedImportKind } from '../../imports/pipeline/import-kind';
import { parseFlexibleDate } from '../../imports/pipeline/parse-values';
import { ACTIVITY_LEVEL_ALIASES, ACTIVITY_ROLE_ALIASES, DIMENSION_ALIASES } from '../dimensions';
import { checkStagedRows, schoolTermLockKeys } from './staged-checks';

type ActivityColumn =
  | 'studentNumber' | 'name' | 'term' | 'dimension' | 'recordType' | 'title' | 'level' | 'role'
  | 'startDate' | 'endDate' | 'hours' | 'location' | 'organiser' | 'awardRank';

const COLUMNS: readonly ColumnSpec<ActivityColumn>[] = [
  { key: 'studentNumber', headers: ['学籍号', 'studentNumber', 'student_number', '全国学籍号'], required: true },
  { key: 'name', headers: ['姓名', 'name'], required: false, description: '填写时须与名册一致' },
  { key: 'term', headers: ['学年学期', 'term', 'termCode', 'term_code'], required: true, description: '2024-2025-1' },
  { key: 'dimension', headers: ['维度', 'dimension'], required: true, description: '德/智/体/美/劳' },
  { key: 'recordType', headers: ['记录类型', 'recordType', 'record_type'], required: true, description: '如 志愿服务、社会实践、获奖、研究性学习（≤20字）' },
  { key: 'title', headers: ['标题', 'title'], required: true, description: '≤30字' },
  { key: 'level', headers: ['级别', 'level'], required: false, description: '校/区县/市/省/国家' },
  { key: 'role', headers: ['角色', 'role'], required: false, description: '主持策划者/主要参与者/参与者' },
  { key: 'startDate', headers: ['开始日期', 'startDate', 'start_date'], required: true },
  { key: 'endDate', headers: ['结束日期', 'endDate', 'end_date'], required: false },
  { key: 'hours', headers: ['时长', 'hours', '时长(小时)'], required: false, description: '小时' },
  { key: 'location', headers: ['地点', 'location'], required: false },
  { key: 'organiser', headers: ['组织单位', 'organiser', 'organizer', '组织者'], required: false },
  { key: 'awardRank', headers: ['获奖等次', 'awardRank', 'award_rank'], required: false, description: '如 一等奖' },
];

const REQUIRED: readonly ActivityColumn[] = ['studentNumber', 'term', 'dimension', 'recordType', 'title', 'startDate'];
const LIMITS: Partial<Record<ActivityColumn, number>> = { name: 50, recordType: 20, title: 30, location: 100, organiser: 100, awardRank: 30 };
/** Once a record is in publicity or confirmed it never changes in place (DOMAIN.md); an import may not overwrite it. */
const LOCKED_STATUSES = ['IN_PUBLICITY', 'UNDER_INVESTIGATION', 'PUBLICITY_PASSED', 'CONFIRMED', 'AMENDED', 'REVOKED'];
const VALUE_COLUMNS = ['dimension', 'record_type', 'level', 'role', 'end_date', 'hours', 'location', 'organiser', 'award_rank'] as const;

function problem(row: number, column: string, code: string, message: string, messageZh: string, value?: string): RowProblem {
  return { row, column, code, message, messageZh, value };
}

/**
 * 写实记录 (activity records) imported by a school: the full field set of DOMAIN.md. Identity
 * is student + term + title + start date; a changed field makes a new version. Imported records
 * come from the institution, so they start VERIFIED with source `school_import`.
 */
export const activityImportKind: StagedImportKind<ActivityColumn> = {
  kind: 'activities',
  titleZh: '写实记录',
  columns: COLUMNS,
  exampleRows: [
    {
      studentNumber: 'G15030220120305001X', name: '张三', term: '2024-2025-1', dimension: '德', recordType: '志愿服务', title: '社区敬老院志愿服务',
      level: '区县', role: '主要参与者', startDate: '2024-10-01', endDate: '2024-10-03', hours: '12', location: '海勃湾区敬老院', organiser: '校团委', awardRank: '',
    },
  ],
  staged: true,
  stagingColumns: [
    ['student_number', 'text'], ['student_name', 'text'], ['term_code', 'text'], ['dimension', 'text'], ['record_type', 'text'], ['title', 'text'],
    ['level', 'text'], ['role', 'text'], ['start_date', 'date'], ['end_date', 'date'], ['hours', 'numeric'], ['location', 'text'], ['organiser', 'text'], ['award_rank', 'text'],
  ],
  identityColumns: ['student_number', 'term_code', 'title', 'start_date'],

  async prepare(_manager, header) {
    return (cells, rowNumber, stage) => {
      const problems: RowProblem[] = [];
      for (const key of REQUIRED) if (cells[key] === '') problems.push(problem(rowNumber, header(key), 'REQUIRED_VALUE_MISSING', `${header(key)} is empty`, `${header(key)}不能为空`));
      if (problems.length > 0) return problems;
      for (const [key, limit] of Object.entries(LIMITS) as [ActivityColumn, number][]) {
        if (cells[key].length > limit) problems.push(problem(rowNumber, header(key), 'TOO_LONG', `longer than ${limit} characters`, `超过${limit}个字符`, cells[key]));
      }
      const studentNumber = cells.studentNumber.toUpperCase().replace(/\s+/g, '');
      if (!/^[GJL][0-9A-Z]{18}$/.test(studentNumber)) problems.push(problem(rowNumber, header('studentNumber'), 'BAD_STUDENT_NUMBER', 'a student number is G, J or L and 18 more characters', '学籍号应为G/J/L加18位', cells.studentNumber));
      if (!/^\d{4}-\d{4}-[12]$/.test(cells.term)) problems.push(problem(rowNumber, header('term'), 'BAD_TERM_CODE', 'the term looks like 2024-2025-1', '学年学期格式应为2024-2025-1', cells.term));
      const dimension = DIMENSION_ALIASES[cells.dimension.toLowerCase()];
      if (!dimension) problems.push(problem(rowNumber, header('dimension'), 'UNKNOWN_DIMENSION', 'the dimension must be 德, 智, 体, 美 or 劳', '维度应为德、智、体、美或劳', cells.dimension));
      const level = cells.level === '' ? null : ACTIVITY_LEVEL_ALIASES[cells.level.toLowerCase()];
      if (level === undefined) problems.push(problem(rowNumber, header('level'), 'UNKNOWN_LEVEL', 'the level must be 校, 区县, 市, 省 or 国家', '级别应为校、区县、市、省或国家', cells.level));
      const role = cells.role === '' ? null : ACTIVITY_ROLE_ALIASES[cells.role.toLowerCase()];
      if (role === undefined) problems.push(problem(rowNumber, header('role'), 'UNKNOWN_ROLE', 'the role must be 主持策划者, 主要参与者 or 参与者', '角色应为主持策划者、主要参与者或参与者', cells.role));
      const badDate = (key: ActivityColumn) => problem(rowNumber, header(key), 'BAD_DATE', 'not a date (use 2024-09-01, 2024/9/1 or 2024年9月1日)', '日期格式无法识别（请用2024-09-01、2024/9/1或2024年9月1日）', cells[key]);
      const startDate = parseFlexibleDate(cells.startDate);
      if (!startDate) problems.push(badDate('startDate'));
      const endDate = cells.endDate === '' ? null : parseFlexibleDate(cells.endDate);
      if (endDate === undefined) problems.push(badDate('endDate'));
      else if (endDate && startDate && endDate < startDate) problems.push(problem(rowNumber, header('endDate'), 'END_BEFORE_START', 'the end date is before the start date', '结束日期早于开始日期', cells.endDate));
      let hours: string | null = null;
      if (cells.hours !== '') {
        const value = Number(cells.hours);
        if (!/^\d+(\.\d+)?$/.test(cells.hours)) problems.push(problem(rowNumber, header('hours'), 'BAD_NUMBER', `"${cells.hours}" is not a number`, `“${cells.hours}”不是数字`, cells.hours));
        else if (value > 10000) problems.push(problem(rowNumber, header('hours'), 'VALUE_OUT_OF_BOUNDS', 'at most 10000 hours', '时长不能超过10000小时', cells.hours));
        else hours = String(value);
      }
      if (problems.length > 0) return problems;
      const orNull = (value: string) => (value === '' ? null : value);
      stage([studentNumber, orNull(cells.name), cells.term, dimension!, cells.recordType, cells.title, level ?? null, role ?? null, startDate!, endDate ?? null, hours, orNull(cells.location), orNull(cells.organiser), orNull(cells.awardRank)]);
      return undefined;
    };
  },

  async resolve(manager, staging, context, header, limit, options) {
    const checked = await checkStagedRows(manager, staging, context, { studentNumber: header('studentNumber'), name: header('name'), term: header('term') }, activityImportKind.identityColumns, limit, options);
    const tuple = (alias: string) => `(${VALUE_COLUMNS.map((column) => `${alias}.${column}`).join(', ')})`;
    const locked = (await manager.query(
      `SELECT s.row_number FROM ${staging} s
       JOIN students st ON st.student_number = s.student_number JOIN terms t ON t.code = s.term_code
       JOIN activity_records a ON a.student_id = st.id AND a.term_id = t.id AND a.title = s.title AND a.start_date = s.start_date
       WHERE a.status = ANY($1) AND ${tuple('a')} IS DISTINCT FROM ${tuple('s')}
       ORDER BY s.row_number`,
      [LOCKED_STATUSES],
    )) as { row_number: number }[];
    const problems = [
      ...checked.problems,
      ...locked.slice(0, limit).map((row) => problem(row.row_number, header('title'), 'RECORD_LOCKED', 'this record is in publicity or confirmed; it changes only by an amendment with a reason', '该记录已进入公示或已确认，只能通过附理由的更正修改')),
    ].sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
    return { problems: problems.slice(0, limit), total: checked.total + locked.length };
  },

  lockKeys: schoolTermLockKeys,

  async merge(manager: EntityManager, staging: string, context: ImportContext & { batchId: string }) {
    const tuple = (alias: string) => `(${VALUE_COLUMNS.map((column) => `${alias}.${column}`).join(', ')})`;
    const [counts] = (await manager.query(
      `WITH source AS (
         SELECT st.id AS student_id, COALESCE(e.school_id, st.school_id) AS school_id, t.id AS term_id,
                s.dimension, s.record_type, s.title, s.level, s.role, s.start_date, s.end_date, s.hours, s.location, s.organiser, s.award_rank
         FROM ${staging} s
         JOIN students st ON st.student_number = s.student_number
         JOIN terms t ON t.code = s.term_code
         LEFT JOIN enrolments e ON e.student_id = st.id AND e.term_id = t.id
       ),
       superseded AS (
         INSERT INTO record_versions (record_kind, record_id, school_id, student_id, version, snapshot, source, recorded_by, recorded_at, import_batch_id)
         SELECT 'activity_record', a.id, a.school_id, a.student_id, a.version,
                jsonb_build_object('dimension', a.dimension, 'recordType', a.record_type, 'title', a.title, 'level', a.level, 'role', a.role,
                                   'startDate', a.start_date, 'endDate', a.end_date, 'hours', a.hours, 'location', a.location, 'organiser', a.organiser,
                                   'awardRank', a.award_rank, 'status', a.status),
                a.source, a.recorded_by, a.updated_at, a.import_batch_id
         FROM source s
         JOIN activity_records a ON a.student_id = s.student_id AND a.term_id = s.term_id AND a.title = s.title AND a.start_date = s.start_date
         WHERE ${tuple('a')} IS DISTINCT FROM ${tuple('s')}
         RETURNING 1
       ),
       written AS (
         INSERT INTO activity_records (school_id, student_id, term_id, dimension, record_type, title, level, role, start_date, end_date, hours, location, organiser, award_rank, source, status, recorded_by, import_batch_id)
         SELECT school_id, student_id, term_id, dimension, record_type, title, level, role, start_date, end_date, hours, location, organiser, award_rank, 'school_import', 'VERIFIED', $1::uuid, $2::uuid
         FROM source
         ON CONFLICT (student_id, term_id, title, start_date) DO UPDATE
           SET dimension = EXCLUDED.dimension, record_type = EXCLUDED.record_type, level = EXCLUDED.level, role = EXCLUDED.role, end_date = EXCLUDED.end_date,
               hours = EXCLUDED.hours, location = EXCLUDED.location, organiser = EXCLUDED.organiser, award_rank = EXCLUDED.award_rank,
               school_id = EXCLUDED.school_id, recorded_by = EXCLUDED.recorded_by, import_batch_id = EXCLUDED.import_batch_id,
               version = activity_records.version + 1, updated_at = now()
           WHERE ${tuple('activity_records')} IS DISTINCT FROM ${tuple('EXCLUDED')}
         RETURNING (xmax = 0) AS inserted
       )
       SELECT (SELECT count(*) FROM written WHERE inserted)::int AS created,
              (SELECT count(*) FROM written WHERE NOT inserted)::int AS updated,
              (SELECT count(*) FROM superseded)::int AS versions`,
      [context.actorUserId, context.batchId],
    )) as { created: number; updated: number }[];
    return { recordsCreated: counts.created, recordsUpdated: counts.updated };
  },
};
