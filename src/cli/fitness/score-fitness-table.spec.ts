/**
 * The in-memory CLI core: column mapping, row problems with Excel row numbers, exemptions and
 * the exact output layout. Expected scores are the hand-worked examples of
 * src/scoring-core/fitness/score-fitness-test.spec.ts.
 */
import { CliError } from '../cli-error';
import { parseCsvRecords } from './csv-text';
import { FITNESS_OUTPUT_COLUMNS } from './fitness-columns';
import { scoreFitnessCsvText } from './score-fitness-table';

/** Scores CSV text and reads the output lines back into cells. */
const table = (text: string) => {
  const result = scoreFitnessCsvText(text);
  const output = result.chunks.join('');
  expect(output.endsWith('\r\n')).toBe(true);
  const [outputHeader, ...rows] = parseCsvRecords(output.slice(0, -2));
  expect(outputHeader).toEqual(result.header);
  return { ...result, rows };
};
const HEADER =
  'student_id,grade_code,sex,height_cm,weight_kg,vital_capacity,run_50m,sit_and_reach,rope_skip_1min,sit_up_1min,shuttle_50mx8,standing_long_jump,pull_up,run_800m,run_1000m';

/** The computed columns of one output row, by name. */
function computed(result: ReturnType<typeof table>, rowIndex: number): Record<string, string> {
  const row = result.rows[rowIndex];
  const offset = result.header.length - FITNESS_OUTPUT_COLUMNS.length;
  return Object.fromEntries(FITNESS_OUTPUT_COLUMNS.map((name, index) => [name, row[offset + index]]));
}

