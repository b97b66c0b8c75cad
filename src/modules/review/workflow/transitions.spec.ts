import { ACTIVITY_STATUSES, type ActivityStatus } from '../../intake/dimensions';
import { allowedActions, nextStatus, REVIEW_ACTIONS, type ReviewAction } from './transitions';

/**
 * The state machine of DOMAIN.md written out a second time, by hand, as the list of allowed
 * (from, action) → to. Every other (status × action) pair must be refused with
 * INVALID_TRANSITION: 12 statuses × 13 actions = 156 cases, each asserted.
 */
const ALLOWED: ReadonlyArray<readonly [ActivityStatus, ReviewAction, ActivityStatus]> = [
  ['DRAFT', 'submit', 'SUBMITTED'],
  ['SUBMITTED', 'verify', 'VERIFIED'],
  ['SUBMITTED', 'return', 'RETURNED'],
  ['SUBMITTED', 'reject', 'REJECTED'],
  ['RETURNED', 'submit', 'SUBMITTED'],
  ['REJECTED', 'reinstate', 'SUBMITTED'],
  ['VERIFIED', 'select', 'SELECTED'],
  ['SELECTED', 'publish', 'IN_PUBLICITY'],
  ['IN_PUBLICITY', 'object', 'UNDER_INVESTIGATION'],
  ['UNDER_INVESTIGATION', 'revoke', 'REVOKED'],
  ['UNDER_INVESTIGATION', 'clear', 'IN_PUBLICITY'],
  ['IN_PUBLICITY', 'pass', 'PUBLICITY_PASSED'],
  ['PUBLICITY_PASSED', 'confirm', 'CONFIRMED'],
  ['CONFIRMED', 'amend', 'AMENDED'],
  ['CONFIRMED', 'revoke', 'REVOKED'],
  ['AMENDED', 'amend', 'AMENDED'],
  ['AMENDED', 'revoke', 'REVOKED'],
];

/** Facts under which each allowed transition's guards are satisfied. */
const SATISFIED = { remark: '理由 reason', publicityWindow: 'open', awaitingStudentConfirmation: false } as const;
const factsFor = (action: ReviewAction) => (action === 'pass' ? { ...SATISFIED, publicityWindow: 'closed' as const } : SATISFIED);

describe('写实记录 state machine: every allowed transition', () => {
  it.each(ALLOWED.map(([from, action, to]) => [`${from} --${action}--> ${to}`, from, action, to] as const))('%s', (_name, from, action, to) => {
    expect(nextStatus(from, action, factsFor(action))).toEqual({ ok: true, from, to });
  });
});

describe('写实记录 state machine: every refused transition', () => {
  const allowed = new Set(ALLOWED.map(([from, action]) => `${from}|${action}`));
  const refused = ACTIVITY_STATUSES.flatMap((from) => REVIEW_ACTIONS.filter((action) => !allowed.has(`${from}|${action}`)).map((action) => [from, action] as const));

  it('covers all 156 status × action pairs between the two lists', () => {
    expect(refused.length + ALLOWED.length).toBe(ACTIVITY_STATUSES.length * REVIEW_ACTIONS.length);
    expect(ACTIVITY_STATUSES.length * REVIEW_ACTIONS.length).toBe(156);
  });

  it.each(refused.map(([from, action]) => [`${from} --${action}--> refused`, from, action] as const))('%s', (_name, from, action) => {
    const result = nextStatus(from, action, factsFor(action));
    expect(result).toMatchObject({ ok: false, code: 'INVALID_TRANSITION' });
    if (!result.ok) {
      expect(result.message).toContain(from);
      expect(result.messageZh).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('nothing leaves REVOKED, and CONFIRMED only becomes AMENDED or REVOKED', () => {
    expect(allowedActions('REVOKED')).toEqual([]);
    expect(allowedActions('CONFIRMED').sort()).toEqual(['amend', 'revoke']);
  });
});

describe('写实记录 state machine: guards', () => {
  it('refuses verify and select of an unconfirmed teacher-on-behalf record, and allows them once confirmed', () => {
    expect(nextStatus('SUBMITTED', 'verify', { awaitingStudentConfirmation: true })).toMatchObject({ ok: false, code: 'STUDENT_CONFIRMATION_REQUIRED' });
    expect(nextStatus('VERIFIED', 'select', { awaitingStudentConfirmation: true })).toMatchObject({ ok: false, code: 'STUDENT_CONFIRMATION_REQUIRED' });
    expect(nextStatus('SUBMITTED', 'verify', { awaitingStudentConfirmation: false })).toMatchObject({ ok: true, to: 'VERIFIED' });
    expect(nextStatus('VERIFIED', 'select', { awaitingStudentConfirmation: false })).toMatchObject({ ok: true, to: 'SELECTED' });
  });

  it('accepts objections only while the window is open', () => {
    expect(nextStatus('IN_PUBLICITY', 'object', { publicityWindow: 'before' })).toMatchObject({ ok: false, code: 'PUBLICITY_WINDOW_NOT_OPEN' });
    expect(nextStatus('IN_PUBLICITY', 'object', { publicityWindow: 'closed' })).toMatchObject({ ok: false, code: 'PUBLICITY_WINDOW_CLOSED' });
    expect(nextStatus('IN_PUBLICITY', 'object', { publicityWindow: 'open' })).toMatchObject({ ok: true, to: 'UNDER_INVESTIGATION' });
  });

  it('lets a record pass publicity only after the window has closed', () => {
    expect(nextStatus('IN_PUBLICITY', 'pass', { publicityWindow: 'open' })).toMatchObject({ ok: false, code: 'PUBLICITY_WINDOW_STILL_OPEN' });
    expect(nextStatus('IN_PUBLICITY', 'pass', { publicityWindow: 'before' })).toMatchObject({ ok: false, code: 'PUBLICITY_WINDOW_STILL_OPEN' });
    expect(nextStatus('IN_PUBLICITY', 'pass', {})).toMatchObject({ ok: false, code: 'PUBLICITY_WINDOW_STILL_OPEN' });
  });

  it.each(['return', 'reject', 'reinstate', 'revoke', 'amend', 'clear'] as const)('requires a written remark for %s', (action) => {
    const from = ALLOWED.find(([, a]) => a === action)![0];
    expect(nextStatus(from, action, { remark: '  ' })).toMatchObject({ ok: false, code: 'REMARK_REQUIRED' });
    expect(nextStatus(from, action, { remark: null })).toMatchObject({ ok: false, code: 'REMARK_REQUIRED' });
  });

  it('judges the state before the guards: a wrong state is INVALID_TRANSITION even without a remark', () => {
    expect(nextStatus('DRAFT', 'reject', {})).toMatchObject({ ok: false, code: 'INVALID_TRANSITION' });
  });
});
