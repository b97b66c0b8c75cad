/**
 * End-to-end tests of `wuyu sgp`: spawn the built CLI (node dist/src/cli/main.js; build with
 * `npx nest build` first) on the 20,000-student golden file and compare with R.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseWideGrowthCsv, splitCsvLine } from '../sgp/wide-growth-csv';

const root = join(__dirname, '../../..');
const cli = join(root, 'dist/src/cli/main.js');
const data = join(root, 'test/reference/growth/sgp-data.csv');
const expectedFile = join(root, 'test/reference/growth/sgp-r.csv');

function run(args: string[]): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, [cli, 'sgp', ...args], { encoding: 'utf8', timeout: 240_000 });
  return { status: result.status, stderr: result.stderr };
}

function readRows(file: string): string[][] {
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => line.split(','));
}

describe('wuyu sgp (built CLI)', () => {
  const directory = mkdtempSync(join(tmpdir(), 'wuyu-sgp-'));
  const priors = 'score_last,score_before,score_earliest';
  const baseArgs = ['--input', data, '--id', 'student_id', '--current', 'score_now', '--prior', priors];

  beforeAll(() => {
    if (!existsSync(cli)) throw new Error('build the CLI first: npx nest build');
    // A school column for --out-groups: derived from the id so the test controls group sizes.
    const lines = readFileSync(data, 'utf8').trim().split('\n');
    const withGroup = [`${lines[0]},school_id`, ...lines.slice(1).map((line, index) => `${line},${index < 5 ? 'TINY' : `SCH${index % 40}`}`)];
    writeFileSync(join(directory, 'with-group.csv'), `${withGroup.join('\n')}\n`);
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('matches R for every student and reproduces identical SGPs from the stored coefficients', () => {
    const fitted = run([...baseArgs, '--out-students', join(directory, 'sgp.csv'), '--out-coefficients', join(directory, 'm.json')]);
    expect(fitted.stderr).toContain('18667 with an SGP, 774 without a current score, 559 without a most recent prior score');
    expect(fitted.status).toBe(0);
    const ours = readRows(join(directory, 'sgp.csv'));
    const reference = readRows(expectedFile);
    expect(ours[0].slice(0, 3)).toEqual(['id', 'sgp', 'order']);
    // R's columns: student_id, sgp_order_1..3, sgp, order; ours: id, sgp, order, sgp_order_1..3.
    const mismatches = reference.slice(1).filter((row, index) => {
      const mine = ours[index + 1];
      return mine[0] !== row[0] || mine[1] !== row[4] || mine[2] !== row[5] || mine[3] !== row[1] || mine[4] !== row[2] || mine[5] !== row[3];
    });
    expect(mismatches.length).toBe(0);

    const coefficients = JSON.parse(readFileSync(join(directory, 'm.json'), 'utf8')) as { matrices: { n: number }[]; priorScales: unknown[]; engineVersion: string };
    expect(coefficients.matrices.map((m) => m.n)).toEqual([18667, 14856, 9579]);
    expect(coefficients.engineVersion).toMatch(/^wuyu-scoring-core\//);

    const reused = run([...baseArgs, '--use-coefficients', join(directory, 'm.json'), '--out-students', join(directory, 'sgp-reused.csv'), '--threads', '1']);
    expect(reused.status).toBe(0);
    expect(readFileSync(join(directory, 'sgp-reused.csv'), 'utf8')).toBe(readFileSync(join(directory, 'sgp.csv'), 'utf8'));
  });

  it('writes group summaries with standard errors, EB-shrunk medians and minimum-N suppression', () => {
    const args = ['--input', join(directory, 'with-group.csv'), '--id', 'student_id', '--current', 'score_now', '--prior', 'score_last', '--group', 'school_id'];
    const result = run([...args, '--out-students', join(directory, 'g-sgp.csv'), '--out-groups', join(directory, 'groups.csv'), '--min-group', '10']);
    expect(result.status).toBe(0);
    const groups = readRows(join(directory, 'groups.csv'));
    expect(groups[0]).toEqual(['group', 'n', 'median_sgp', 'mean_sgp', 'median_sgp_se', 'mean_sgp_se', 'shrunk_median_sgp', 'suppressed']);
    const tiny = groups.find((row) => row[0] === 'TINY') as string[];
    expect(tiny[7]).toBe('true');
    expect(tiny[2]).toBe('');
    const school = groups.find((row) => row[0] === 'SCH1') as string[];
    expect(Number(school[1])).toBeGreaterThan(400);
    expect(Number(school[4]) / Number(school[5])).toBeCloseTo(1.253, 10);
    expect(Math.abs(Number(school[2]) - 50)).toBeLessThan(8);
  });

  it('reports bad input with a coded error and exit code 2', () => {
    const missingColumn = run([...baseArgs.slice(0, 6), '--prior', 'nope', '--out-students', join(directory, 'x.csv')]);
    expect(missingColumn.status).toBe(2);
    expect(missingColumn.stderr).toContain('error [BAD_INPUT]');
    writeFileSync(join(directory, 'bad.csv'), 'id,now,last\nA,500,abc\n');
    const badNumber = run(['--input', join(directory, 'bad.csv'), '--id', 'id', '--current', 'now', '--prior', 'last', '--out-students', join(directory, 'x.csv')]);
    expect(badNumber.status).toBe(2);
    expect(badNumber.stderr).toContain('line 2, column "last": "abc" is not a number');
  });
});

describe('wide growth CSV reader', () => {
  it('reads quoted fields, BOM, CRLF and missing markers', () => {
    expect(splitCsvLine('a,"b,c","d""e"')).toEqual(['a', 'b,c', 'd"e']);
    const table = parseWideGrowthCsv('\ufeffid,now,last\r\n"S,1",501.5,NA\r\nS2,,480\r\n', { id: 'id', current: 'now', priors: ['last'] });
    expect(table.ids).toEqual(['S,1', 'S2']);
    expect(Array.from(table.current)).toEqual([501.5, Number.NaN]);
    expect(Array.from(table.priors[0])).toEqual([Number.NaN, 480]);
  });
});
