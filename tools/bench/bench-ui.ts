/**
 * `npm run bench:ui [-- --scale city|district|small] [--fresh] [--runs 5]`: page load times of the
 * web UI in Debian's Chromium against the demo city (target: < 1 s per page at city scale).
 *
 * Each page is opened as a user would (a full navigation: HTML, modules, ECharts, the API calls),
 * once to warm up, then `runs` times; the time is from navigation start until the page has
 * rendered its data (main[data-state=ready]) and the next frame is painted. Prints best, median
 * and worst per page, the machine's load, and the data size. Data: tools/bench/ui-session.ts.
 */
import { cpus, loadavg } from 'node:os';
import { type Account, openUiSession, signInPage } from './ui-session';

function argument(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

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
    const results: { name: string; times: number[] }[] = [];
    for (const target of pages) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
      const page = await context.newPage();
      await signInPage(page, session.baseUrl, target.account);
      const times: number[] = [];
      for (let run = 0; run <= runs; run += 1) {
        await page.goto('about:blank');
        const started = Date.now();
        await page.goto(`${session.baseUrl}/${target.hash}`);
        await page.waitForSelector('main[data-state=ready]', { timeout: 120_000 });
        await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => resolve(null)))');
        const error = await page.$('main .error');
        if (error) throw new Error(`${target.name}: ${await error.textContent()}`);
        if (run > 0) times.push((Date.now() - started) / 1000);
      }
      results.push({ name: target.name, times });
      await context.close();
    }
    process.stdout.write(`bench:ui — scale ${scale}: ${session.counts.schools} schools, ${session.counts.students} students, ${session.counts.termRecords} term records; ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
    process.stdout.write(`page load (navigation → data rendered), ${runs} runs after one warm-up; target < 1 s\n\n`);
    process.stdout.write(`${'page'.padEnd(32)} ${'best'.padStart(7)} ${'median'.padStart(7)} ${'worst'.padStart(7)}\n`);
    for (const r of results) {
      const flag = median(r.times) < 1 ? '' : '  ← over 1 s';
      process.stdout.write(`${r.name.padEnd(32)} ${Math.min(...r.times).toFixed(3).padStart(6)}s ${median(r.times).toFixed(3).padStart(6)}s ${Math.max(...r.times).toFixed(3).padStart(6)}s${flag}\n`);
    }
  } finally {
    await browser.close();
    await session.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:ui failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
