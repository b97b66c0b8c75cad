import { demoLoadPlan, runDemoPlan } from './demo-plan';

const terms = ['2023-2024-1', '2023-2024-2', '2024-2025-1', '2024-2025-2', '2025-2026-1', '2025-2026-2'].map((code) => ({
  code,
  schoolYear: code.slice(0, 9),
  startDate: '',
  endDate: '',
}));
const file = (kind: string, termCode: string, rows = 10) => ({ kind, path: `${kind}/${termCode}.csv`, termCode, rows }) as never;
const files = [
  ...terms.map((t) => file('roster', t.code, 100)),
  file('scores', '2023-2024-1', 90),
  file('fitness', '2025-2026-1', 500),
  file('activities', '2024-2025-2', 5),
  file('activities', '2025-2026-2', 7),
  file('applications', '2025-2026-2', 3),
];

describe('demo load plan (ADR 0902)', () => {
  const plan = demoLoadPlan({ files, terms } as never);
  const byId = new Map(plan.map((t) => [t.id, t]));

  it('imports the last school year’s rosters first, then the older ones oldest first, then the last year’s again — one after the other', () => {
    const chain = plan.filter((t) => t.file && (t.file as { kind: string }).kind === 'roster');
    expect(chain.map((t) => `${t.again ? 'again ' : ''}${(t.file as { termCode: string }).termCode}`)).toEqual([
      '2025-2026-1', '2025-2026-2', '2023-2024-1', '2023-2024-2', '2024-2025-1', '2024-2025-2', 'again 2025-2026-1', 'again 2025-2026-2',
    ]);
    chain.forEach((task, index) => expect(task.deps).toEqual(index === 0 ? [] : [chain[index - 1].id]));
    expect(Math.min(...chain.map((t) => t.priority))).toBeGreaterThan(Math.max(...plan.filter((t) => !chain.includes(t)).map((t) => t.priority)));
  });

  it('starts a term’s records once its own roster is in; fitness results after the year’s rosters and fitness files; evidence after every 写实记录 file', () => {
    expect(byId.get('scores scores/2023-2024-1.csv')!.deps).toEqual(['roster roster/2023-2024-1.csv']);
    expect(byId.get('fitness fitness/2025-2026-1.csv')!.deps).toEqual(['roster roster/2025-2026-1.csv']);
    expect([...byId.get('fitness results 2025-2026')!.deps].sort()).toEqual(['fitness fitness/2025-2026-1.csv', 'roster roster/2025-2026-1.csv', 'roster roster/2025-2026-2.csv']);
    expect([...byId.get('evidence')!.deps].sort()).toEqual(['activities activities/2024-2025-2.csv', 'activities activities/2025-2026-2.csv']);
  });

  it('a city of one school year has no second pass', () => {
    const oneYear = demoLoadPlan({ files: [file('roster', '2025-2026-1'), file('roster', '2025-2026-2')], terms: terms.slice(4) } as never);
    expect(oneYear.filter((t) => t.again)).toEqual([]);
  });

  it('runs every task after its dependencies, at most `concurrency` at once, higher priority first', async () => {
    const started: string[] = [];
    const finished = new Set<string>();
    let running = 0;
    let most = 0;
    await runDemoPlan(plan, 3, async (task) => {
      for (const dep of task.deps) expect(finished.has(dep)).toBe(true);
      started.push(task.id);
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 2));
      running -= 1;
      finished.add(task.id);
    });
    expect(finished.size).toBe(plan.length);
    expect(most).toBeLessThanOrEqual(3);
    expect(most).toBeGreaterThan(1);
    // When the first roster is in, the fitness file (500 rows) goes before the 2025-2026-2 roster's records.
    expect(started.indexOf('fitness fitness/2025-2026-1.csv')).toBeLessThan(started.indexOf('applications applications/2025-2026-2.csv'));
  });

  it('stops at the first failure and reports it; refuses a plan that can never finish', async () => {
    const ran: string[] = [];
    await expect(
      runDemoPlan(plan, 1, async (task) => {
        ran.push(task.id);
        if (ran.length === 2) throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(ran).toHaveLength(2);
    await expect(runDemoPlan([{ id: 'a', deps: ['b'], priority: 0 }, { id: 'b', deps: ['a'], priority: 0 }], 2, async () => undefined)).rejects.toThrow(/can never start/);
    await expect(runDemoPlan([{ id: 'a', deps: ['x'], priority: 0 }], 2, async () => undefined)).rejects.toThrow(/unknown x/);
  });
});
