import * as fs from 'node:fs';
import type { DataScope } from '../auth/data-scope';
import type { JobHandler } from '../jobs/jobs.worker';
import { ImportRejectedError } from './imports.errors';
import type { ImportsService } from './imports.service';

interface ImportJobPayload {
  kind: string;
  path: string;
  fileName: string;
  dryRun: boolean;
  scope: DataScope;
  actorUserId: string | null;
}

/** Runs a spooled upload through the import pipeline, reporting rows as it streams; the spool file is removed afterwards. */
export function importJobHandler(imports: ImportsService): JobHandler {
  return async (job, progress) => {
    const payload = job.payload as unknown as ImportJobPayload;
    let lastReported = 0;
    if (!fs.existsSync(payload.path)) {
      // A retried job whose spooled upload was cleaned away: the file must be uploaded again.
      return { result: {}, failed: { code: 'SPOOL_FILE_MISSING', message: 'the uploaded file of this job is no longer on the server; upload it again', messageZh: '该任务上传的文件已不在服务器上，请重新上传' } };
    }
    try {
      const report = await imports.run(payload.kind, { path: payload.path }, payload.fileName, {
        dryRun: payload.dryRun,
        context: { scope: payload.scope, actorUserId: payload.actorUserId },
        onProgress: (p) => {
          if (p.rowsProcessed === lastReported && p.phase !== 'done') return;
          lastReported = p.rowsProcessed;
          void progress(p.rowsProcessed, p.rowsTotal);
        },
      });
      await progress(report.rowCount, report.rowCount);
      if (!report.valid) return { result: report as unknown as Record<string, unknown>, failed: { code: 'IMPORT_INVALID', message: `the file has ${report.errorCount} problem(s); nothing was imported`, messageZh: `文件有${report.errorCount}处问题，未导入任何数据` } };
      return { result: report as unknown as Record<string, unknown> };
    } catch (error) {
      if (error instanceof ImportRejectedError) {
        await progress(error.report.rowCount, error.report.rowCount);
        return { result: error.report as unknown as Record<string, unknown>, failed: { code: error.code, message: error.message, messageZh: error.messageZh } };
      }
      throw error;
    } finally {
      await fs.promises.rm(payload.path, { force: true });
    }
  };
}
