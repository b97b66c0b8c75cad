import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../../common/http/pagination';
import { JOB_STATES, type JobState } from '../entities/job.entity';

/** `GET /api/jobs?type=import&state=failed&page=&pageSize=`: the jobs the caller may see, newest first. */
export class ListJobsQueryDto extends PageQueryDto {
  @IsOptional()
  @IsString()
  @MaxLength(40)
  type?: string;

  @IsOptional()
  @IsIn(JOB_STATES)
  state?: JobState;
}
