import { IsDateString, IsOptional, Matches } from 'class-validator';
import { PageQueryDto } from '../../../common/http/pagination';

export class CreateTermDto {
  /** `2024-2025-1` (autumn) or `2024-2025-2` (spring). */
  @Matches(/^\d{4}-\d{4}-[12]$/, { message: 'code must look like 2024-2025-1' })
  code: string;

  @IsDateString({ strict: true })
  startDate: string;

  @IsDateString({ strict: true })
  endDate: string;
}

export class UpdateTermDto {
  @IsOptional()
  @IsDateString({ strict: true })
  startDate?: string;

  @IsOptional()
  @IsDateString({ strict: true })
  endDate?: string;
}

export class ListTermsQueryDto extends PageQueryDto {
  @IsOptional()
  @Matches(/^\d{4}-\d{4}$/, { message: 'schoolYear must look like 2024-2025' })
  schoolYear?: string;
}

export interface TermResponse {
  id: string;
  code: string;
  schoolYear: string;
  termNumber: number;
  startDate: string;
  endDate: string;
}
