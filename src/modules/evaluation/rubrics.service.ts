import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, IsNull } from 'typeorm';
import { type CatalogueIndicator, checkRubricDefinition, type CompiledRubric, type RubricProblem } from '../../scoring-core';
import { isUniqueViolation } from '../roster/roster.errors';
import type { AssignmentResponse, AssignRubricDto, CreateRubricDto, RubricContentDto, RubricResponse } from './dto/rubric.dto';
import { EvaluationAssignment } from './entities/evaluation-assignment.entity';
import { EvaluationRubric } from './entities/evaluation-rubric.entity';
import { EvaluationError, evaluationNotFound } from './evaluation.errors';

export function toRubricResponse(rubric: EvaluationRubric, inUse: boolean): RubricResponse {
  return {
    id: rubric.id,
    code: rubric.code,
    version: rubric.version,
    nameZh: rubric.nameZh,
    nameEn: rubric.nameEn,
    description: rubric.description,
    definition: rubric.definition,
    builtIn: rubric.builtIn,
    supersedesId: rubric.supersedesId,
    supersededAt: rubric.supersededAt?.toISOString() ?? null,
    inUse,
    createdAt: rubric.createdAt.toISOString(),
    updatedAt: rubric.updatedAt.toISOString(),
  };
}

export function toAssignmentResponse(assignment: EvaluationAssignment): AssignmentResponse {
  return { id: assignment.id, stage: assignment.stage, entryYear: assignment.entryYear, regionId: assignment.regionId, rubricId: assignment.rubricId, updatedAt: assignment.updatedAt.toISOString() };
}

/**
 * Rubrics (评价方案) and their assignment to cohorts (issue 7 point 1; ADR 0800). Every
 * definition is checked by the scoring core before it is stored — formulas included, so a
 * dangerous or unknown formula is refused at save time with the offending part named. A
 * version some run used is frozen: edits answer 409 RUBRIC_IN_USE; superseding it makes the
 * next version and moves its cohort assignments there. Runs lock the rubric row (FOR SHARE)
 * while they are created, edits lock it FOR UPDATE, so "not in use" cannot race a new run.
 */
@Injectable()
export class RubricsService {
  constructor(private readonly dataSource: DataSource) {}

  async list(): Promise<RubricResponse[]> {
    const rubrics = await this.dataSource.getRepository(EvaluationRubric).find({ order: { code: 'ASC', version: 'DESC' } });
    const used = await this.usedIds(this.dataSource.manager, rubrics.map((r) => r.id));
    return rubrics.map((rubric) => toRubricResponse(rubric, used.has(rubric.id)));
  }

  async get(id: string): Promise<RubricResponse> {
    const rubric = await this.find(this.dataSource.manager, id);
    const used = await this.usedIds(this.dataSource.manager, [id]);
    return toRubricResponse(rubric, used.has(id));
  }

  async create(dto: CreateRubricDto, actorUserId: string): Promise<RubricResponse> {
    const compiled = await this.check(dto.definition);
    const repository = this.dataSource.getRepository(EvaluationRubric);
    try {
      const saved = await this.dataSource.transaction(async (manager) => {
        const [existing] = (await manager.query('SELECT 1 FROM evaluation_rubrics WHERE code = $1 LIMIT 1', [dto.code])) as unknown[];
        if (existing) throw duplicateCode(dto.code);
        return manager.getRepository(EvaluationRubric).save(
          repository.create({
            code: dto.code,
            version: 1,
            nameZh: dto.nameZh,
            nameEn: dto.nameEn,
            description: dto.description ?? null,
            definition: compiled.definition,
            builtIn: false,
            supersedesId: null,
            supersededAt: null,
            createdBy: actorUserId,
          }),
        );
      });
      return toRubricResponse(saved, false);
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicateCode(dto.code);
      throw error;
    }
  }

