import { type ConfirmedRecordChanged, ReviewEvents } from './review-events';

const event: ConfirmedRecordChanged = {
  recordId: 'r1',
  studentId: 's1',
  schoolId: 'k1',
  termId: 't1',
  change: 'amended',
  cause: 'appeal',
  appealId: 'a1',
  reason: '时长更正',
  version: 2,
  at: '2025-01-06T02:00:00.000Z',
};

describe('ReviewEvents (the hook portfolios subscribe to)', () => {
  it('delivers each change to every listener in order, and stops after unsubscribe', async () => {
    const events = new ReviewEvents();
    const seen: string[] = [];
    const stop = events.onConfirmedRecordChanged((e) => void seen.push(`first:${e.recordId}:${e.version}`));
    events.onConfirmedRecordChanged(async (e) => {
      await Promise.resolve();
      seen.push(`second:${e.change}`);
    });
    await events.emitConfirmedRecordChanged(event);
    stop();
    await events.emitConfirmedRecordChanged({ ...event, version: 3 });
    expect(seen).toEqual(['first:r1:2', 'second:amended', 'second:amended']);
  });

  it('a failing listener neither stops the others nor reaches the caller', async () => {
    const events = new ReviewEvents();
    const seen: number[] = [];
    events.onConfirmedRecordChanged(() => {
      throw new Error('portfolio store unavailable');
    });
    events.onConfirmedRecordChanged((e) => void seen.push(e.version));
    await expect(events.emitConfirmedRecordChanged(event)).resolves.toBeUndefined();
    expect(seen).toEqual([2]);
  });
});
