import { IsIn, IsInt, IsNumber, IsObject, IsOptional, Max, Min } from 'class-validator';

export class UpdateReviewSettingsDto {
  /** 公示期 minimum: provinces use 5, 7, 10 or 15 working days. */
  @IsOptional()
  @IsIn([5, 7, 10, 15])
  publicityMinWorkingDays?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(30)
  appealWindowWorkingDays?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(30)
  escalationWindowWorkingDays?: number;

  /** e.g. { "moral": 8, "labour": 12 }: at most this many selected records per student, term and dimension. */
  @IsOptional()
  @IsObject()
  selectionCaps?: Record<string, number>;

  @IsOptional()
  @IsNumber({ maxDecimalPlaces: 2 })
  @Min(1)
  @Max(24)
  maxHoursPerDay?: number;

  @IsOptional()
  @IsInt()
  @Min(2)
  @Max(1000)
  burstCount?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1440)
  burstMinutes?: number;
}
