import { IsOptional, IsUUID } from 'class-validator';
import { PageQueryDto } from '../../../common/http/pagination';

export class CreateEnrolmentDto {
  @IsUUID()
  studentId: string;

  @IsUUID()
  classId: string;

  @IsUUID()
  termId: string;
}

export class UpdateEnrolmentDto {
  /** Move the student to another class of the same school in the same term. */
  @IsUUID()
  classId: string;
}

export class ListEnrolmentsQueryDto extends PageQueryDto {
  @IsOptional()
  @IsUUID()
  studentId?: string;

  @IsOptional()
  @IsUUID()
  classId?: string;

  @IsOptional()
  @IsUUID()
  termId?: string;

  @IsOptional()
  @IsUUID()
  schoolId?: string;
}

export interface EnrolmentResponse {
  id: string;
  studentId: string;
  classId: string;
  termId: string;
  schoolId: string;
}
