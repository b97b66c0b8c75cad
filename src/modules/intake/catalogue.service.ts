import { Injectable } from '@nestjs/common';
import { DataSource, IsNull } from 'typeorm';
import { isUniqueViolation } from '../roster/roster.errors';
import type { CreateIndicatorDto, ListIndicatorsQueryDto } from './dto/indicator.dto';
import { Indicator } from './entities/indicator.entity';
import { IntakeError, notFound } from './intake.errors';

/**
 * The indicator catalogue (指标目录) as data: the default catalogue is seeded by migration; city
 * administrators add indicators and retire them. A retired indicator takes no new values
 * (imports refuse it with INDICATOR_RETIRED) but keeps its records and their history.
 */
@Injectable()
export class CatalogueService {
  constructor(private readonly dataSource: DataSource) {}

  async list(query: ListIndicatorsQueryDto): Promise<Indicator[]> {
    return this.dataSource.getRepository(Indicator).find({
      where: { ...(query.dimension ? { dimension: query.dimension } : {}), ...(query.includeRetired === 'true' ? {} : { retiredAt: IsNull() }) },
      order: { dimension: 'ASC', code: 'ASC' },
    });
  }

  async get(id: string): Promise<Indicator> {
    const found = await this.dataSource.getRepository(Indicator).findOneBy({ id });
    if (!found) throw notFound('indicator', '指标', id);
    return found;
  }

  async create(dto: CreateIndicatorDto): Promise<Indicator> {
    const invalid = (message: string, messageZh: string) => new IntakeError('INVALID_INDICATOR', message, messageZh);
    if (dto.valueType === 'level' && !dto.levels) throw invalid('a level indicator needs its levels', '等级型指标须给出等级列表');
    if (dto.valueType !== 'level' && dto.levels) throw invalid('only level indicators have levels', '只有等级型指标才有等级列表');
    if (dto.valueType === 'score' && !(dto.fullMarks && dto.fullMarks > 0)) throw invalid('a score indicator needs full marks above 0', '分数型指标须给出大于0的满分');
    if (dto.minValue !== undefined && dto.maxValue !== undefined && dto.minValue > dto.maxValue) throw invalid('minValue is above maxValue', '下限大于上限');
    if (dto.fullMarks !== undefined && dto.maxValue !== undefined && dto.fullMarks > dto.maxValue) throw invalid('fullMarks is above maxValue', '满分大于上限');
    const repository = this.dataSource.getRepository(Indicator);
    try {
      return await repository.save(
        repository.create({
          code: dto.code,
          dimension: dto.dimension,
          nameZh: dto.nameZh,
          nameEn: dto.nameEn,
          valueType: dto.valueType,
          unit: dto.unit ?? null,
          minValue: dto.minValue === undefined ? null : String(dto.minValue),
          maxValue: dto.maxValue === undefined ? null : String(dto.maxValue),
          fullMarks: dto.fullMarks === undefined ? null : String(dto.fullMarks),
          levels: dto.levels ?? null,
          aliases: dto.aliases ?? [],
          builtIn: false,
          retiredAt: null,
        }),
      );
    } catch (error) {
      if (isUniqueViolation(error)) throw new IntakeError('DUPLICATE_INDICATOR_CODE', `an indicator with code ${dto.code} exists`, `指标代码${dto.code}已存在`);
      throw error;
    }
  }

  /** Retires an indicator (idempotent); its records stay. */
  async retire(id: string): Promise<Indicator> {
    const indicator = await this.get(id);
    if (indicator.retiredAt === null) {
      await this.dataSource.query('UPDATE indicators SET retired_at = now(), updated_at = now() WHERE id = $1 AND retired_at IS NULL', [id]);
    }
    return this.get(id);
  }
}
