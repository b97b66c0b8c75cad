import { Injectable } from '@nestjs/common';
import { DataSource, QueryFailedError } from 'typeorm';
import { type Page, pageWindow } from '../../common/http/pagination';
import { applicationInScopeSql, type DataScope, studentInScopeSql } from '../auth/data-scope';
import { DIMENSIONS } from '../intake/dimensions';
import { maskStudentNumber } from '../roster/student-number-mask';
import type { AdmissionsBatchResponse, ApplicantResponse, CreateAdmissionsBatchDto, ListApplicantsQueryDto, UpdateAdmissionsBatchDto } from './dto/admissions.dto';
import { PortfolioError, portfolioNotFound } from './portfolios.errors';

type Row = Record<string, unknown>;

/** Today in China: the admissions periods are calendar dates there, whatever the server's zone. */
export const CHINA_TODAY_SQL = `(now() AT TIME ZONE 'Asia/Shanghai')::date`;

const BATCH_SELECT = `SELECT id, code, name, opens_on::text AS opens_on, closes_on::text AS closes_on, ${CHINA_TODAY_SQL} BETWEEN opens_on AND closes_on AS open FROM admissions_batches`;

function toBatch(row: Row): AdmissionsBatchResponse {
  return { id: row.id as string, code: row.code as string, name: row.name as string, opensOn: row.opens_on as string, closesOn: row.closes_on as string, open: row.open as boolean };
}

/** Level points for sorting (A best). */
const POINTS_SQL = `CASE x.value WHEN 'A' THEN 4 WHEN 'B' THEN 3 WHEN 'C' THEN 2 WHEN 'D' THEN 1 ELSE 0 END`;

/**
 * Admission batches with their periods (city administrators), and the applicants list: the
 * applications the caller's admissions scope reaches (an officer: to their school, in batches
 * whose period is open today; ADR 0820) with the graduation levels of each applicant's latest
 * sealed portfolio, filtered and sorted by those levels in SQL, one page at a time.
 */
@Injectable()
export class AdmissionsService {
  constructor(private readonly dataSource: DataSource) {}

  async createBatch(dto: CreateAdmissionsBatchDto): Promise<AdmissionsBatchResponse> {
    checkPeriod(dto.opensOn, dto.closesOn);
    try {
      const [{ id }] = (await this.dataSource.query('INSERT INTO admissions_batches (code, name, opens_on, closes_on) VALUES ($1, $2, $3, $4) RETURNING id', [
        dto.code.trim(),
        dto.name.trim(),
        dto.opensOn,
        dto.closesOn,
      ])) as { id: string }[];
      return this.getBatch(id);
    } catch (error) {
      if (error instanceof QueryFailedError && (error.driverError as { code?: string } | undefined)?.code === '23505') {
        throw new PortfolioError('DUPLICATE_BATCH_CODE', `an admission batch with the code ${dto.code} exists`, `录取批次${dto.code}已存在`);
      }
      throw error;
    }
  }

  async getBatch(id: string): Promise<AdmissionsBatchResponse> {
    const [row] = (await this.dataSource.query(`${BATCH_SELECT} WHERE id = $1`, [id])) as Row[];
    if (!row) throw portfolioNotFound('admission batch', '录取批次', id);
    return toBatch(row);
  }

  async updateBatch(id: string, dto: UpdateAdmissionsBatchDto): Promise<AdmissionsBatchResponse> {
    const current = await this.getBatch(id);
    const opensOn = dto.opensOn ?? current.opensOn;
    const closesOn = dto.closesOn ?? current.closesOn;
    checkPeriod(opensOn, closesOn);
    await this.dataSource.query('UPDATE admissions_batches SET name = $2, opens_on = $3, closes_on = $4, updated_at = now() WHERE id = $1', [id, dto.name?.trim() ?? current.name, opensOn, closesOn]);
    return this.getBatch(id);
  }

  async listBatches(query: { page?: number; pageSize?: number }): Promise<Page<AdmissionsBatchResponse>> {
    const { page, pageSize, skip, take } = pageWindow(query);
    const [{ total }] = (await this.dataSource.query('SELECT count(*)::int AS total FROM admissions_batches')) as { total: number }[];
    const rows = (await this.dataSource.query(`${BATCH_SELECT} ORDER BY opens_on DESC, code LIMIT ${take} OFFSET ${skip}`)) as Row[];
    return { items: rows.map(toBatch), page, pageSize, total };
  }

