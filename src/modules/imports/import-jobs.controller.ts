import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Controller, HttpCode, Inject, Param, Post, Query, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import { DomainError } from '../../common/errors/domain-error';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import type { Actor } from '../auth/actor';
import { CurrentActor, RequirePermission } from '../auth/auth.decorators';
import { type JobResponse, toJobResponse } from '../jobs/dto/job.response';
import { JobsService } from '../jobs/jobs.service';
import { JobsWorker } from '../jobs/jobs.worker';
import { ImportQueryDto } from './imports.controller';
import { ImportsService } from './imports.service';

/** The part of multer's file object we use. */
interface UploadedFileBody {
  originalname: string;
  buffer: Buffer;
}

/**
 * Large files as background jobs: `POST /api/imports/:kind/jobs` spools the upload under the
 * data directory and answers 202 with the job; `GET /api/jobs/:id` shows its state, rows
 * processed / total and, when finished, the import report (ADR 0403).
 */
@ApiTags('imports')
@Controller('api/imports')
export class ImportJobsController {
  constructor(
    private readonly imports: ImportsService,
    private readonly jobs: JobsService,
    private readonly worker: JobsWorker,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post(':kind/jobs')
  @HttpCode(202)
  @RequirePermission('imports.commit')
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } } })
  @UseInterceptors(FileInterceptor('file'))
  async enqueue(@Param('kind') kindName: string, @Query() query: ImportQueryDto, @UploadedFile() file: UploadedFileBody | undefined, @CurrentActor() actor: Actor): Promise<JobResponse> {
    this.imports.getKind(kindName);
    if (!file) throw new DomainError('FILE_REQUIRED', 400, 'attach the file as multipart/form-data field "file"', '请以multipart/form-data的file字段上传文件');
    const spoolDir = path.join(this.config.dataDir, 'import-spool');
    await fs.promises.mkdir(spoolDir, { recursive: true });
    const spooled = path.join(spoolDir, `${randomUUID()}.upload`);
    await fs.promises.writeFile(spooled, file.buffer);
    const scope = actor.scopeFor('imports.commit');
    const job = await this.jobs.enqueue(
      'import',
      { kind: kindName, path: spooled, fileName: Buffer.from(file.originalname, 'latin1').toString('utf8'), dryRun: query.dryRun === 'true', scope, actorUserId: actor.userId },
      { schoolId: scope.schoolIds.length === 1 ? scope.schoolIds[0] : null, createdBy: actor.userId },
    );
    this.worker.kick();
    return toJobResponse(job);
  }
}
