import * as fs from 'node:fs';
import type { DataScope } from '../auth/data-scope';
import type { JobHandler } from '../jobs/jobs.worker';
import { ImportRejectedError } from './imports.errors';
import type { ImportProgress, ImportsService } from './imports.service';

export interface ImportJobPayload {
  kind: string;
  path: string;
  fileName: string;
  dryRun: boolean;
  scope: DataScope;
  actorUserId: string | null;
  /** 'cli': the operator's own file, imported by `wuyu import` (never removed); absent: a spooled upload. */
  origin?: 'cli';
}

/**
 * Runs a spooled upload through the import pipeline, reporting rows as it streams; the spool file
 * is removed afterwards (an operator's file imported from the CLI is left alone). `onProgress`
 * also receives every progress event (the CLI draws its bar from them).
 */
export function importJobHandler(imports: ImportsService, options: { onProgress?: (progress: ImportProgress) => void } = {}): JobHandler {
  return async (job, progress) => {
    const payload = job.payload as unknown as ImportJobPayload;
    let lastReported = 0;
    // Progress writes go one after another (never a stale count over a newer one) and are all
    // done before the job ends — the CLI closes its connections right after.
    let reported: Promise<void> = Promise.resolve();
    const report = (done: number, total: number | null) => {
      reported = reported.then(() => progress(done, total)).catch(() => undefined);
      return reported;
    };
    if (!fs.existsSync(payload.path)) {
      // A retried job whose spooled upload was cleaned away: the file must be uploaded again.
      return { result: {}, failed: { code: 'SPOOL_FILE_MISSING', message: 'the uploaded file of this job is no longer on the server; upload it again', messageZh: '该任务上传的文件已不在服务器上，请重新上传' } };
    }
    try {
      const outcome = await imports.run(payload.kind, { path: payload.path }, payload.fileName, {
        dryRun: payload.dryRun,
        context: { scope: payload.scope, actorUserId: payload.actorUserId },
        onProgress: (p) => {
          options.onProgress?.(p);
          if (p.rowsProcessed === lastReported && p.phase !== 'done') return;
          lastReported = p.rowsProcessed;
          void report(p.rowsProcessed, p.rowsTotal);
        },
      });
      await report(outcome.rowCount, outcome.rowCount);
      if (!outcome.valid) return { result: outcome as unknown as Record<string, unknown>, failed: { code: 'IMPORT_INVALID', message: `the file has ${outcome.errorCount} problem(s); nothing was imported`, messageZh: `文件有${outcome.errorCount}处问题，未导入任何数据` } };
      return { result: outcome as unknown as Record<string, unknown> };
    } catch (error) {
      if (error instanceof ImportRejectedError) {
        await report(error.report.rowCount, error.report.rowCount);
        return { result: error.report as unknown as Record<string, unknown>, failed: { code: error.code, message: error.message, messageZh: error.messageZh } };
      }
      await reported;
      throw error;
    } finally {
      if (payload.origin !== 'cli') await fs.promises.rm(payload.path, { force: true });
    }
  };
}
