import { createHash } from 'node:crypto';
import { scoreFitnessTest } from '../../scoring-core/fitness/score-fitness-test';
import type { FitnessGradeCode } from '../../scoring-core/fitness/fitness-standard-types';
import { parseStudentNumber } from '../roster/student-number';
import { DEMO_GRADES, type DemoCity, type DemoFile, type DemoScale, generateDemoCity } from './demo-city';

const GRADE_OF_NAME: Record<string, number> = Object.fromEntries(
  ['一年级', '二年级', '三年级', '四年级', '五年级', '六年级', '初一', '初二', '初三', '高一', '高二', '高三'].map((name, index) => [name, index]),
);

function collect(seed: number, scale: DemoScale, keep: (file: DemoFile) => boolean = () => true): { city: DemoCity; rows: Map<string, string[][]>; sha256: string } {
  const rows = new Map<string, string[][]>();
  const hash = createHash('sha256');
  const city = generateDemoCity(seed, scale, (file, cells) => {
    hash.update(`${file.id}\t${cells.join('\t')}\n`);
    if (!keep(file)) return;
    const list = rows.get(file.id) ?? [];
    list.push([...cells]);
    rows.set(file.id, list);
  });
  return { city, rows, sha256: hash.digest('hex') };
}

function correlation(x: readonly number[], y: readonly number[]): number {
  const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  x.forEach((xi, i) => {
    sxy += (xi - mx) * (y[i] - my);
    sxx += (xi - mx) ** 2;
    syy += (y[i] - my) ** 2;
  });
  return sxy / Math.sqrt(sxx * syy);
}

