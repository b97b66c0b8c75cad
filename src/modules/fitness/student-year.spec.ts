/**
 * How one student's raw records become the year's input to the scoring core: the latest term
 * wins per input, markers become an exemption or a missing result, and a student the tables
 * cannot be chosen for gets no total and the reason.
 */
import { scoreStudentYear } from './fitness-results.service';

const ENROLMENT = { school_id: 'school', class_id: 'class', grade_code: 'J2' };
// The J2 girl of the e2e fixture (86.7): see test/e2e/fitness.e2e-spec.ts for the hand computation.
const BASE: Record<string, number> = { height_cm: 158, weight_kg: 56, vital_capacity: 2450, run_50m: 9.0, sit_and_reach: 15.0, sit_up_1min: 52, standing_long_jump: 170, run_800m: 199 };

function records(values: Record<string, number | string | null>, term = 1) {
  return Object.entries(values).map(([input, value]) => ({
    student_id: 'student',
    school_id: 'school',
    term_number: term,
    input,
    value: typeof value === 'number' ? value : null,
    marker: typeof value === 'string' ? value : null,
  }));
}

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

  it('免予执行 and 暂缓 markers exempt or defer the year, with the reason', () => {
    const exempt = scoreStudentYear(records({ ...BASE, run_800m: 'exempt' }), ENROLMENT, '2', '2024-2025');
    expect(exempt).toMatchObject({ status: 'exempt', total: null, level: null });
    expect(exempt.reason).toMatch(/^免予执行 .*marked in the fitness import for run_800m$/);
    const deferred = scoreStudentYear(records({ ...BASE, vital_capacity: 'deferred' }), ENROLMENT, '2', '2024-2025');
    expect(deferred).toMatchObject({ status: 'deferred', total: null });
    expect(deferred.reason).toMatch(/^暂缓 .*marked in the fitness import for vital_capacity$/);
  });

  it('no enrolment, or a sex code the tables do not cover: no total, and why', () => {
    expect(scoreStudentYear(records(BASE), undefined, '2', '2024-2025')).toMatchObject({ status: 'incomplete', total: null, grade_code: null, class_id: null, school_id: 'school' });
    expect(scoreStudentYear(records(BASE), undefined, '2', '2024-2025').reason).toContain('not enrolled');
    expect(scoreStudentYear(records(BASE), ENROLMENT, '9', '2024-2025')).toMatchObject({ status: 'incomplete', total: null, sex: null });
  });
});
