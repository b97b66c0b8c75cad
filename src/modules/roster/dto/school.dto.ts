import { IsIn, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { PageQueryDto } from '../../../common/http/pagination';
import { SCHOOL_STAGES, type SchoolStage } from '../entities/school.entity';

export class CreateSchoolDto {
  /** 学校标识码: ten digits. */
  @Matches(/^\d{10}$/, { message: 'code must be the ten-digit 学校标识码' })
  code: string;

  @IsString()
  @Length(1, 200)
  name: string;

  @IsIn(SCHOOL_STAGES)
  stage: SchoolStage;

  @IsUUID()
  regionId: string;
}

export class UpdateSchoolDto {
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @IsOptional()
  @IsIn(SCHOOL_STAGES)
  stage?: SchoolStage;

  @IsOptional()
  @IsUUID()
  regionId?: string;
}

export class ListSchoolsQueryDto extends PageQueryDto {
  @IsOptional()
  @IsUUID()
  regionId?: string;

  @IsOptional()
  @IsIn(SCHOOL_STAGES)
  stage?: SchoolStage;

  /** Name contains. */
  @IsOptional()
  @IsString()
  @Length(1, 50)
  q?: string;
}

export interface SchoolResponse {
  id: string;
  code: string;
  name: string;
  stage: SchoolStage;
  regionId: string;
}