  /** The applications in the caller's admissions scope, with levels; see ListApplicantsQueryDto for filters and sorting. */
  async listApplicants(scope: DataScope, query: ListApplicantsQueryDto): Promise<Page<ApplicantResponse>> {
    const params: unknown[] = [];
    const where = [
      applicationInScopeSql(scope, { schoolIdColumn: 'a.school_id', batchIdColumn: 'a.batch_id' }, params),
      studentInScopeSql(scope, { studentIdColumn: 's.id', schoolIdColumn: 's.school_id' }, params),
    ];
    const add = (sql: (n: number) => string, value: unknown) => where.push(sql(params.push(value)));
    if (query.batchId) add((n) => `a.batch_id = $${n}`, query.batchId);
    if (query.schoolId) add((n) => `a.school_id = $${n}`, query.schoolId);
    if (query.minLevel !== undefined || query.minDimensions !== undefined) {
      const level = query.minLevel ?? 'B';
      const count = query.minDimensions ?? DIMENSIONS.length;
      const levelParam = params.push(level);
      add((n) => `(SELECT count(*) FROM jsonb_each_text(coalesce(p.dimension_levels, '{}'::jsonb)) x WHERE x.value <= $${levelParam}) >= $${n}`, count);
    }
    for (const dimension of DIMENSIONS) {
      const level = query[dimension];
      if (level) add((n) => `(p.dimension_levels ->> '${dimension}') <= $${n}`, level);
    }
    const sql = `
      SELECT a.id AS application_id, a.applied_on::text AS applied_on, b.id AS batch_id, b.code AS batch_code, b.name AS batch_name,
             rs.id AS receiving_id, rs.code AS receiving_code, rs.name AS receiving_name,
             s.id AS student_id, s.name AS student_name, s.student_number, ss.id AS school_id, ss.code AS school_code, ss.name AS school_name,
             p.id AS portfolio_id, p.version AS portfolio_version, p.sealed_at, p.content_sha256, coalesce(p.dimension_levels, '{}'::jsonb) AS levels,
             (SELECT coalesce(sum(${POINTS_SQL}), 0) FROM jsonb_each_text(coalesce(p.dimension_levels, '{}'::jsonb)) x)::int AS level_points,
             (SELECT count(*) FROM jsonb_each_text(coalesce(p.dimension_levels, '{}'::jsonb)) x WHERE x.value <= 'B')::int AS at_b_or_better
      FROM admissions_applications a
      JOIN admissions_batches b ON b.id = a.batch_id
      JOIN schools rs ON rs.id = a.school_id
      JOIN students s ON s.id = a.student_id
      JOIN schools ss ON ss.id = s.school_id
      LEFT JOIN LATERAL (SELECT * FROM portfolios sp WHERE sp.student_id = a.student_id AND sp.status = 'sealed' ORDER BY sp.version DESC LIMIT 1) p ON TRUE
      WHERE ${where.join(' AND ')}`;
    const { page, pageSize, skip, take } = pageWindow(query);
    // One statement for the page and the total (the window count is taken before LIMIT): the
    // list is sorted over every matching application anyway, so a separate count ran the joins twice.
    const rows = (await this.dataSource.query(
      `SELECT listed.*, count(*) OVER ()::int AS total_count FROM (${sql}) listed ORDER BY ${orderBy(query.sort ?? 'levels', 'listed')}, listed.student_id, listed.application_id LIMIT ${take} OFFSET ${skip}`,
      params,
    )) as Row[];
    const total =
      rows.length > 0 ? (rows[0].total_count as number) : skip === 0 ? 0 : ((await this.dataSource.query(`SELECT count(*)::int AS total FROM (${sql}) counted`, params)) as { total: number }[])[0].total;
    return {
      items: rows.map((row) => ({
        applicationId: row.application_id as string,
        appliedOn: row.applied_on as string,
        batch: { id: row.batch_id as string, code: row.batch_code as string, name: row.batch_name as string },
        receivingSchool: { id: row.receiving_id as string, code: (row.receiving_code as string).trim(), name: row.receiving_name as string },
        student: {
          id: row.student_id as string,
          name: row.student_name as string,
          studentNumber: maskStudentNumber(row.student_number as string),
          school: { id: row.school_id as string, code: (row.school_code as string).trim(), name: row.school_name as string },
        },
        portfolio: row.portfolio_id
          ? { id: row.portfolio_id as string, version: row.portfolio_version as number, sealedAt: (row.sealed_at as Date).toISOString(), contentSha256: row.content_sha256 as string }
          : null,
        levels: row.levels as Record<string, string>,
        dimensionsAtBOrBetter: row.at_b_or_better as number,
      })),
      page,
      pageSize,
      total,
    };
  }
}

/** `levels` best first, a dimension A first (no result last), `appliedOn` latest first, `name` A–Z; `-key` reverses. */
function orderBy(sort: string, alias: string): string {
  const reverse = sort.startsWith('-');
  const key = reverse ? sort.slice(1) : sort;
  const direction = (natural: 'ASC' | 'DESC') => (reverse ? (natural === 'ASC' ? 'DESC' : 'ASC') : natural);
  if (key === 'levels') return `${alias}.level_points ${direction('DESC')}`;
  if (key === 'appliedOn') return `${alias}.applied_on::date ${direction('DESC')}`;
  if (key === 'name') return `${alias}.student_name ${direction('ASC')}`;
  if ((DIMENSIONS as readonly string[]).includes(key)) return `(${alias}.levels ->> '${key}') ${direction('ASC')} NULLS LAST`;
  return `${alias}.level_points DESC`;
}

function checkPeriod(opensOn: string, closesOn: string): void {
  if (closesOn < opensOn) {
    throw new PortfolioError('INVALID_PERIOD', `the period closes (${closesOn}) before it opens (${opensOn})`, `结束日期（${closesOn}）早于开始日期（${opensOn}）`, { opensOn, closesOn });
  }
}
