import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { ImportBatch } from './entities/import-batch.entity';
import { type ImportReport, MAX_REPORTED_ERRORS } from './import-report';
import { ImportRejectedError, UnknownImportKindError } from './imports.errors';
import { rosterImportKind } from './kinds/roster.import-kind';
import type { AnyImportKind, ImportContext, RowProblem } from './pipeline/import-kind';
import { readTable } from './pipeline/read-table';
import { mapHeaders, validateRows } from './pipeline/validate-table';

const FILE_PROBLEMS: Record<string, [string, string]> = {
  EMPTY_FILE: ['the file is empty', '文件为空'],
  ENCODING_UNDETECTED: ['the file is neither UTF-8 nor GBK/GB18030 text; save it as "CSV UTF-8" or as .xlsx', '无法识别文件编码，请另存为“CSV UTF-8”或.xlsx'],
  UNREADABLE_FILE: ['the file is not a CSV or .xlsx spreadsheet that can be read (old .xls files must be saved as .xlsx)', '无法读取该文件，请使用CSV或.xlsx格式（旧版.xls请另存为.xlsx）'],
  MALFORMED_CSV: ['the CSV has an unterminated quoted field', 'CSV中有未闭合的引号'],
  NO_DATA_ROWS: ['the file has a header but no data rows', '文件只有表头，没有数据'],
};

function fileProblem(code: string, extra?: Partial<RowProblem>): RowProblem {
  const [message, messageZh] = FILE_PROBLEMS[code] ?? [code, code];
  return { code, message, messageZh, ...extra };
}

/** Rolls the dry run's transaction back after resolve, so a dry run never writes. */
class DryRunRollback extends Error {}

/**
 * The reusable import pipeline: decode → read → map headers → validate rows → resolve against
 * the database → commit, all-or-nothing in one transaction. Imports of the same kind are
 * serialised by a transaction-scoped advisory lock. Re-importing identical content changes
 * nothing (the kinds' merges only write rows that differ) and records no new batch.
 */
@Injectable()
export class ImportsService {
  private readonly kinds = new Map<string, AnyImportKind>([[rosterImportKind.kind, rosterImportKind]]);

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  kindNames(): string[] {
    return [...this.kinds.keys()];
  }

  getKind(kind: string): AnyImportKind {
    const found = this.kinds.get(kind);
    if (!found) throw new UnknownImportKindError(kind, this.kindNames());
    return found;
  }

  /** Validates (dryRun) or imports a file. A commit of an invalid file throws ImportRejectedError with the report. */
  async run(kindName: string, bytes: Buffer, fileName: string, options: { dryRun: boolean; context: ImportContext }): Promise<ImportReport> {
    const kind = this.getKind(kindName);
    const report: ImportReport = {
      kind: kind.kind,
      fileName,
      fileSha256: createHash('sha256').update(bytes).digest('hex'),
      format: 'unknown',
      encoding: 'unknown',
      rowCount: 0,
      valid: false,
      dryRun: options.dryRun,
      committed: false,
      errorCount: 0,
      errors: [],
    };
    const finish = (problems: RowProblem[]): ImportReport => {
      problems.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
      report.errorCount = problems.length;
      report.errors = problems.slice(0, MAX_REPORTED_ERRORS);
      report.valid = problems.length === 0;
      if (!report.valid && !options.dryRun) throw new ImportRejectedError(report);
      return report;
    };

    if (bytes.length > this.config.importMaxBytes) {
      return finish([{ code: 'FILE_TOO_LARGE', message: `the file is larger than ${this.config.importMaxBytes} bytes`, messageZh: `文件超过${this.config.importMaxBytes}字节上限` }]);
    }
    const table = await readTable(bytes);
    if (typeof table === 'string') return finish([fileProblem(table)]);
    report.format = table.format;
    report.encoding = table.encoding;
    report.rowCount = table.rows.length;
    const mapped = mapHeaders(table.headers, kind.columns);
    if (Array.isArray(mapped)) return finish(mapped);
    if (table.rows.length === 0) return finish([fileProblem('NO_DATA_ROWS')]);
    const validated = validateRows<unknown>(table, kind, mapped);
    const header = (key: string) => mapped.headerOf.get(key) ?? key;

    try {
      await this.dataSource.transaction(async (manager) => {
        await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`wuyu-import:${kind.kind}`]);
        const { resolved, problems } = await kind.resolve(validated.rows, manager, header, options.context);
        const allProblems = [...validated.problems, ...problems];
        if (allProblems.length > 0 || options.dryRun) {
          finish(allProblems);
          throw new DryRunRollback();
        }
        const summary = await kind.commit(resolved.map((r) => r.row), manager, options.context);
        report.summary = summary;
        if (Object.values(summary).some((count) => count > 0)) {
          const batch = await manager.getRepository(ImportBatch).save(
            manager.getRepository(ImportBatch).create({
              kind: kind.kind,
              fileSha256: report.fileSha256,
              fileName: fileName.slice(0, 255),
              encoding: report.encoding,
              rowCount: report.rowCount,
              summary,
            }),
          );
          report.batchId = batch.id;
        }
      });
    } catch (error) {
      if (error instanceof DryRunRollback) return report;
      throw error;
    }
    report.valid = true;
    report.committed = true;
    return report;
  }
}
