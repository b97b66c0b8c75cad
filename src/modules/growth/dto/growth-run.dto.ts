import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsNumber, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { PageQueryDto } from '../../../common/http/pagination';
import { EXAM_TYPES } from '../../intake/dimensions';

/** An occasion: a term and, for exam scores, the exam (type + date); neither for once-a-term indicators. */
export class GrowthOccasionDto {
  /** Required for catalogue indicators. */
  @IsOptional()
  @IsUUID()
  termId?: string;

  /** Required for the fitness year total (`fitness.year_total`), instead of a term. */
  @IsOptional()
  @Matches(/^\d{4}-\d{4}$/, { message: 'schoolYear must look like 2024-2025' })
  schoolYear?: string;

  @IsOptional()
  @IsIn(EXAM_TYPES)
  examType?: string;

  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'examDate must look like 2025-01-15' })
  examDate?: string;
}

export class CreateGrowthRunDto {
  /** A numeric indicator's code (`academic.exam.math`, `physical.fitness.rope_skip_1min`, …) or `fitness.year_total`. */
  @IsString()
  @MaxLength(100)
  @Matches(/^[a-z0-9_]+(\.[a-z0-9_]+)+$/, { message: 'indicator must be an indicator code such as academic.exam.math' })
  indicator: string;

  @ValidateNested()
  @Type(() => GrowthOccasionDto)
  current: GrowthOccasionDto;

  /** Most recent first. */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(3)
  @ValidateNested({ each: true })
  @Type(() => GrowthOccasionDto)
  priors: GrowthOccasionDto[];

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  minimumN?: number;

  /** Baseline-referenced growth: apply this succeeded run's stored matrices (same indicator) instead of fitting. */
  @IsOptional()
  @IsUUID()
  baselineRunId?: string;
}

export class ListGrowthRunsQueryDto extends PageQueryDto {}

export class ProjectionQueryDto {
  /** The run whose stored matrices project the student's history. */
  @IsUUID()
  runId: string;

  /** A score to reach next year: the answer includes the growth percentile needed. */
  @IsOptional()
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  target?: number;
}
