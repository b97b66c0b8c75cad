import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';

/**
 * A digest of what a demo load stored, table by table, in natural keys only: random UUIDs,
 * timestamps, password hashes and the (random) passwords are left out, references are followed
 * to their codes (school code, term code, 学籍号, indicator code). Two loads of the same seed and
 * scale give the same digest; a different seed gives another.
 */
/**
 * A time as text — or, from the day of loading on (the open publicity batch and its steps,
 * demo-services.ts), as the interval since the start of the batch's first day, so two loads on
 * different days still compare equal.
 */
const LOAD_DAY = (column: string) =>
  `CASE WHEN ${column} >= (SELECT min(opens_at) FROM publicity_batches WHERE closed_at IS NULL) THEN 'load day + ' || (${column} - (SELECT min(opens_at) FROM publicity_batches WHERE closed_at IS NULL))::text ELSE ${column}::text END`;

const TABLES: Readonly<Record<string, string>> = {
  regions: `SELECT r.code, r.name, r.level, p.code AS parent FROM regions r LEFT JOIN regions p ON p.id = r.parent_id`,
  schools: `SELECT s.code, s.name, s.stage, r.code AS region FROM schools s JOIN regions r ON r.id = s.region_id`,
  terms: `SELECT code, school_year, term_number, start_date, end_date FROM terms`,
  school_classes: `SELECT s.code AS school, c.school_year, c.grade_code, c.name FROM school_classes c JOIN schools s ON s.id = c.school_id`,
  students: `SELECT st.student_number, st.name, st.sex_code, st.birth_date, st.ethnicity_code, st.status, s.code AS school FROM students st JOIN schools s ON s.id = st.school_id`,
  enrolments: `SELECT st.student_number, t.code AS term, s.code AS school, c.school_year, c.grade_code, c.name AS class
               FROM enrolments e JOIN students st ON st.id = e.student_id JOIN terms t ON t.id = e.term_id JOIN schools s ON s.id = e.school_id JOIN school_classes c ON c.id = e.class_id`,
  term_records: `SELECT st.student_number, t.code AS term, i.code AS indicator, r.occasion_key, s.code AS school, r.exam_type, r.occasion_date, r.item_name,
                        r.numeric_value, r.text_value, r.full_marks, r.marker, r.attested_by, r.source, r.version
                 FROM term_records r JOIN students st ON st.id = r.student_id JOIN terms t ON t.id = r.term_id JOIN indicators i ON i.id = r.indicator_id JOIN schools s ON s.id = r.school_id`,
  activity_records: `SELECT st.student_number, t.code AS term, a.title, a.start_date, a.end_date, a.dimension, a.record_type, a.level, a.role, a.hours, a.location, a.organiser,
                            a.award_rank, a.source, a.status, a.version, s.code AS school
                     FROM activity_records a JOIN students st ON st.id = a.student_id JOIN terms t ON t.id = a.term_id JOIN schools s ON s.id = a.school_id`,
  evidence_files: `SELECT st.student_number, a.title, a.start_date, f.sha256, f.media_type, f.size_bytes, f.original_name, f.captured_at
                   FROM evidence_files f JOIN activity_records a ON a.id = f.activity_record_id JOIN students st ON st.id = f.student_id`,
  record_versions: `SELECT record_kind, version, snapshot::text, source FROM record_versions`,
  import_batches: `SELECT kind, file_sha256, file_name, encoding, row_count, summary::text FROM import_batches`,
  // Ids in the context (batch, objection, appeal, evidence) are random; times on the day of loading are read relative to it.
  activity_record_transitions: `SELECT st.student_number, a.title, x.action, x.from_status, x.to_status, x.actor_role, x.remark,
                                       (SELECT coalesce(jsonb_object_agg(k, v), '{}'::jsonb) FROM jsonb_each(x.context) AS c(k, v) WHERE k NOT LIKE '%Id')::text AS context, ${LOAD_DAY('x.at')} AS at
                                FROM activity_record_transitions x JOIN activity_records a ON a.id = x.activity_record_id JOIN students st ON st.id = x.student_id`,
  publicity_batches: `SELECT b.title, b.scope, b.grade_code, s.code AS school, t.code AS term, b.working_days, ${LOAD_DAY('b.opens_at')} AS opens, b.closed_at IS NOT NULL AS closed,
                             CASE WHEN b.closed_at IS NULL THEN NULL ELSE b.first_day::text || '/' || b.last_day::text || '/' || b.closed_at::text END AS window,
                             (SELECT string_agg(st.student_number || ' ' || a.title || ' ' || a.status, ';' ORDER BY st.student_number, a.title)
                              FROM publicity_batch_records r JOIN activity_records a ON a.id = r.activity_record_id JOIN students st ON st.id = a.student_id WHERE r.batch_id = b.id) AS records
                      FROM publicity_batches b JOIN schools s ON s.id = b.school_id JOIN terms t ON t.id = b.term_id`,
  publicity_objections: `SELECT b.title AS batch, st.student_number, a.title, o.raised_as, o.reason, o.status, o.outcome_remark, ${LOAD_DAY('o.raised_at')} AS raised_at, ${LOAD_DAY('o.decided_at')} AS decided_at
                         FROM publicity_objections o JOIN publicity_batches b ON b.id = o.batch_id JOIN activity_records a ON a.id = o.activity_record_id JOIN students st ON st.id = o.student_id`,
  record_appeals: `SELECT st.student_number, a.title, x.subject, x.status, x.reason, x.requested_changes::text, x.filed_at, x.file_by, x.school_remark, x.school_decided_at, x.escalate_by,
                          x.escalation_reason, x.escalated_at, x.bureau_remark, x.bureau_decided_at
                   FROM record_appeals x JOIN activity_records a ON a.id = x.activity_record_id JOIN students st ON st.id = x.student_id`,
  // details and fingerprint may name other records by id
  integrity_flags: `SELECT st.student_number, a.title, f.rule, f.status, f.detected_by
                    FROM integrity_flags f JOIN activity_records a ON a.id = f.activity_record_id JOIN students st ON st.id = f.student_id`,
  // The batch's closing day follows the day of loading (so officers can read): code and name only.
  admissions_batches: `SELECT code, name, opens_on FROM admissions_batches`,
  admissions_applications: `SELECT st.student_number, s.code AS school, b.code AS batch, x.applied_on
                            FROM admissions_applications x JOIN students st ON st.id = x.student_id JOIN schools s ON s.id = x.school_id JOIN admissions_batches b ON b.id = x.batch_id`,
  evaluation_assignments: `SELECT x.stage, x.entry_year, r.code, r.version, rg.code AS region FROM evaluation_assignments x JOIN evaluation_rubrics r ON r.id = x.rubric_id LEFT JOIN regions rg ON rg.id = x.region_id`,
  evaluation_runs: `SELECT x.kind, t.code AS term, x.stage, x.entry_year, x.state, r.code AS rubric, r.version, x.engine_version, (x.summary - 'termRuns')::text AS summary, rg.code AS region
                    FROM evaluation_runs x JOIN evaluation_rubrics r ON r.id = x.rubric_id LEFT JOIN terms t ON t.id = x.term_id LEFT JOIN regions rg ON rg.id = x.region_id`,
  // The provenance names records and runs by id: scores and levels are what a run decided.
  evaluation_results: `SELECT x.kind, t.code AS term, x.stage, x.entry_year, st.student_number, s.code AS school, e.dimension, e.score, e.computed_level, e.level, e.quota_adjusted
                       FROM evaluation_results e JOIN evaluation_runs x ON x.id = e.run_id LEFT JOIN terms t ON t.id = x.term_id JOIN students st ON st.id = e.student_id JOIN schools s ON s.id = e.school_id`,
  // A sealed snapshot holds its sealing time and the ids of runs and records, so its hash differs per load: the levels, status and comment are compared.
  portfolios: `SELECT st.student_number, s.code AS school, p.version, p.status, p.dimension_levels::text, p.class_teacher_comment, p.content_sha256 IS NOT NULL AS hashed
               FROM portfolios p JOIN students st ON st.id = p.student_id JOIN schools s ON s.id = p.school_id`,
  users: `SELECT username, display_name, disabled FROM users`,
  role_assignments: `SELECT u.username, a.role, r.code AS region, s.code AS school, cs.code || '/' || c.school_year || '/' || c.grade_code || '/' || c.name AS class, st.student_number
                     FROM role_assignments a JOIN users u ON u.id = a.user_id LEFT JOIN regions r ON r.id = a.region_id LEFT JOIN schools s ON s.id = a.school_id
                     LEFT JOIN school_classes c ON c.id = a.class_id LEFT JOIN schools cs ON cs.id = c.school_id LEFT JOIN students st ON st.id = a.student_id`,
};

export interface DemoDigest {
  readonly sha256: string;
  readonly tables: Record<string, { rows: number; md5: string }>;
}

export async function digestDemoTables(dataSource: DataSource): Promise<DemoDigest> {
  const tables: Record<string, { rows: number; md5: string }> = {};
  const overall = createHash('sha256');
  for (const [name, sql] of Object.entries(TABLES)) {
    const [row] = (await dataSource.query(`SELECT count(*)::int AS rows, coalesce(md5(string_agg(x::text, E'\\n' ORDER BY x::text)), '') AS md5 FROM (${sql}) x`)) as { rows: number; md5: string }[];
    tables[name] = row;
    overall.update(`${name}:${row.rows}:${row.md5}\n`);
  }
  return { sha256: overall.digest('hex'), tables };
}
