import { Injectable, StreamableFile } from '@nestjs/common';
import type { Request } from 'express';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import type { ChartExportDto, TableExportDto } from './dto/reports.dto';
import { attachmentHeader, type ExportCell, tableToCsv, tableToXlsx } from './export-files';
import { ReportsError } from './reports.errors';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function invalid(message: string, messageZh: string): ReportsError {
  return new ReportsError('INVALID_EXPORT', message, messageZh);
}

/** Checks every row is an array of text, numbers, booleans or null, no longer than the header. */
function checkedRows(columns: readonly string[], rows: readonly unknown[]): ExportCell[][] {
  return rows.map((row, index) => {
    if (!Array.isArray(row) || row.length > columns.length) throw invalid(`row ${index + 1} must be an array of at most ${columns.length} cells`, `第${index + 1}行须为不超过${columns.length}个单元格的数组`);
    return row.map((cell) => {
      if (cell === null || typeof cell === 'string' || typeof cell === 'boolean') return cell as ExportCell;
      if (typeof cell === 'number' && Number.isFinite(cell)) return cell;
      throw invalid(`row ${index + 1} has a cell that is not text, a finite number, a boolean or null`, `第${index + 1}行有单元格不是文本、数字、布尔值或空值`);
    });
  });
}

/**
 * Turns the table or chart a page shows into a file. The export is audited (action `export`,
 * the format and title in the operation, the API path the table came from as the target) on top
 * of the write the audit interceptor records for every POST.
 */
@Injectable()
export class ExportsService {
  constructor(private readonly audit: AuditService) {}

  private record(actor: Actor, request: Request, kind: 'table' | 'chart', format: string, title: string, source: string | undefined, rows: number | null): Promise<void> {
    return this.audit.record({
      actor,
      action: 'export',
      operation: `export ${kind} ${format}: ${title}${rows === null ? '' : ` (${rows} rows)`}`,
      targetType: kind,
      targetId: source ?? null,
      outcome: 'success',
      request,
    });
  }

  async table(dto: TableExportDto, actor: Actor, request: Request): Promise<StreamableFile> {
    const rows = checkedRows(dto.columns, dto.rows);
    const body = dto.format === 'csv' ? tableToCsv(dto.columns, rows) : await tableToXlsx(dto.title, dto.columns, rows);
    await this.record(actor, request, 'table', dto.format, dto.title, dto.source, rows.length);
    return new StreamableFile(body, { type: dto.format === 'csv' ? 'text/csv; charset=utf-8' : XLSX_TYPE, disposition: attachmentHeader(dto.title, dto.format), length: body.length });
  }

  async chart(dto: ChartExportDto, actor: Actor, request: Request): Promise<StreamableFile> {
    let body: Buffer;
    if (dto.format === 'png') {
      const match = /^data:image\/png;base64,([A-Za-z0-9+/=]+)$/.exec(dto.dataUrl);
      body = match ? Buffer.from(match[1], 'base64') : Buffer.alloc(0);
      if (!body.subarray(0, 8).equals(PNG_MAGIC)) throw invalid('dataUrl must be a base64 PNG data URL', 'dataUrl须为base64编码的PNG数据URL');
    } else {
      const match = /^data:image\/svg\+xml(;charset=utf-8)?(;base64)?,(.*)$/is.exec(dto.dataUrl);
      let text = '';
      try {
        text = match ? (match[2] ? Buffer.from(match[3], 'base64').toString('utf8') : decodeURIComponent(match[3])) : '';
      } catch {
        text = '';
      }
      if (!/^\s*(<\?xml[^>]*>\s*)?<svg[\s>]/.test(text)) throw invalid('dataUrl must be an SVG data URL', 'dataUrl须为SVG数据URL');
      body = Buffer.from(text, 'utf8');
    }
    await this.record(actor, request, 'chart', dto.format, dto.title, dto.source, null);
    return new StreamableFile(body, { type: dto.format === 'png' ? 'image/png' : 'image/svg+xml; charset=utf-8', disposition: attachmentHeader(dto.title, dto.format), length: body.length });
  }
}
