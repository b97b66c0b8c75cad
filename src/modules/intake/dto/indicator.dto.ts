import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsNumber, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { DIMENSIONS, type Dimension, VALUE_TYPES, type ValueType } from '../dimensions';
import type { Indicator } from '../entities/indicator.entity';

export class ListIndicatorsQueryDto {
  @IsOptional()
  @IsIn(DIMENSIONS)
  dimension?: Dimension;

  /** `true` lists retired indicators too. */
  @IsOptional()
  @IsIn(['true', 'false'])
  includeRetired?: 'true' | 'false';
}

/** A new indicator (city administrators). Bounds and levels as its value type needs them. */
export class CreateIndicatorDto {
  @Matches(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/, { message: 'code must be dotted lower-case, e.g. academic.exam.music' })
  @MaxLength(60)
  code: string;

  @IsIn(DIMENSIONS)
  dimension: Dimension;

  @IsString()
  @MaxLength(50)
  nameZh: string;

  @IsString()
  @MaxLength(100)
  nameEn: string;

  @IsIn(VALUE_TYPES)
  valueType: ValueType;

  @IsOptional()
  @IsString()
  @MaxLength(20)
  unit?: string;

  @IsOptional()
  @IsNumber()
  minValue?: number;

  @IsOptional()
  @IsNumber()
  maxValue?: number;

  @IsOptional()
  @IsNumber()
  fullMarks?: number;

  @IsOptional()
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(20, { each: true })
  levels?: string[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(50, { each: true })
  aliases?: string[];
}

export interface IndicatorResponse {
  id: string;
  code: string;
  dimension: Dimension;
  nameZh: string;
  nameEn: string;
  valueType: ValueType;
  unit: string | null;
  minValue: number | null;
  maxValue: number | null;
  fullMarks: number | null;
  levels: string[] | null;
  aliases: string[];
  builtIn: boolean;
  retiredAt: string | null;
}

const num = (value: string | null) => (value === null ? null : Number(value));

export function toIndicatorResponse(indicator: Indicator): IndicatorResponse {
  return {
    id: indicator.id,
    code: indicator.code,
    dimension: indicator.dimension,
    nameZh: indicator.nameZh,
    nameEn: indicator.nameEn,
    valueType: indicator.valueType,
    unit: indicator.unit,
    minValue: num(indicator.minValue),
    maxValue: num(indicator.maxValue),
    fullMarks: num(indicator.fullMarks),
    levels: indicator.levels,
    aliases: indicator.aliases,
    builtIn: indicator.builtIn,
    retiredAt: indicator.retiredAt?.toISOString() ?? null,
  };
}
