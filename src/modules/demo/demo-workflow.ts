import type { DataSource } from 'typeorm';
import { AdmissionsService } from '../portfolios/admissions.service';
import type { DemoManifest } from './demo-files';

/**
 * The admission batch the applications name, set up as the city does before the applications
 * are imported: from its fixed opening day until a year from today at the earliest (so the demo
 * admissions officer can read now). Its closing day is the one date of the demo that follows
 * the day of loading besides the open publicity batch (demo-services.ts).
 */
export async function createDemoAdmissionsBatch(dataSource: DataSource, manifest: DemoManifest): Promise<void> {
  const batch = manifest.admissionsBatch;
  const inAYear = new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);
  const closesOn = inAYear > '2027-07-31' ? inAYear : '2027-07-31';
  await new AdmissionsService(dataSource).createBatch({ code: batch.code, name: batch.name, opensOn: batch.opensOn, closesOn });
}
