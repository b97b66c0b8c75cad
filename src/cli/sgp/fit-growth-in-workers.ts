/**
 * Runs the τ chains of a growth fit on worker threads (two by default: the machine has two
 * cores), then assembles the same coefficient set that fitGrowthCoefficients would produce
 * in one thread: the chains are fixed by the core (growthTauChains), not by the thread count.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  assembleGrowthCoefficients,
  fitGrowthChain,
  growthTauChains,
  ScoringInputError,
  type GrowthCoefficientSet,
  type GrowthFitPlan,
  type ScoringInputErrorCode,
} from '../../scoring-core';
import type { GrowthChainJob, GrowthChainReply } from './growth-fit.worker';

const WORKER_FILE = join(__dirname, 'growth-fit.worker.js');

export function defaultGrowthThreads(): number {
  return Math.max(1, Math.min(availableParallelism(), 4));
}

/**
 * `onChainDone` (optional) is called after each (order, τ chain) is fitted — plan.tasks.length ×
 * growthTauChains(plan.taus).length calls in all — so a caller can report progress.
 */
export async function fitGrowthInWorkers(plan: GrowthFitPlan, threads: number, onChainDone?: () => void): Promise<GrowthCoefficientSet> {
  const chains = growthTauChains(plan.taus);
  const jobs = plan.tasks.flatMap((task, taskIndex) => chains.map((chain, chainIndex) => ({ task, taskIndex, chain, chainIndex })));
  const results: Float64Array[][] = plan.tasks.map(() => chains.map(() => new Float64Array(0)));
  // Without the compiled worker (e.g. under ts-jest) or with one thread, fit in this thread.
  if (threads <= 1 || !existsSync(WORKER_FILE)) {
    for (const job of jobs) {
      results[job.taskIndex][job.chainIndex] = fitGrowthChain(job.task.problem, plan.taus, job.chain);
      onChainDone?.();
    }
    return assembleGrowthCoefficients(plan, results);
  }
  // Largest problems first, so the two threads finish together.
  const queue = jobs
    .map((job, index) => ({ ...job, index }))
    .sort((a, b) => b.task.problem.rows * b.task.problem.columns ** 2 - a.task.problem.rows * a.task.problem.columns ** 2 || a.index - b.index);
  const workerCount = Math.min(threads, queue.length);
  const workers = Array.from({ length: workerCount }, () => new Worker(WORKER_FILE));
  try {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            let current: (typeof queue)[number] | undefined;
            const next = (): void => {
              current = queue.shift();
              if (current === undefined) {
                resolve();
                return;
              }
              const { problem } = current.task;
              const message: GrowthChainJob = {
                job: current.index,
                design: problem.design,
                response: problem.response,
                rows: problem.rows,
                columns: problem.columns,
                taus: plan.taus,
                chain: current.chain,
              };
              worker.postMessage(message);
            };
            worker.on('message', (reply: GrowthChainReply) => {
              if (current === undefined) return;
              if (reply.error !== undefined) {
                reject(
                  reply.error.name === 'ScoringInputError'
                    ? new ScoringInputError(reply.error.code as ScoringInputErrorCode, reply.error.message)
                    : new Error(reply.error.message),
                );
                return;
              }
              results[current.taskIndex][current.chainIndex] = reply.coefficients as Float64Array;
              onChainDone?.();
              next();
            });
            worker.on('error', reject);
            next();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
  return assembleGrowthCoefficients(plan, results);
}
