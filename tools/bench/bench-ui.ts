/**
 * `npm run bench:ui [-- --scale city|district|small] [--fresh] [--runs 5]`: page load times of the
 * web UI in Debian's Chromium against the demo city (target: < 1 s per page at city scale).
 *
 * Each page is opened as a user would (a full navigation: HTML, modules, ECharts, the API calls),
 * once to warm up, then `runs` times; the time is from navigation start until the page has
 * rendered its data (main[data-state=ready]) and the next frame is painted. Prints best, median
 * and worst per page, the machine's load, and the data size. Data: tools/bench/ui-session.ts.
 *
 * Because wall-clock times on a shared machine depend on its load, each page also gets figures
 * that depend on it less: its API calls (count, and the median of the longest call's and of all
 * calls' server time — the browser's Resource Timing, request sent → first byte), and the CPU the
 * service spent per load — the Node process (this one: the app runs in-process) and the
 * PostgreSQL backends of its connection pool (/proc/<pid>/stat), each divided by the runs.
 * `--only <substring>` measures only the pages whose name contains it; `--timeline` prints, for the
 * last run of each page, when the document, each script, style and API call started and ended
 * (Resource Timing; "cache" for a file the browser did not ask the service for) and when the page
 * marked itself ready (`performance.mark('wuyu:ready')`, set by web/src/main.ts).
 */
import * as fs from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { type Account, openUiSession, signInPage } from './ui-session';

/** User + system CPU seconds of each of these processes so far (Linux /proc; a process that is gone is left out). */
function processCpuSeconds(pids: readonly number[]): Map<number, number> {
  const tick = 100; // USER_HZ on Linux
  const seconds = new Map<number, number>();
  for (const pid of pids) {
    try {
      const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      seconds.set(pid, (Number(fields[11]) + Number(fields[12])) / tick);
    } catch {
      // gone
    }
  }
  return seconds;
}

/** CPU seconds spent between two readings: by the processes alive at the end (a new one from 0; one that ended in between is not counted). */
function cpuSpent(start: Map<number, number>, end: Map<number, number>): number {
  let total = 0;
  for (const [pid, seconds] of end) total += seconds - (start.get(pid) ?? 0);
  return total;
}

