import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { VALUE_ADDED_MODELS } from '../../../scoring-core';
import { SCHOOL_STAGES, type SchoolStage } from '../../roster/entities/school.entity';

/** `GET /api/reports/value-added/studies`: studies with their school year and finished runs. */
export class ValueAddedStudiesQueryDto {
  /** An academic exam indicator code or `total`. */
  @IsOptional()
  @IsString()
  @Matches(/^(total|academic\.exam\.[a-z0-9_]+)$/, { message: 'subject must be an academic exam indicator code (academic.exam.math) or total' })
  subject?: string;

  @IsOptional()
  @Matches(/^\d{4}-\d{4}$/, { message: 'schoolYear must look like 2024-2025' })
  schoolYear?: string;
}

/** `GET /api/reports/value-added/runs/:id`: one model's group rows with school, district and stage; filters. */
export class ValueAddedRunReportQueryDto {
  @IsOptional()
  @IsIn(VALUE_ADDED_MODELS)
  model?: string;

  /** A district (or the city: every school below it). */
  @IsOptional()
  @IsUUID()
  regionId?: string;

  @IsOptional()
  @IsIn(SCHOOL_STAGES)
  stage?: SchoolStage;
}

/** `GET /api/reports/value-added/stability`: the same schools in two runs (e.g. two school years). */
export class ValueAddedStabilityQueryDto {
  @IsUUID()
  fromRunId: string;

  @IsUUID()
  toRunId: string;

  @IsOptional()
  @IsIn(VALUE_ADDED_MODELS)
  model?: string;
}

export const TABLE_EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export const CHART_EXPORT_FORMATS = ['png', 'svg'] as const;

/** `POST /api/reports/exports/table`: the table a page shows, as a file. */
export class TableExportDto {
  @IsIn(TABLE_EXPORT_FORMATS)
  format: (typeof TABLE_EXPORT_FORMATS)[number];

  @IsString()
  @MinLength(1)
  @MaxLength(100)
  title: string;

  /** The API path the table was read from (kept in the audit trail). */
  @IsOptional()
  @IsString()
  @MaxLength(300)
  source?: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  columns: string[];

  /** Rows of cells: text, numbers, booleans or null; checked in the service. */
  @IsArray()
  @ArrayMaxSize(100_000)
  rows: unknown[];
}

/** `POST /api/reports/exports/chart`: a chart as the browser drew it (ECharts getDataURL). */
export class ChartExportDto {
  @IsIn(CHART_EXPORT_FORMATS)
  format: (typeof CHART_EXPORT_FORMATS)[number];

  @IsString()
  @MinLength(1)
  @MaxLength(100)
  title: string;

  @IsOptional()
  @IsString()
  @MaxLength(300)
  source?: string;

  /** `data:image/png;base64,…` or `data:image/svg+xml;…` */
  @IsString()
  @MaxLength(20_000_000)
  dataUrl: string;
}
