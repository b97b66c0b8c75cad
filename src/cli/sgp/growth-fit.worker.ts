/**
 * Worker thread of `wuyu sgp`: fits one τ chain of one order (see fitGrowthChain) and posts the
 * coefficients back. The scoring core stays free of threads; only this CLI file uses them.
 */
import { parentPort } from 'node:worker_threads';
import { fitGrowthChain } from '../../scoring-core';

export interface GrowthChainJob {
  readonly job: number;
  readonly design: Float64Array;
  readonly response: Float64Array;
  readonly rows: number;
  readonly columns: number;
  readonly taus: readonly number[];
  readonly chain: readonly number[];
}

export interface GrowthChainReply {
  readonly job: number;
  readonly coefficients?: Float64Array;
  readonly error?: { name: string; code?: string; message: string };
}

parentPort?.on('message', (message: GrowthChainJob) => {
  try {
    const coefficients = fitGrowthChain(
      { design: message.design, response: message.response, rows: message.rows, columns: message.columns },
      message.taus,
      message.chain,
    );
    const reply: GrowthChainReply = { job: message.job, coefficients };
    parentPort?.postMessage(reply, [coefficients.buffer as ArrayBuffer]);
  } catch (error) {
    const known = error as { name?: string; code?: string; message?: string };
    const reply: GrowthChainReply = { job: message.job, error: { name: String(known.name), code: known.code, message: String(known.message) } };
    parentPort?.postMessage(reply);
  }
});