describe('demo city generator (issue 8)', () => {
  const small = collect(8, 'small');

  it('is deterministic: same seed and scale → the same rows; another seed → other rows', () => {
    expect(collect(8, 'small').sha256).toBe(small.sha256);
    expect(collect(9, 'small').sha256).not.toBe(small.sha256);
    expect(small.city.counts.studentsInLastTerm).toBeGreaterThan(300);
    expect(small.city.counts.studentsInLastTerm).toBeLessThan(1000);
  });

  it('writes valid 学籍号 whose ID-like part is synthetic (region 15039x), agreeing with sex and birth date, birth dates fitting the grade', () => {
    const seen = new Map<string, string>();
    const problems: string[] = [];
    let prefixJ = 0;
    for (const [id, rows] of small.rows) {
      if (!id.startsWith('roster-')) continue;
      for (const [number, name, sex, birthDate, ethnicity, , grade, className, term, status] of rows) {
        const parsed = parseStudentNumber(number);
        if (!parsed.ok) {
          problems.push(`${number}: ${parsed.problem}`);
          continue;
        }
        if (!/^15039[234]$/.test(parsed.value.regionCode)) problems.push(`${number}: region ${parsed.value.regionCode}`);
        if (parsed.value.birthDate !== birthDate) problems.push(`${number}: birth ${birthDate}`);
        if (parsed.value.sexCode !== (sex === '男' ? '1' : '2')) problems.push(`${number}: sex ${sex}`);
        if (parsed.value.prefix === 'J') prefixJ += 1;
        if (name.length < 2 || !/族$|^其他$/.test(ethnicity) || !/^\d+班$/.test(className) || !['在读', '转出', '毕业'].includes(status)) problems.push(`${number}: ${name} ${ethnicity} ${className} ${status}`);
        // on 1 September of the school year a 一年级 pupil is 6 (7 if a year older), one more per grade
        const yearStart = Number(term.slice(0, 4));
        const ageOnFirstSeptember = yearStart - Number(birthDate.slice(0, 4)) - (birthDate.slice(5) > '09-01' ? 1 : 0);
        const offset = ageOnFirstSeptember - GRADE_OF_NAME[grade];
        if (offset < 5 || offset > 7) problems.push(`${number}: age ${ageOnFirstSeptember} in ${grade}`);
        const identity = `${name}|${sex}|${birthDate}|${ethnicity}`;
        if ((seen.get(number) ?? identity) !== identity) problems.push(`${number}: described twice differently`);
        seen.set(number, identity);
      }
    }
    expect(problems).toEqual([]);
    expect(seen.size).toBe(small.city.counts.students);
    expect(prefixJ).toBeLessThan(seen.size * 0.1);
  });

  it('moves students: class moves, 转出, 毕业 and the P6 → junior and J3 → senior transitions show in the rosters', () => {
    const placeOf = new Map<string, string[]>();
    const statuses = new Set<string>();
    for (const [id, rows] of small.rows) {
      if (!id.startsWith('roster-')) continue;
      for (const row of rows) {
        placeOf.set(row[0], [...(placeOf.get(row[0]) ?? []), `${row[5]}|${row[6]}|${row[7]}`]);
        statuses.add(row[9]);
      }
    }
    const histories = [...placeOf.values()];
    expect(histories.some((h) => new Set(h.map((p) => p.split('|')[0])).size > 1)).toBe(true); // changed school
    expect(histories.some((h) => h.some((p, i) => i > 0 && p.split('|')[1] === h[i - 1].split('|')[1] && p !== h[i - 1]))).toBe(true); // class move within a grade
    expect([...statuses].sort()).toEqual(['在读', '毕业', '转出'].sort());
  });

  it('files 报考申请 for the last year’s 初三 only, to senior schools (and the vocational school) in the demo batch', () => {
    const lastTerm = small.city.terms[small.city.terms.length - 1].code;
    const stageOf = new Map(small.city.schools.map((s) => [s.code, s.stage]));
    const juniorsOfLastTerm = new Set(small.rows.get(`roster-${lastTerm}`)!.filter((r) => r[6] === '初三' && r[9] === '在读').map((r) => r[0]));
    const applications = small.rows.get(`applications-${lastTerm}`)!;
    expect(applications.length).toBeGreaterThan(10);
    expect(applications.every((r) => juniorsOfLastTerm.has(r[0]))).toBe(true);
    expect(new Set(applications.map((r) => stageOf.get(r[2])))).toEqual(new Set(['senior', 'vocational']));
    expect(new Set(applications.map((r) => r[3]))).toEqual(new Set(['2026-普高统招']));
    expect(applications.filter((r) => r[2] === small.city.accounts.admissionsSchoolCode).length).toBeGreaterThan(0);
  });

  it('makes fitness raw results that score near real rates under the 2014 standard (合格率 ≈ 90%, 优良率 30–50%)', () => {
    const gradeOf = new Map<string, string>();
    for (const [id, rows] of small.rows) if (id.startsWith('roster-')) for (const row of rows) gradeOf.set(`${row[0]}|${row[8]}`, DEMO_GRADES[GRADE_OF_NAME[row[6]]]);
    const sexOf = new Map<string, 'M' | 'F'>();
    for (const [id, rows] of small.rows) if (id.startsWith('roster-')) for (const row of rows) sexOf.set(row[0], row[2] === '男' ? 'M' : 'F');
    const seconds = (text: string) => (text.includes(':') ? Number(text.split(':')[0]) * 60 + Number(text.split(':')[1]) : Number(text));
    const codes = ['vital_capacity', 'run_50m', 'sit_and_reach', 'rope_skip_1min', 'sit_up_1min', 'shuttle_50mx8', 'standing_long_jump', 'pull_up', 'run_800m', 'run_1000m'] as const;
    let tested = 0;
    let passed = 0;
    let good = 0;
    for (const [id, rows] of small.rows) {
      if (!id.startsWith('fitness-')) continue;
      for (const row of rows) {
        const results: Record<string, number> = {};
        codes.forEach((code, i) => {
          if (row[6 + i] !== '') results[code] = seconds(row[6 + i]);
        });
        const scored = scoreFitnessTest({ grade: gradeOf.get(`${row[0]}|${row[2]}`) as FitnessGradeCode, sex: sexOf.get(row[0])!, heightCm: Number(row[4]), weightKg: Number(row[5]), results });
        if (scored.total === null) continue;
        tested += 1;
        if (scored.total >= 60) passed += 1;
        if (scored.total >= 80) good += 1;
      }
    }
    expect(tested).toBeGreaterThan(1000);
    expect(passed / tested).toBeGreaterThan(0.86);
    expect(passed / tested).toBeLessThan(0.96);
    expect(good / tested).toBeGreaterThan(0.28);
    expect(good / tested).toBeLessThan(0.52);
  });

  it('screens vision with myopia (either eye < 5.0) rising from primary to senior grades', () => {
    const gradeOf = new Map<string, number>();
    for (const [id, rows] of small.rows) if (id.startsWith('roster-')) for (const row of rows) gradeOf.set(`${row[0]}|${row[8]}`, GRADE_OF_NAME[row[6]]);
    const band = { primary: [0, 0], junior: [0, 0], senior: [0, 0] };
    for (const [id, rows] of small.rows) {
      if (!id.startsWith('vision-')) continue;
      for (const row of rows) {
        const grade = gradeOf.get(`${row[0]}|${row[2]}`)!;
        const key = grade <= 5 ? 'primary' : grade <= 8 ? 'junior' : 'senior';
        band[key][0] += 1;
        if (Number(row[4]) < 5 || Number(row[5]) < 5) band[key][1] += 1;
      }
    }
    const rate = (b: number[]) => b[1] / b[0];
    expect(rate(band.primary)).toBeGreaterThan(0.15);
    expect(rate(band.primary)).toBeLessThan(rate(band.junior));
    expect(rate(band.junior)).toBeLessThan(rate(band.senior));
    expect(rate(band.senior)).toBeGreaterThan(0.6);
  });

  it('at city scale: three districts, about 60 schools of every stage (one vocational), about 60,000 students; school effects of known size show in the 中考 gains', () => {
    const kept = (file: DemoFile) => file.id === 'scores-2023-2024-1' || file.id === 'scores-2025-2026-2-zhongkao' || file.id === 'roster-2025-2026-2';
    const { city, rows } = collect(8, 'city', kept);
    expect(city.regions.filter((r) => r.level === 'district').map((r) => r.name)).toEqual(['海勃湾区', '乌达区', '海南区']);
    expect(city.schools.length).toBeGreaterThanOrEqual(55);
    expect(city.schools.length).toBeLessThanOrEqual(65);
    const stages = new Map<string, number>();
    for (const school of city.schools) stages.set(school.stage, (stages.get(school.stage) ?? 0) + 1);
    expect(stages.get('vocational')).toBe(1);
    for (const stage of ['primary', 'junior', 'senior', 'nine_year']) expect(stages.get(stage)).toBeGreaterThan(3);
    expect(city.counts.studentsInLastTerm).toBeGreaterThan(55_000);
    expect(city.counts.studentsInLastTerm).toBeLessThan(70_000);

    // Gain from the first 期末 (初一 autumn 2023, 数学) to 中考 数学 (2026), standardised, per school vs the true effect.
    const schoolOf = new Map(rows.get('roster-2025-2026-2')!.map((r) => [r[0], r[5]]));
    const prior = new Map(rows.get('scores-2023-2024-1')!.filter((r) => r[3] === '数学' && r[7] === '120' && r[6] !== '缺考').map((r) => [r[0], Number(r[6])]));
    const pairs = rows.get('scores-2025-2026-2-zhongkao')!.filter((r) => r[3] === '数学' && r[6] !== '缺考' && prior.has(r[0])).map((r) => [prior.get(r[0])!, Number(r[6]), r[0]] as const);
    expect(pairs.length).toBeGreaterThan(3000);
    const z = (values: number[]) => {
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
      return values.map((v) => (v - mean) / sd);
    };
    const zPrior = z(pairs.map((p) => p[0]));
    const zOutcome = z(pairs.map((p) => p[1]));
    expect(correlation(zPrior, zOutcome)).toBeGreaterThan(0.6); // prior attainment carries
    const gains = new Map<string, number[]>();
    pairs.forEach((p, i) => {
      const school = schoolOf.get(p[2]);
      if (school) gains.set(school, [...(gains.get(school) ?? []), zOutcome[i] - zPrior[i]]);
    });
    const effect = new Map(city.schools.map((s) => [s.code, s.effectPerYear]));
    const schools = [...gains].filter(([, g]) => g.length >= 50);
    expect(schools.length).toBeGreaterThan(15);
    const meanGain = schools.map(([, g]) => g.reduce((a, b) => a + b, 0) / g.length);
    expect(correlation(meanGain, schools.map(([code]) => effect.get(code)!))).toBeGreaterThan(0.7);
  }, 180_000);
});
