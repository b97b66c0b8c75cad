import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { VALUE_ADDED_MODELS, type ValueAddedModelName } from '../../../scoring-core';
import { PageQueryDto } from '../../../common/http/pagination';
import { EXAM_TYPES } from '../../intake/dimensions';
import type { StudyOccasion, ValueAddedStudy } from '../entities/value-added-study.entity';

/** Roster covariates a study may use: female (sex_code 2 → 1, 1 → 0), minority (ethnicity 02–56 → 1, 01 → 0). */
export const STUDY_COVARIATES = ['female', 'minority'] as const;
export const STUDY_GROUPINGS = ['school', 'class'] as const;

export class StudyOccasionDto implements StudyOccasion {
  @IsUUID()
  termId: string;

  @IsIn(EXAM_TYPES)
  examType: string;

  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'examDate must look like 2025-01-15' })
  examDate: string;

  /** `academic.exam.math` or `total`. */
  @IsString()
  @Matches(/^(total|academic\.exam\.[a-z0-9_]+)$/, { message: 'subject must be an academic exam indicator code (academic.exam.math) or total' })
  subject: string;
}

export class CreateStudyDto {
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name: string;

  @ValidateNested()
  @Type(() => StudyOccasionDto)
  outcome: StudyOccasionDto;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(3)
  @ValidateNested({ each: true })
  @Type(() => StudyOccasionDto)
  priors: StudyOccasionDto[];

  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(STUDY_COVARIATES, { each: true })
  covariates?: string[];

  @IsIn(STUDY_GROUPINGS)
  grouping: 'school' | 'class';

  @IsIn(VALUE_ADDED_MODELS)
  model: ValueAddedModelName;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  minGroupSize?: number;
}

/** A run: the study's model, or several models for a method comparison. */
export class CreateRunDto {
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(4)
  @ArrayUnique()
  @IsIn(VALUE_ADDED_MODELS, { each: true })
  models?: ValueAddedModelName[];
}

export class ListStudiesQueryDto extends PageQueryDto {}

export interface StudyResponse {
  id: string;
  name: string;
  outcome: StudyOccasion;
  priors: StudyOccasion[];
  covariates: string[];
  grouping: 'school' | 'class';
  model: string;
  minGroupSize: number;
  createdAt: string;
}

export function toStudyResponse(study: ValueAddedStudy): StudyResponse {
  return {
    id: study.id,
    name: study.name,
    outcome: study.outcome,
    priors: study.priors,
    covariates: study.covariates,
    grouping: study.grouping,
    model: study.model,
    minGroupSize: study.minGroupSize,
    createdAt: study.createdAt.toISOString(),
  };
}
