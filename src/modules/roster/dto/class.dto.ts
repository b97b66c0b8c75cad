import { IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { PageQueryDto } from '../../../common/http/pagination';

export class CreateClassDto {
  @IsUUID()
  schoolId: string;

  @Matches(/^\d{4}-\d{4}$/, { message: 'schoolYear must look like 2024-2025' })
  schoolYear: string;

  @Matches(/^(P[1-6]|J[1-3]|S[1-3]|U12|U34)$/, { message: 'gradeCode must be one of P1–P6, J1–J3, S1–S3, U12, U34' })
  gradeCode: string;

  @IsString()
  @Length(1, 50)
  name: string;
}

export class UpdateClassDto {
  @IsOptional()
  @IsString()
  @Length(1, 50)
  name?: string;
}

export class ListClassesQueryDto extends PageQueryDto {
  @IsOptional()
  @IsUUID()
  schoolId?: string;

  @IsOptional()
  @Matches(/^\d{4}-\d{4}$/, { message: 'schoolYear must look like 2024-2025' })
  schoolYear?: string;

  @IsOptional()
  @Matches(/^(P[1-6]|J[1-3]|S[1-3]|U12|U34)$/, { message: 'gradeCode must be one of P1–P6, J1–J3, S1–S3, U12, U34' })
  gradeCode?: string;
}

export interface ClassResponse {
  id: string;
  schoolId: string;
  schoolYear: string;
  gradeCode: string;
  name: string;
}
