/**
 * `npm run screenshots [-- --scale small|district|city] [--fresh]`: regenerates the screenshots of
 * the web UI's main pages in docs/screenshots/ (shown in README and docs/web-ui.md) from the demo
 * city (tools/bench/ui-session.ts), at laptop width (1280 × 800) and one at tablet width. The
 * default is the small city (7 schools), which the committed pictures show: at city scale the
 * charts have too many schools to label.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findProjectRoot } from '../../src/config/project-root';
import { type Account, openUiSession, signInPage } from './ui-session';

function argument(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
}

async function main(): Promise<void> {
  const session = await openUiSession({ scale: argument('scale', 'small'), fresh: process.argv.includes('--fresh') });
  const out = path.join(findProjectRoot(), 'docs', 'screenshots');
  fs.mkdirSync(out, { recursive: true });
  const browser = await session.launchBrowser();
  try {
    const role = (name: string): Account => session.accounts.get(name)!;
    const shots: { file: string; account: Account; hash: string; width?: number; height?: number; lang?: 'en' }[] = [
      { file: 'va-overview.png', account: role('city_admin'), hash: '#/va' },
      { file: 'va-methods.png', account: role('city_admin'), hash: '#/va/methods' },
      { file: 'va-stability.png', account: role('city_admin'), hash: '#/va/stability' },
      { file: 'fitness.png', account: role('city_admin'), hash: '#/fitness?level=school' },
      { file: 'school.png', account: role('school_admin'), hash: '#/school' },
      { file: 'uploads.png', account: role('school_admin'), hash: '#/uploads' },
      { file: 'student.png', account: role('student'), hash: '#/student' },
      { file: 'audit.png', account: role('city_admin'), hash: '#/audit' },
      { file: 'va-overview-tablet-en.png', account: role('city_admin'), hash: '#/va', width: 820, height: 1180, lang: 'en' },
    ];
    for (const shot of shots) {
      const context = await browser.newContext({ viewport: { width: shot.width ?? 1280, height: shot.height ?? 800 }, locale: 'zh-CN' });
      const page = await context.newPage();
      await page.addInitScript(`localStorage.setItem('wuyu.lang', '${shot.lang ?? 'zh'}')`);
      await signInPage(page, session.baseUrl, shot.account);
      await page.goto(`${session.baseUrl}/${shot.hash}`);
      await page.waitForSelector('main[data-state=ready]', { timeout: 120_000 });
      await page.waitForTimeout(300);
      await page.screenshot({ path: path.join(out, shot.file) });
      process.stdout.write(`docs/screenshots/${shot.file}\n`);
      await context.close();
    }
  } finally {
    await browser.close();
    await session.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`screenshots failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
