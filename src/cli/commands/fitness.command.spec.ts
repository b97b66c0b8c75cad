/**
 * End to end: spawns the built CLI (`node dist/src/cli/main.js fitness score …`) on real files,
 * as an analyst would run it through `npm run wuyu -- fitness score …`. Build first with
 * `npx nest build` (`npm test` does it through tools/ensure-built.js).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as iconv from 'iconv-lite';

const root = resolve(__dirname, '..', '..', '..');
const cli = join(root, 'dist', 'src', 'cli', 'main.js');
let directory: string;

beforeAll(() => {
  if (!existsSync(join(root, 'dist', 'src', 'cli', 'commands', 'fitness.command.js'))) throw new Error('build the CLI first: npx nest build');
  directory = mkdtempSync(join(tmpdir(), 'wuyu-fitness-'));
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [cli, 'fitness', 'score', ...args], { cwd: root, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Reads a UTF-8-with-BOM CSV written by the CLI into rows of cells (no quoted commas in these fixtures). */
function readOutput(file: string): string[][] {
  const bytes = readFileSync(file);
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  return bytes
    .toString('utf8', 3)
    .split('\r\n')
    .filter((line) => line !== '')
    .map((line) => line.split(','));
}

const OUTPUT_COLUMNS =
  'bmi,bmi_score,vital_capacity_score,run_50m_score,sit_and_reach_score,rope_skip_1min_score,sit_up_1min_score,shuttle_50mx8_score,standing_long_jump_score,pull_up_score,run_800m_score,run_1000m_score,standard_score,bonus,total,level,missing'.split(
    ',',
  );

describe('wuyu fitness score', () => {
  it('scores a GBK file with Chinese headers, reports bad rows by Excel row number, exits 0', () => {
    const input = join(directory, 'raw-gbk.csv');
    const output = join(directory, 'scored.csv');
    const errors = join(directory, 'errors.csv');
    const text = [
      '学号,年级编号,性别,身高(cm),体重(kg),肺活量,50米跑,坐位体前屈,一分钟跳绳,一分钟仰卧起坐,50米×8往返跑,立定跳远,引体向上,800米跑,1000米跑,姓名',
      '1,P3,男,135,30,1500,9.6,12.0,130,30,,,,,,张三',
      '2,J2,女,158,56,2450,9.0,15.0,,52,,170,,3分19秒,,李四',
      `3,S1,1,172,60,3900,7.5,8.0,,,,236,20,,3'22",王五`,
      '4,U34,2,165,68,3050,8.3,21.0,,42,,181,,4:05,,赵六',
      '5,S1,男,172,60,3900,7.5,8.0,,,,236,20,,3:75,钱七',
      '6,S1,男,172,,3900,7.5,8.0,,,,236,,,202,孙八',
    ].join('\r\n');
    writeFileSync(input, iconv.encode(text, 'gbk'));
    const result = run('--input', input, '--out', output, '--errors', errors);
    expect(result.status).toBe(0);
    expect(result.stderr).toContain('row 6 [1000米跑]: run_1000m: "3:75": seconds must be below 60 after the minutes');
    expect(result.stderr).toContain('fitness score: 6 rows — 4 scored, 1 incomplete (see missing), 0 exempt/deferred, 1 bad rows not scored');

    const rows = readOutput(output);
    expect(rows[0]).toEqual([...text.split('\r\n')[0].split(','), ...OUTPUT_COLUMNS]);
    const pick = (row: string[], name: string) => row[rows[0].indexOf(name)];
    expect(rows.slice(1).map((row) => [pick(row, '学号'), pick(row, 'total'), pick(row, 'level'), pick(row, 'missing')])).toEqual([
      ['1', '88.1', '良好', ''],
      ['2', '86.7', '良好', ''],
      ['3', '94.0', '优秀', ''],
      ['4', '77.3', '及格', ''],
      ['5', '', '', ''],
      ['6', '', '', 'weight_kg;pull_up'],
    ]);
    expect(pick(rows[3], 'bonus')).toBe('6');
    expect(pick(rows[3], '姓名')).toBe('王五');

    const errorRows = readFileSync(errors, 'utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(errorRows[0]).toBe('row,column,value,problem');
    expect(errorRows[1]).toMatch(/^6,1000米跑,3:75,/);
  });

  it('reads UTF-8 with English codes, sex as 1/2 and every run notation', () => {
    const input = join(directory, 'raw-utf8.csv');
    const output = join(directory, 'scored-utf8.csv');
    // The same 初一男 in five notations of 3'55" = 235 s (100 points) and one at 236 s (95).
    const header = 'student_id,grade_code,sex,height_cm,weight_kg,vital_capacity,run_50m,sit_and_reach,standing_long_jump,pull_up,run_1000m';
    const times = ['235', `"3'55"""`, '3′55″', '3:55', '3分55秒', '236'];
    const lines = [header, ...times.map((time, index) => `s${index},J1,1,160,50,3640,7.1,17.6,225,13,${time}`)];
    writeFileSync(input, `\uFEFF${lines.join('\n')}\n`);
    const result = run('--input', input, '--out', output, '--quiet');
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    const rows = readOutput(output);
    const column = rows[0].indexOf('run_1000m_score');
    expect(rows.slice(1).map((row) => row[row.length - OUTPUT_COLUMNS.length + OUTPUT_COLUMNS.indexOf('run_1000m_score')])).toEqual(['100', '100', '100', '100', '100', '95']);
    expect(column).toBeGreaterThan(0);
  });

  it('exits nonzero only for file-level problems', () => {
    const missing = run('--input', join(directory, 'does-not-exist.csv'), '--out', join(directory, 'x.csv'));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/error \[INPUT_NOT_READABLE\]: cannot read .*does-not-exist.csv: ENOENT/);

    const noSex = join(directory, 'no-sex.csv');
    writeFileSync(noSex, 'student_id,grade_code,height_cm\n1,P1,120\n');
    const header = run('--input', noSex, '--out', join(directory, 'y.csv'));
    expect(header.status).toBe(2);
    expect(header.stderr).toMatch(/error \[BAD_HEADER\]: no sex column in row 1/);

    const badOption = run('--input', noSex, '--out', join(directory, 'z.csv'), '--encoding', 'latin1');
    expect(badOption.status).toBe(2);
    expect(badOption.stderr).toMatch(/BAD_OPTION/);
  });
});
