import { IsDateString, IsIn, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { PageQueryDto } from '../../../common/http/pagination';
import { STUDENT_STATUSES, type StudentStatus } from '../entities/student.entity';

export class CreateStudentDto {
  /** 学籍号: G/J/L + 18-character ID number with a correct check digit. */
  @IsString()
  @Length(1, 40)
  studentNumber: string;

  @IsString()
  @Length(1, 50)
  name: string;

  /** GB/T 2261.1: 1 male, 2 female (0 unknown, 9 unspecified). */
  @IsIn(['0', '1', '2', '9'])
  sexCode: string;

  @IsDateString({ strict: true })
  birthDate: string;

  /** GB 3304 two-digit code, e.g. 01 汉族, 02 蒙古族. */
  @Matches(/^\d{2}$/, { message: 'ethnicityCode must be a two-digit GB 3304 code' })
  ethnicityCode: string;

  @IsOptional()
  @IsIn(STUDENT_STATUSES)
  status?: StudentStatus;

  @IsUUID()
  schoolId: string;
}

export class UpdateStudentDto {
  @IsOptional()
  @IsString()
  @Length(1, 50)
  name?: string;

  @IsOptional()
  @IsIn(['0', '1', '2', '9'])
  sexCode?: string;

  @IsOptional()
  @IsDateString({ strict: true })
  birthDate?: string;

  @IsOptional()
  @Matches(/^\d{2}$/, { message: 'ethnicityCode must be a two-digit GB 3304 code' })
  ethnicityCode?: string;

  @IsOptional()
  @IsIn(STUDENT_STATUSES)
  status?: StudentStatus;

  @IsOptional()
  @IsUUID()
  schoolId?: string;
}

export class ListStudentsQueryDto extends PageQueryDto {
  @IsOptional()
  @IsUUID()
  schoolId?: string;

  @IsOptional()
  @IsUUID()
  classId?: string;

  @IsOptional()
  @IsIn(STUDENT_STATUSES)
  status?: StudentStatus;

  /** Name starts with. */
  @IsOptional()
  @IsString()
  @Length(1, 50)
  name?: string;
}

export interface StudentResponse {
  id: string;
  studentNumber: string;
  name: string;
  sexCode: string;
  birthDate: string;
  ethnicityCode: string;
  status: StudentStatus;
  schoolId: string;
}
