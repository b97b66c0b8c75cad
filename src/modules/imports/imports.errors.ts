import { DomainError } from '../../common/errors/domain-error';
import type { ImportReport } from './import-report';

export class ImportError extends DomainError {}

export class UnknownImportKindError extends ImportError {
  constructor(kind: string, known: readonly string[]) {
    super('UNKNOWN_IMPORT_KIND', 404, `there is no import of kind "${kind}" (known: ${known.join(', ')})`, `没有“${kind}”类型的导入`, []);
  }
}

/** A commit refused because the file has problems; the report is in details, nothing was written. */
export class ImportRejectedError extends ImportError {
  constructor(readonly report: ImportReport) {
    super(
      'IMPORT_INVALID',
      422,
      `the file has ${report.errorCount} problem(s); nothing was imported`,
      `文件有${report.errorCount}处问题，未导入任何数据`,
      report as unknown as Record<string, unknown>,
    );
  }
}