function argument(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** The last load's milestones and requests, in ms from navigation start, one line each. */
async function pageTimeline(page: import('playwright-core').Page, wallMs: number): Promise<string[]> {
  const entries = (await page.evaluate(`(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const rows = [
      { at: nav.requestStart, end: nav.responseEnd, what: 'document ' + new URL(nav.name).pathname, cached: false },
      { at: nav.domInteractive, end: nav.domContentLoadedEventEnd, what: 'DOM interactive → DOMContentLoaded done', cached: false },
    ];
    for (const e of performance.getEntriesByType('resource')) {
      const url = new URL(e.name);
      rows.push({ at: e.startTime, end: e.responseEnd, what: url.pathname + url.search, cached: e.transferSize === 0 && e.decodedBodySize > 0 });
    }
    for (const m of performance.getEntriesByType('mark')) rows.push({ at: m.startTime, end: m.startTime, what: 'mark ' + m.name, cached: false });
    return rows.sort((a, b) => a.at - b.at);
  })()`)) as { at: number; end: number; what: string; cached: boolean }[];
  return [
    ...entries.map((e) => `  ${e.at.toFixed(0).padStart(6)} → ${e.end.toFixed(0).padStart(6)}  ${e.cached ? 'cache ' : '      '}${e.what}`),
    `  wall time measured by the bench (goto → ready + a frame): ${wallMs} ms`,
  ];
}

async function main(): Promise<void> {
  const scale = argument('scale', 'city');
  const runs = Number(argument('runs', '5'));
  const session = await openUiSession({ scale, fresh: process.argv.includes('--fresh') });
  const browser = await session.launchBrowser();
  try {
    const role = (name: string): Account => {
      const account = session.accounts.get(name);
      if (!account) throw new Error(`no demo account for ${name}`);
      return account;
    };
    const pages: { name: string; account: Account; hash: string }[] = [
      { name: 'value-added overview', account: role('city_admin'), hash: '#/va' },
      { name: 'method comparison', account: role('city_admin'), hash: '#/va/methods' },
      { name: 'year-over-year stability', account: role('city_admin'), hash: '#/va/stability' },
      { name: 'fitness dashboard (schools)', account: role('city_admin'), hash: '#/fitness?level=school' },
      { name: 'fitness dashboard (districts)', account: role('city_admin'), hash: '#/fitness?level=district' },
      { name: 'audit log', account: role('city_admin'), hash: '#/audit' },
      { name: 'school page', account: role('school_admin'), hash: '#/school' },
      { name: 'uploads', account: role('school_admin'), hash: '#/uploads' },
      { name: 'review queue', account: role('school_admin'), hash: '#/review' },
      { name: 'student growth profile', account: role('student'), hash: '#/student' },
      ...(session.ids.portfolioId ? [{ name: 'portfolio', account: role('school_admin'), hash: `#/portfolio?id=${session.ids.portfolioId}` }] : []),
    ];
    const only = argument('only', '');
    const showTimeline = process.argv.includes('--timeline');
    const results: { name: string; times: number[]; calls: number; slowest: number[]; api: number[]; nodeCpu: number; pgCpu: number; slowestUrl: string; timeline: string[] }[] = [];
    for (const target of pages.filter((p) => p.name.includes(only))) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
      const page = await context.newPage();
      await signInPage(page, session.baseUrl, target.account);
      const times: number[] = [];
      const slowest: number[] = [];
      const api: number[] = [];
      let calls = 0;
      let slowestUrl = '';
      let timeline: string[] = [];
      let cpuStart = { node: 0, pg: new Map<number, number>() };
      for (let run = 0; run <= runs; run += 1) {
        await page.goto('about:blank');
        if (run === 1) cpuStart = { node: process.cpuUsage().user + process.cpuUsage().system, pg: processCpuSeconds(await session.backendPids()) };
        const started = Date.now();
        await page.goto(`${session.baseUrl}/${target.hash}`);
        await page.waitForSelector('main[data-state=ready]', { timeout: 120_000 });
        await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => resolve(null)))');
        const error = await page.$('main .error');
        if (error) throw new Error(`${target.name}: ${await error.textContent()}`);
        if (run > 0) {
          times.push((Date.now() - started) / 1000);
          const entries = (await page.evaluate(
            `performance.getEntriesByType('resource').filter((e) => new URL(e.name).pathname.startsWith('/api/')).map((e) => ({ url: new URL(e.name).pathname + new URL(e.name).search, server: (e.responseStart - e.requestStart) / 1000 }))`,
          )) as { url: string; server: number }[];
          calls = entries.length;
          const longest = entries.reduce((a, b) => (b.server > a.server ? b : a), { url: '', server: 0 });
          slowest.push(longest.server);
          slowestUrl = longest.url;
          api.push(entries.reduce((sum, e) => sum + e.server, 0));
          if (showTimeline && run === runs) timeline = await pageTimeline(page, Date.now() - started);
        }
      }
      const cpuEnd = { node: process.cpuUsage().user + process.cpuUsage().system, pg: processCpuSeconds(await session.backendPids()) };
      results.push({ name: target.name, times, calls, slowest, api, slowestUrl, timeline, nodeCpu: (cpuEnd.node - cpuStart.node) / 1e6 / runs, pgCpu: cpuSpent(cpuStart.pg, cpuEnd.pg) / runs });
      await context.close();
    }
    process.stdout.write(`bench:ui — scale ${scale}: ${session.counts.schools} schools, ${session.counts.students} students, ${session.counts.termRecords} term records; ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
    process.stdout.write(`page load (navigation → data rendered), ${runs} runs after one warm-up; target < 1 s\n\n`);
    process.stdout.write(`${'page'.padEnd(32)} ${'best'.padStart(7)} ${'median'.padStart(7)} ${'worst'.padStart(7)}   api calls, slowest / sum (server, median)   CPU per load: node + postgres\n`);
    for (const r of results) {
      const flag = median(r.times) < 1 ? '' : '  ← over 1 s';
      const apiFigures = `${String(r.calls).padStart(3)} ${median(r.slowest).toFixed(3).padStart(6)}s ${median(r.api).toFixed(3).padStart(6)}s`;
      const cpu = `${r.nodeCpu.toFixed(3)}s + ${r.pgCpu.toFixed(3)}s`;
      process.stdout.write(`${r.name.padEnd(32)} ${Math.min(...r.times).toFixed(3).padStart(6)}s ${median(r.times).toFixed(3).padStart(6)}s ${Math.max(...r.times).toFixed(3).padStart(6)}s   ${apiFigures.padEnd(42)} ${cpu}${flag}\n`);
    }
    process.stdout.write(`\nslowest API call per page (last run):\n`);
    for (const r of results) process.stdout.write(`  ${r.name.padEnd(30)} ${r.slowestUrl}\n`);
    if (showTimeline) for (const r of results) process.stdout.write(`\ntimeline of the last load: ${r.name} (ms from navigation start)\n${r.timeline.join('\n')}\n`);
  } finally {
    await browser.close();
    await session.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:ui failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
