import { IsInt, IsObject, IsOptional, IsString, IsUUID, IsIn, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import type { RubricDefinition } from '../../../scoring-core';

/** A new rubric (version 1). The definition is checked as a whole by the scoring core (docs/evaluation.md). */
export class CreateRubricDto {
  @Matches(/^[a-z][a-z0-9_-]{0,59}$/, { message: 'code must be 1–60 lower-case letters, digits, - or _, starting with a letter' })
  code: string;

  @IsString()
  @MinLength(1)
  @MaxLength(100)
  nameZh: string;

  @IsString()
  @MinLength(1)
  @MaxLength(200)
  nameEn: string;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;

  @IsObject()
  definition: Record<string, unknown>;
}

/** Replacing an unused version's content (PUT) or superseding a used one (POST …/supersede): everything but the code. */
export class RubricContentDto {
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  nameZh: string;

  @IsString()
  @MinLength(1)
  @MaxLength(200)
  nameEn: string;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;

  @IsObject()
  definition: Record<string, unknown>;
}

export const COHORT_STAGES = ['primary', 'junior', 'senior'] as const;

/** A cohort (届): stage + the school year its students entered the stage (2024 = 2024-2025), optionally one region. */
export class CohortDto {
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

export class AssignRubricDto extends CohortDto {
  @IsUUID()
  rubricId: string;
}

export interface RubricResponse {
  id: string;
  code: string;
  version: number;
  nameZh: string;
  nameEn: string;
  description: string | null;
  definition: RubricDefinition;
  builtIn: boolean;
  supersedesId: string | null;
  supersededAt: string | null;
  /** Some run used this version: it cannot be edited, only superseded. */
  inUse: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface AssignmentResponse {
  id: string;
  stage: string;
  entryYear: number;
  regionId: string | null;
  rubricId: string;
  updatedAt: string;
}
