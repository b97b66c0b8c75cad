import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';

/**
 * A digest of what a demo load stored, table by table, in natural keys only: random UUIDs,
 * timestamps, password hashes and the (random) passwords are left out, references are followed
 * to their codes (school code, term code, 学籍号, indicator code). Two loads of the same seed and
 * scale give the same digest; a different seed gives another.
 */
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
  activity_record_transitions: `SELECT st.student_number, a.title, x.action, x.from_status, x.to_status, x.actor_role, x.remark, (x.context - 'evidenceId')::text AS context, x.at
                                FROM activity_record_transitions x JOIN activity_records a ON a.id = x.activity_record_id JOIN students st ON st.id = x.student_id`,
  // details and fingerprint may name other records by id
  integrity_flags: `SELECT st.student_number, a.title, f.rule, f.status, f.detected_by
                    FROM integrity_flags f JOIN activity_records a ON a.id = f.activity_record_id JOIN students st ON st.id = f.student_id`,
  // The batch's closing day follows the day of loading (so officers can read): code and name only.
  admissions_batches: `SELECT code, name, opens_on FROM admissions_batches`,
  admissions_applications: `SELECT st.student_number, s.code AS school, b.code AS batch, x.applied_on
                            FROM admissions_applications x JOIN students st ON st.id = x.student_id JOIN schools s ON s.id = x.school_id JOIN admissions_batches b ON b.id = x.batch_id`,
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
