import { IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { PageQueryDto } from '../../../common/http/pagination';
import { COHORT_STAGES } from './rubric.dto';

/** A term run: the cohort's students enrolled in the term, scored by the cohort's assigned rubric. */
export class CreateTermRunDto {
  @IsUUID()
  termId: string;

  @IsIn(COHORT_STAGES)
  stage: string;

  @IsInt()
  @Min(2000)
  @Max(2100)
  entryYear: number;

  @IsOptional()
  @IsUUID()
  regionId?: string;
}

/** A graduation run: the cohort's latest term results combined by the assigned rubric's term weights. */
export class CreateGraduationRunDto {
  @IsIn(COHORT_STAGES)
  stage: string;

  @IsInt()
  @Min(2000)
  @Max(2100)
  entryYear: number;

  @IsOptional()
  @IsUUID()
  regionId?: string;
}

export class ListRunsQueryDto extends PageQueryDto {}

export class RunResultsQueryDto extends PageQueryDto {
  @IsOptional()
  @IsUUID()
  schoolId?: string;

  @IsOptional()
  @IsUUID()
  classId?: string;
}

export class ExplanationQueryDto {
  @IsOptional()
  @IsUUID()
  termId?: string;

  @IsOptional()
  @IsIn(['moral', 'academic', 'physical', 'aesthetic', 'labour'])
  dimension?: string;
}
