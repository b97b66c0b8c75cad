import { IsIn, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { PageQueryDto } from '../../../common/http/pagination';
import { REGION_LEVELS, type RegionLevel } from '../entities/region.entity';

export class CreateRegionDto {
  /** GB/T 2260 six-digit code, e.g. 150302 (海勃湾区). */
  @Matches(/^\d{6}$/, { message: 'code must be a six-digit GB/T 2260 code' })
  code: string;

  @IsString()
  @Length(1, 100)
  name: string;

  @IsIn(REGION_LEVELS)
  level: RegionLevel;

  @IsOptional()
  @IsUUID()
  parentId?: string;
}

export class UpdateRegionDto {
  @IsOptional()
  @IsString()
  @Length(1, 100)
  name?: string;
}

export class ListRegionsQueryDto extends PageQueryDto {
  @IsOptional()
  @IsIn(REGION_LEVELS)
  level?: RegionLevel;

  @IsOptional()
  @IsUUID()
  parentId?: string;
}

export interface RegionResponse {
  id: string;
  code: string;
  name: string;
  level: RegionLevel;
  parentId: string | null;
}