describe('scoreFitnessTable', () => {
  it('scores the worked examples and writes the output columns of issue 5', () => {
    const result = table(
      [
        HEADER,
        'a1,P3,M,135,30,1500,9.6,12.0,130,30,,,,,',
        'a2,J2,女,158,56,2450,9.0,15.0,,52,,170,,3′19″,',
        `a3,S1,1,172,60,3900,7.5,8.0,,,,236,20,,"3'22"""`,
        'a4,U34,2,165,68,3050,8.3,21.0,,42,,181,,4:05,',
      ].join('\n'),
    );
    expect(result.header).toEqual([...HEADER.split(','), ...FITNESS_OUTPUT_COLUMNS]);
    expect(result.problems).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.counts).toEqual({ dataRows: 4, scored: 4, incomplete: 0, exempt: 0, bad: 0, blank: 0, retested: 0, retestsNotUsed: 0 });
    expect(computed(result, 0)).toMatchObject({ bmi: '16.5', bmi_score: '100', vital_capacity_score: '74', run_50m_score: '78', rope_skip_1min_score: '100', standard_score: '86.1', bonus: '2', total: '88.1', level: '良好', missing: '' });
    expect(computed(result, 1)).toMatchObject({ bmi: '22.4', bmi_score: '80', run_800m_score: '100', pull_up_score: '', standard_score: '84.7', bonus: '2', total: '86.7', level: '良好' });
    expect(computed(result, 2)).toMatchObject({ bmi: '20.3', pull_up_score: '100', run_1000m_score: '100', standard_score: '88', bonus: '6', total: '94.0', level: '优秀' });
    expect(computed(result, 3)).toMatchObject({ bmi: '25.0', bmi_score: '80', run_800m_score: '70', standard_score: '77.3', bonus: '0', total: '77.3', level: '及格' });
    // The input cells are passed through untouched.
    expect(result.rows[1].slice(0, 3)).toEqual(['a2', 'J2', '女']);
  });

  it('writes two-decimal standard scores exactly and rounds the total half up', () => {
    const result = table(`${HEADER}\nb1,U34,F,165,68,3400,8.3,21.0,,42,,181,,245,`);
    expect(computed(result, 0)).toMatchObject({ standard_score: '79.55', total: '79.6' });
  });

  it('reports bad rows with Excel row numbers and scores the others', () => {
    const result = table(
      [
        HEADER,
        'c1,S1,M,172,60,3900,7.5,8.0,,,,236,20,,202', // row 2: fine
        '', // row 3: blank
        'c2,S9,M,172,60,3900,7.5,8.0,,,,236,20,,202', // row 4: grade
        'c3,S1,X,172,60,3900,7.5,8.0,,,,236,20,,202', // row 5: sex
        'c4,S1,M,1.72,60,3900,7.5,8.0,,,,236,20,,3.55', // row 6: height in metres, time as minutes.seconds
        'c5,S1,M,172,60,3900,7.5,8.0,,,,236,7.5,,202', // row 7: fractional pull-ups
        'c6,S1,M,172,60,3900,7.5,8.0,,,,236,20,,202,extra', // row 8: more cells than the header
        'c7,S1,M,172,60,3900,7.5,8.0,oops,,,236,20,,202', // row 9: junk in a column boys of S1 do not use: ignored
      ].join('\n'),
    );
    expect(result.problems.map((p) => [p.row, p.column, p.value])).toEqual([
      [4, 'grade_code', 'S9'],
      [5, 'sex', 'X'],
      [6, 'height_cm', '1.72'],
      [6, 'run_1000m', '3.55'],
      [7, 'pull_up', '7.5'],
      [8, null, null],
    ]);
    expect(result.problems[3].message).toMatch(/total seconds/);
    expect(result.counts).toEqual({ dataRows: 7, scored: 2, incomplete: 0, exempt: 0, bad: 5, blank: 1, retested: 0, retestsNotUsed: 0 });
    // One output row per input row, bad ones with the computed columns empty.
    expect(result.rows).toHaveLength(8);
    expect(computed(result, 0).total).toBe('94.0');
    expect(Object.values(computed(result, 2)).every((cell) => cell === '')).toBe(true);
    expect(result.rows[1].every((cell) => cell === '')).toBe(true);
    expect(computed(result, 7).total).toBe('94.0');
  });

  it('names the missing inputs and gives no total', () => {
    const result = table(`${HEADER}\nd1,J1,M,160,,3000,8,5,,,,200,,,`);
    // What was measured is still scored: J1 男 肺活量 3000 ≥ 2900 (80), < 3150 (85) → 80.
    expect(computed(result, 0)).toMatchObject({ total: '', level: '', standard_score: '', bonus: '', missing: 'weight_kg;pull_up;run_1000m', vital_capacity_score: '80' });
    expect(result.counts.incomplete).toBe(1);
  });

  it('records exemptions with their reason and leaves them unscored', () => {
    const result = table(
      [
        'student_id,grade_code,sex,免测,免测原因,height_cm',
        'e1,S2,F,免予执行,先天性心脏病',
        'e2,S2,F,暂缓,',
        'e3,S2,F,,,160',
      ].join('\n'),
    );
    expect(result.counts).toMatchObject({ exempt: 1, bad: 1, incomplete: 1 });
    expect(result.problems).toEqual([{ row: 3, column: '免测', value: '暂缓', message: expect.stringMatching(/needs its reason/) }]);
    expect(computed(result, 0).missing).toBe('');
    expect(computed(result, 2).missing).toBe('weight_kg;vital_capacity;run_50m;sit_and_reach;sit_up_1min;standing_long_jump;run_800m');
  });

  // 补测: the J2 girl a2 above (86.7) with 肺活量 1200 (0, −11.7) and 800米 341 s (0, −20, no bonus 2)
  // scores 53.0 不及格; a retest of 800米 at 300 s (50 points, +10) makes the year 63.0 及格.
  it('scores a 补测 row against its student\'s test row, and reports retests it cannot use', () => {
    const result = table(
      [
        `${HEADER},test_type`,
        'c1,J2,F,158,56,1200,9.0,15.0,,52,,170,,341,,',
        'c1,J2,F,,,,,,,,,,,300,,补测',
        'g1,J2,F,158,56,2450,9.0,15.0,,52,,170,,199,,正常',
        'g1,J2,F,,,,,,,,,,,190,,retest',
        'n1,J2,F,,,,,,,,,,,300,,补测',
        'c1,J2,F,,,,,,,,,,,250,,补测',
        'x1,J2,F,158,56,1200,9.0,15.0,,52,,170,,341,,重测',
      ].join('\n'),
    );
    expect(computed(result, 0)).toMatchObject({ total: '53.0', level: '不及格', run_800m_score: '0' });
    expect(computed(result, 1)).toMatchObject({ bmi: '22.4', bmi_score: '80', vital_capacity_score: '0', run_800m_score: '50', standard_score: '63', bonus: '0', total: '63.0', level: '及格', missing: '' });
    expect(computed(result, 2)).toMatchObject({ total: '86.7', level: '良好' });
    for (const row of [3, 4, 5, 6]) expect(computed(result, row).total).toBe('');
    expect(result.problems).toEqual([
      { row: 5, column: 'test_type', value: 'retest', message: expect.stringMatching(/^补测 not used: .*不及格.*良好 \(test row 4\)$/) },
      { row: 6, column: 'test_type', value: 'retest', message: '补测 not used: no test row of student n1 in the file' },
      { row: 7, column: 'test_type', value: 'retest', message: '补测 not used: one retest per school year; student c1 already has one in row 3' },
      { row: 8, column: 'test_type', value: '重测', message: expect.stringMatching(/not 正常 \(normal\) or 补测 \(retest\)/) },
    ]);
    expect(result.counts).toEqual({ dataRows: 7, scored: 2, incomplete: 0, exempt: 0, bad: 1, blank: 0, retested: 1, retestsNotUsed: 3 });
  });

  it('warns about absent columns that rows need, but still scores', () => {
    const result = table('student_id,grade_code,sex,height_cm,weight_kg\nf1,P1,M,120,22\nf2,P2,F,121,23');
    expect(result.warnings).toContain('no run_50m column: 2 tests require it and get no total (missing = run_50m)');
    // P1/P2 do not take 仰卧起坐 or 1000米: no warning for those.
    expect(result.warnings.some((w) => /sit_up_1min|run_1000m/.test(w))).toBe(false);
    expect(computed(result, 0).bmi).toBe('15.3');
  });

  it('throws CliError for file-level problems', () => {
    expect(() => table('')).toThrow(CliError);
    expect(() => table('student_id,grade_code\n1,P1')).toThrow(/no sex column/);
    expect(() => table('性别,sex,grade_code\n')).toThrow(/both mean sex/);
    expect(() => table('grade_code,sex,total\n')).toThrow(/already has a column named "total"/);
  });
});