  /** Replaces the content of a version no run has used (and not superseded); else 409. */
  async update(id: string, dto: RubricContentDto): Promise<RubricResponse> {
    const compiled = await this.check(dto.definition);
    const saved = await this.dataSource.transaction(async (manager) => {
      const rubric = await this.lock(manager, id, 'FOR UPDATE');
      if (rubric.supersededAt !== null) throw superseded(rubric);
      if ((await this.usedIds(manager, [id])).has(id)) {
        throw new EvaluationError(
          'RUBRIC_IN_USE',
          `rubric ${rubric.code} version ${rubric.version} was used by an evaluation run and cannot be edited; supersede it with a new version (POST /api/evaluation/rubrics/${id}/supersede)`,
          `评价方案${rubric.code}第${rubric.version}版已被评价运行使用，不能修改；请发布新版本替代（POST /api/evaluation/rubrics/${id}/supersede）`,
          { rubricId: id },
        );
      }
      await manager.getRepository(EvaluationRubric).update({ id }, { nameZh: dto.nameZh, nameEn: dto.nameEn, description: dto.description ?? null, definition: compiled.definition as never });
      return this.find(manager, id);
    });
    return toRubricResponse(saved, false);
  }

  /**
   * Makes the next version of a rubric from `id` (the latest version) and moves the cohort
   * assignments of `id` to it. Runs keep the version they used. A superseded version → 409.
   */
  async supersede(id: string, dto: RubricContentDto, actorUserId: string): Promise<RubricResponse> {
    const compiled = await this.check(dto.definition);
    const saved = await this.dataSource.transaction(async (manager) => {
      const rubric = await this.lock(manager, id, 'FOR UPDATE');
      if (rubric.supersededAt !== null) throw superseded(rubric);
      const repository = manager.getRepository(EvaluationRubric);
      const next = await repository.save(
        repository.create({
          code: rubric.code,
          version: rubric.version + 1,
          nameZh: dto.nameZh,
          nameEn: dto.nameEn,
          description: dto.description ?? null,
          definition: compiled.definition,
          builtIn: false,
          supersedesId: rubric.id,
          supersededAt: null,
          createdBy: actorUserId,
        }),
      );
      await manager.query('UPDATE evaluation_rubrics SET superseded_at = now(), updated_at = now() WHERE id = $1', [rubric.id]);
      await manager.query('UPDATE evaluation_assignments SET rubric_id = $2, updated_at = now() WHERE rubric_id = $1', [rubric.id, next.id]);
      return next;
    });
    return toRubricResponse(saved, false);
  }

  async listAssignments(): Promise<AssignmentResponse[]> {
    const rows = await this.dataSource.getRepository(EvaluationAssignment).find({ order: { stage: 'ASC', entryYear: 'DESC', regionId: 'ASC' } });
    return rows.map(toAssignmentResponse);
  }

