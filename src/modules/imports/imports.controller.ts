import { Controller, Get, Param, Post, Query, Res, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import type { Response } from 'express';
import { DomainError } from '../../common/errors/domain-error';
import type { ImportReport } from './import-report';
import { csvTemplate, xlsxTemplate } from './import-template';
import { ImportsService } from './imports.service';
import type { Actor } from '../auth/actor';
import { CurrentActor, RequirePermission } from '../auth/auth.decorators';

export class ImportQueryDto {
  /** `true` validates and reports without writing anything. */
  @IsOptional()
  @IsIn(['true', 'false'])
  dryRun?: 'true' | 'false';
}

export class TemplateQueryDto {
  @IsOptional()
  @IsIn(['csv', 'xlsx'])
  format?: 'csv' | 'xlsx';
}

/** The part of multer's file object we use. */
interface UploadedFileBody {
  originalname: string;
  buffer: Buffer;
}

@ApiTags('imports')
@Controller('api/imports')
export class ImportsController {
  constructor(private readonly imports: ImportsService) {}

  @Get()
  kinds(): { items: { kind: string; titleZh: string; columns: { header: string; aliases: string[]; required: boolean }[] }[] } {
    return {
      items: this.imports.kindNames().map((name) => {
        const kind = this.imports.getKind(name);
        return { kind: kind.kind, titleZh: kind.titleZh, columns: kind.columns.map((c) => ({ header: c.headers[0], aliases: c.headers.slice(1), required: c.required })) };
      }),
    };
  }

  @Get(':kind/template')
  async template(@Param('kind') kindName: string, @Query() query: TemplateQueryDto, @Res() response: Response): Promise<void> {
    const kind = this.imports.getKind(kindName);
    const format = query.format ?? 'xlsx';
    const body = format === 'csv' ? csvTemplate(kind) : await xlsxTemplate(kind);
    response
      .status(200)
      .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .setHeader('Content-Disposition', `attachment; filename="${kind.kind}-template.${format}"; filename*=UTF-8''${encodeURIComponent(`${kind.titleZh}模板.${format}`)}`)
      .send(body);
  }

  /** Upload a CSV/XLSX as multipart field `file`. `?dryRun=true` → 200 with the report; commit → 201, or 422 IMPORT_INVALID with the report. */
  @Post(':kind')
  @RequirePermission('imports.commit')
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } } })
  @UseInterceptors(FileInterceptor('file'))
  async upload(
    @Param('kind') kindName: string,
    @Query() query: ImportQueryDto,
    @UploadedFile() file: UploadedFileBody | undefined,
    @Res({ passthrough: true }) response: Response,
    @CurrentActor() actor: Actor,
  ): Promise<ImportReport> {
    this.imports.getKind(kindName);
    if (!file) {
      throw new DomainError('FILE_REQUIRED', 400, 'attach the file as multipart/form-data field "file"', '请以multipart/form-data的file字段上传文件');
    }
    const dryRun = query.dryRun === 'true';
    const fileName = Buffer.from(file.originalname, 'latin1').toString('utf8');
    const report = await this.imports.run(kindName, file.buffer, fileName, { dryRun, context: { scope: actor.scopeFor('imports.commit'), actorUserId: actor.userId } });
    response.status(dryRun ? 200 : 201);
    return report;
  }
}
