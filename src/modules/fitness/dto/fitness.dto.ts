import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, IsUUID, Matches } from 'class-validator';
import { PageQueryDto } from '../../../common/http/pagination';
import { FITNESS_GRADE_CODES } from '../../../scoring-core';

const SCHOOL_YEAR = /^\d{4}-\d{4}$/;
const SCHOOL_YEAR_MESSAGE = 'schoolYear must look like 2024-2025';

export const AGGREGATE_LEVELS = ['class', 'school', 'district', 'city'] as const;
export type AggregateLevel = (typeof AGGREGATE_LEVELS)[number];
export const FITNESS_SEX_CODES = ['M', 'F'] as const;

/** `GET /api/fitness/results`: stored year results, filtered, within the caller's scope. */
export class ListFitnessResultsQueryDto extends PageQueryDto {
  @IsOptional()
  @IsUUID()
  studentId?: string;

  @IsOptional()
  @IsUUID()
  schoolId?: string;

  @IsOptional()
  @IsUUID()
  classId?: string;

  @IsOptional()
  @IsString()
  @Matches(SCHOOL_YEAR, { message: SCHOOL_YEAR_MESSAGE })
  schoolYear?: string;
}

/** `GET /api/fitness/aggregates` and `/myopia`: one row per unit of the level. */
export class FitnessAggregateQueryDto {
  @IsIn(AGGREGATE_LEVELS)
  level: AggregateLevel;

  @IsString()
  @Matches(SCHOOL_YEAR, { message: SCHOOL_YEAR_MESSAGE })
  schoolYear: string;

  @IsOptional()
  @IsIn(FITNESS_GRADE_CODES)
  gradeCode?: string;

  @IsOptional()
  @IsIn(FITNESS_SEX_CODES)
  sex?: 'M' | 'F';
}

/** `POST /api/fitness/recompute`: a school year, for some schools or every school in the caller's scope. */
export class RecomputeFitnessDto {
  @IsString()
  @Matches(SCHOOL_YEAR, { message: SCHOOL_YEAR_MESSAGE })
  schoolYear: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true })
  @Type(() => String)
  schoolIds?: string[];
}
