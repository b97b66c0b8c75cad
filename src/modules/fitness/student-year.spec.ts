/**
 * How one student's raw records become the year's input to the scoring core: the latest term
 * wins per input, markers become an exemption or a missing result, and a student the tables
 * cannot be chosen for gets no total and the reason.
 */
import { scoreStudentYear } from './fitness-results.service';

const ENROLMENT = { school_id: 'school', class_id: 'class', grade_code: 'J2' };
// The J2 girl of the e2e fixture (86.7): see test/e2e/fitness.e2e-spec.ts for the hand computation.
const BASE: Record<string, number> = { height_cm: 158, weight_kg: 56, vital_capacity: 2450, run_50m: 9.0, sit_and_reach: 15.0, sit_up_1min: 52, standing_long_jump: 170, run_800m: 199 };

function records(values: Record<string, number | string | null>, term = 1, occasion = '', markerReason: string | null = null) {
  return Object.entries(values).map(([input, value]) => ({
    student_id: 'student',
    school_id: 'school',
    term_number: term,
    input,
    value: typeof value === 'number' ? value : null,
    marker: typeof value === 'string' ? value : null,
    occasion_key: occasion,
    marker_reason: typeof value === 'string' && value !== 'absent' ? markerReason : null,
  }));
}
// Records come ordered by term descending, then occasion key ('' before 'retest').
const retest = (values: Record<string, number>, term = 1) => records(values, term, 'retest');

describe('scoreStudentYear', () => {
  it('scores a complete year', () => {
    expect(scoreStudentYear(records(BASE), ENROLMENT, '2', '2024-2025')).toMatchObject({ status: 'scored', total: 86.7, level: '良好', grade_code: 'J2', sex: 'F', class_id: 'class' });
  });

  it('takes the latest term of each input (records come ordered by term descending)', () => {
    const rows = [...records({ run_800m: 300 }, 2), ...records(BASE, 1)];
    // 800米 300 s scores 50 instead of 100 (−10 points) and loses the 2 bonus points: 74.7.
    expect(scoreStudentYear(rows, ENROLMENT, '2', '2024-2025')).toMatchObject({ status: 'scored', total: 74.7, measurements: { run_800m: 300 } });
  });

  it('an absent (缺考) marker is a missing result, never a zero', () => {
    const result = scoreStudentYear(records({ ...BASE, run_800m: 'absent' }), ENROLMENT, '2', '2024-2025');
    expect(result).toMatchObject({ status: 'incomplete', total: null, missing: ['run_800m'] });
    expect(result.reason).toContain('run_800m');
  });

  it('免予执行 and 暂缓 markers exempt or defer the year, with the recorded reason', () => {
    const exempt = scoreStudentYear(records({ ...BASE, run_800m: 'exempt' }, 1, '', '心脏病，医院证明'), ENROLMENT, '2', '2024-2025');
    expect(exempt).toMatchObject({ status: 'exempt', total: null, level: null, exemption_reason: '心脏病，医院证明', retest: null });
    expect(exempt.reason).toBe('免予执行 (exempt): 心脏病，医院证明 (marked for run_800m)');
    const deferred = scoreStudentYear(records({ ...BASE, vital_capacity: 'deferred' }, 1, '', '骨折'), ENROLMENT, '2', '2024-2025');
    expect(deferred).toMatchObject({ status: 'deferred', total: null, exemption_reason: '骨折' });
    expect(deferred.reason).toBe('暂缓 (deferred): 骨折 (marked for vital_capacity)');
    // Records from before reasons were required have none: still exempt, and it says so.
    const old = scoreStudentYear(records({ ...BASE, run_800m: 'exempt' }), ENROLMENT, '2', '2024-2025');
    expect(old).toMatchObject({ status: 'exempt', exemption_reason: null, reason: '免予执行 (exempt): no reason recorded (marked for run_800m)' });
  });

  // 补测 (ADR 0510). The failing girl C of the e2e fixture: A with 肺活量 1200 (0) and 800米 341 s (0)
  // = 53.0 不及格. Retesting 800米 at 300 s (50 points: +10) gives 63.0 及格; at 199 s (100, bonus 2)
  // 53.0 + 20 + 2 = 75.0; retesting only 肺活量 at 2450 (78: +11.7) gives 64.7.
  const FAILING = { ...BASE, vital_capacity: 1200, run_800m: 341 };
  it('a failing year with a retest is scored with the retested results replacing the original ones', () => {
    const result = scoreStudentYear([...records(FAILING), ...retest({ run_800m: 300 })], ENROLMENT, '2', '2024-2025');
    expect(result).toMatchObject({ status: 'scored', total: 63, level: '及格', measurements: { run_800m: 300, vital_capacity: 1200 } });
    expect(result.retest).toMatchObject({ applied: true, termNumber: 1, measurements: { run_800m: 300 }, replaced: ['run_800m'] });
    expect(result.retest!.original).toMatchObject({ status: 'scored', total: 53, level: '不及格', measurements: { run_800m: 341 } });
    expect(scoreStudentYear([...records(FAILING), ...retest({ run_800m: 199, vital_capacity: 2450 })], ENROLMENT, '2', '2024-2025')).toMatchObject({ total: 86.7, level: '良好' });
    expect(scoreStudentYear([...records(FAILING), ...retest({ vital_capacity: 2450 })], ENROLMENT, '2', '2024-2025')).toMatchObject({ total: 64.7, level: '及格' });
  });

  it('a retest still failing stays 不及格 (judged by the retest), and a retest in term 2 of a term-1 test counts', () => {
    const rows = [...retest({ run_800m: 339 }, 2), ...records(FAILING, 1)];
    // 800米 339 s still scores 10 (340 s threshold): 53.0 + 2 = 55.0 不及格.
    expect(scoreStudentYear(rows, ENROLMENT, '2', '2024-2025')).toMatchObject({ status: 'scored', total: 55, level: '不及格', retest: { applied: true, termNumber: 2 } });
  });

  it('a retest of a year that did not fail is kept but not used, and says why', () => {
    const result = scoreStudentYear([...records(BASE), ...retest({ run_800m: 190 })], ENROLMENT, '2', '2024-2025');
    expect(result).toMatchObject({ status: 'scored', total: 86.7, level: '良好', measurements: { run_800m: 199 } });
    expect(result.retest).toMatchObject({ applied: false, replaced: [], measurements: { run_800m: 190 } });
    expect(result.retest!.reason).toMatch(/^not used: .*不及格.*良好/);
    const incomplete = scoreStudentYear([...records({ ...FAILING, run_800m: null }), ...retest({ run_800m: 300 })], ENROLMENT, '2', '2024-2025');
    expect(incomplete).toMatchObject({ status: 'incomplete', total: null, retest: { applied: false } });
    const exempt = scoreStudentYear([...records({ ...FAILING, run_800m: 'exempt' }, 1, '', '伤病'), ...retest({ run_800m: 300 })], ENROLMENT, '2', '2024-2025');
    expect(exempt).toMatchObject({ status: 'exempt', retest: { applied: false } });
  });

  it('no enrolment, or a sex code the tables do not cover: no total, and why', () => {
    expect(scoreStudentYear(records(BASE), undefined, '2', '2024-2025')).toMatchObject({ status: 'incomplete', total: null, grade_code: null, class_id: null, school_id: 'school' });
    expect(scoreStudentYear(records(BASE), undefined, '2', '2024-2025').reason).toContain('not enrolled');
    expect(scoreStudentYear(records(BASE), ENROLMENT, '9', '2024-2025')).toMatchObject({ status: 'incomplete', total: null, sex: null });
  });
});