  /** Assigns a (current, not superseded) rubric version to a cohort, replacing its previous assignment. */
  async assign(dto: AssignRubricDto, actorUserId: string): Promise<AssignmentResponse> {
    const saved = await this.dataSource.transaction(async (manager) => {
      const rubric = await this.lock(manager, dto.rubricId, 'FOR SHARE');
      if (rubric.supersededAt !== null) throw superseded(rubric);
      if (dto.regionId) {
        const [region] = (await manager.query('SELECT 1 FROM regions WHERE id = $1', [dto.regionId])) as unknown[];
        if (!region) throw new EvaluationError('INVALID_COHORT', `region ${dto.regionId} does not exist`, `地区${dto.regionId}不存在`, [{ field: 'regionId', code: 'UNKNOWN_REGION', message: 'unknown region' }]);
      }
      // Serialise assignments of one cohort (the partial unique indexes back this up).
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`evaluation-assignment|${dto.stage}|${dto.entryYear}|${dto.regionId ?? ''}`]);
      const repository = manager.getRepository(EvaluationAssignment);
      const existing = await repository.findOneBy({ stage: dto.stage, entryYear: dto.entryYear, regionId: dto.regionId ?? IsNull() });
      if (existing) {
        await repository.update({ id: existing.id }, { rubricId: rubric.id, assignedBy: actorUserId });
        return repository.findOneByOrFail({ id: existing.id });
      }
      return repository.save(repository.create({ stage: dto.stage, entryYear: dto.entryYear, regionId: dto.regionId ?? null, rubricId: rubric.id, assignedBy: actorUserId }));
    });
    return toAssignmentResponse(saved);
  }

  /** The catalogue as the rubric check needs it. */
  async catalogue(manager: EntityManager = this.dataSource.manager): Promise<Map<string, CatalogueIndicator>> {
    const rows = (await manager.query('SELECT code, value_type, levels FROM indicators')) as { code: string; value_type: string; levels: string[] | null }[];
    return new Map(rows.map((row) => [row.code, { code: row.code, valueType: row.value_type, levels: row.levels }]));
  }

  /** Checks a definition (400 INVALID_FORMULA / INVALID_RUBRIC naming every problem) and compiles it. */
  async check(definition: unknown): Promise<CompiledRubric> {
    const result = checkRubricDefinition(definition, await this.catalogue());
    if (result.ok) return result.rubric;
    throw invalidDefinition(result.problems);
  }

  /** Locks a rubric row for the rest of the transaction; 404 when missing. */
  async lock(manager: EntityManager, id: string, mode: 'FOR UPDATE' | 'FOR SHARE'): Promise<EvaluationRubric> {
    const [row] = (await manager.query(`SELECT id FROM evaluation_rubrics WHERE id = $1 ${mode}`, [id])) as { id: string }[];
    if (!row) throw evaluationNotFound('rubric', '评价方案', id);
    return this.find(manager, id);
  }

  private async find(manager: EntityManager, id: string): Promise<EvaluationRubric> {
    const rubric = await manager.getRepository(EvaluationRubric).findOneBy({ id });
    if (!rubric) throw evaluationNotFound('rubric', '评价方案', id);
    return rubric;
  }

  private async usedIds(manager: EntityManager, ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = (await manager.query('SELECT DISTINCT rubric_id FROM evaluation_runs WHERE rubric_id = ANY($1::uuid[])', [ids])) as { rubric_id: string }[];
    return new Set(rows.map((row) => row.rubric_id));
  }
}

function duplicateCode(code: string): EvaluationError {
  return new EvaluationError('DUPLICATE_RUBRIC_CODE', `a rubric with code ${code} exists; supersede its latest version instead`, `评价方案代码${code}已存在；请发布其最新版本的新版本`);
}

function superseded(rubric: EvaluationRubric): EvaluationError {
  return new EvaluationError(
    'RUBRIC_SUPERSEDED',
    `rubric ${rubric.code} version ${rubric.version} has been superseded by a newer version; change or assign the latest version`,
    `评价方案${rubric.code}第${rubric.version}版已被新版本替代；请修改或指定最新版本`,
    { rubricId: rubric.id },
  );
}

/** 400 with every problem; INVALID_FORMULA when a formula is among them (its message names the offending part first). */
export function invalidDefinition(problems: readonly RubricProblem[]): EvaluationError {
  const formula = problems.find((p) => p.part !== undefined);
  const details = problems.map((p) => ({ field: p.field, code: p.code, message: p.message, messageZh: p.messageZh, ...(p.part !== undefined ? { value: p.part } : {}) }));
  if (formula) return new EvaluationError('INVALID_FORMULA', formula.message, formula.messageZh, details);
  const first = problems[0];
  return new EvaluationError('INVALID_RUBRIC', `${first.field}: ${first.message}${problems.length > 1 ? ` (and ${problems.length - 1} more problems, see details)` : ''}`, `${first.field}：${first.messageZh}${problems.length > 1 ? `（另有${problems.length - 1}处问题，见 details）` : ''}`, details);
}
