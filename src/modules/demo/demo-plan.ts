import type { DemoManifest } from './demo-files';

type ManifestFile = DemoManifest['files'][number];

/** One task of a demo load: an import (a file, or a roster again) or a service step, with what it waits for. */
export interface DemoTask {
  readonly id: string;
  readonly deps: readonly string[];
  /** Higher first among ready tasks: the roster chain, then the larger files. */
  readonly priority: number;
  readonly file?: ManifestFile;
  /** A roster imported a second time at the end of the chain (its enrolments are in already). */
  readonly again?: boolean;
  /** A school year whose fitness results are computed once its fitness files and rosters are in. */
  readonly fitnessYear?: string;
  readonly evidence?: true;
}

/**
 * The order of a demo load (ADR 0902). The last school year's records are the big files (at
 * `city` scale the only fitness, vision, art, labour and 写实记录 files), so its rosters are
 * imported first and its records start at once, overlapping the earlier years' rosters:
 *
 *   rosters of the last school year → rosters of the earlier years, oldest first →
 *   the last school year's rosters again
 *
 * One roster at a time (the pipeline serialises them anyway), each term's records as soon as
 * its own roster is in. A roster of an older term sets the current school and status of the
 * students it lists (the latest term of the file wins, ADR 0004), so the last year's rosters are
 * imported once more at the end: their enrolments are unchanged (nothing is written), and every
 * student's current school and status are the newest term's again, as in a load in term order.
 * A year's fitness results are computed as soon as its fitness files and both its rosters are in;
 * the evidence is attached once every 写实记录 file is in.
 */
export function demoLoadPlan(manifest: Pick<DemoManifest, 'files' | 'terms'>): DemoTask[] {
  const yearOf = new Map(manifest.terms.map((t) => [t.code, t.schoolYear]));
  const lastYear = manifest.terms[manifest.terms.length - 1].schoolYear;
  const rosters = manifest.files.filter((f) => f.kind === 'roster').sort((a, b) => a.termCode.localeCompare(b.termCode));
  const latest = rosters.filter((f) => yearOf.get(f.termCode) === lastYear);
  const earlier = rosters.filter((f) => yearOf.get(f.termCode) !== lastYear);
  const chain: { file: ManifestFile; again: boolean }[] = [
    ...latest.map((file) => ({ file, again: false })),
    ...earlier.map((file) => ({ file, again: false })),
    // Only needed when older rosters came after the newest ones.
    ...(earlier.length > 0 ? latest.map((file) => ({ file, again: true })) : []),
  ];
  const tasks: DemoTask[] = [];
  const rosterTask = new Map<string, string>();
  chain.forEach(({ file, again }, index) => {
    const id = `${again ? 'roster again' : 'roster'} ${file.path}`;
    tasks.push({ id, deps: index === 0 ? [] : [tasks[tasks.length - 1].id], priority: 1e9 - index, file, again });
    if (!again) rosterTask.set(file.termCode, id);
  });
  const records = manifest.files.filter((f) => f.kind !== 'roster');
  for (const file of records) {
    const roster = rosterTask.get(file.termCode);
    tasks.push({ id: `${file.kind} ${file.path}`, deps: roster ? [roster] : [], priority: file.rows, file });
  }
  const years = [...new Set(records.filter((f) => f.kind === 'fitness').map((f) => yearOf.get(f.termCode)!))].sort();
  for (const year of years) {
    const fitnessFiles = records.filter((f) => f.kind === 'fitness' && yearOf.get(f.termCode) === year).map((f) => `${f.kind} ${f.path}`);
    const yearRosters = manifest.terms.filter((t) => t.schoolYear === year).map((t) => rosterTask.get(t.code)).filter((id): id is string => id !== undefined);
    tasks.push({ id: `fitness results ${year}`, deps: [...yearRosters, ...fitnessFiles], priority: 1e6, fitnessYear: year });
  }
  const activities = records.filter((f) => f.kind === 'activities').map((f) => `${f.kind} ${f.path}`);
  tasks.push({ id: 'evidence', deps: activities, priority: 0, evidence: true });
  return tasks;
}

/**
 * Runs the tasks with at most `concurrency` at a time, the ready ones (every dependency done)
 * by priority. Stops starting tasks at the first failure and throws it once the running ones end.
 */
export async function runDemoPlan(tasks: readonly DemoTask[], concurrency: number, work: (task: DemoTask) => Promise<void>): Promise<void> {
  const known = new Set(tasks.map((t) => t.id));
  for (const task of tasks) for (const dep of task.deps) if (!known.has(dep)) throw new Error(`demo plan: ${task.id} waits for unknown ${dep}`);
  const done = new Set<string>();
  const pending = [...tasks];
  let running = 0;
  let failure: unknown;
  await new Promise<void>((resolve) => {
    const pump = () => {
      if (failure === undefined) {
        for (;;) {
          if (running >= Math.max(1, concurrency)) break;
          const ready = pending.filter((t) => t.deps.every((d) => done.has(d))).sort((a, b) => b.priority - a.priority)[0];
          if (!ready) break;
          pending.splice(pending.indexOf(ready), 1);
          running += 1;
          work(ready)
            .then(() => done.add(ready.id))
            .catch((error: unknown) => {
              failure ??= error;
            })
            .finally(() => {
              running -= 1;
              pump();
            });
        }
      }
      if (running === 0 && (failure !== undefined || pending.length === 0)) resolve();
      else if (running === 0 && pending.length > 0) {
        failure = new Error(`demo plan: ${pending.map((t) => t.id).join(', ')} can never start`);
        resolve();
      }
    };
    pump();
  });
  if (failure !== undefined) throw failure;
}
