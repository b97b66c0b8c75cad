import type { ActivityStatus } from '../../intake/dimensions';

/**
 * The 写实记录 state machine of DOMAIN.md as one pure function: (current status, action, what
 * the caller knows about guards) → the next status, or a refusal with a code and a message in
 * English and Chinese. No I/O and no clock: the service passes the facts (is the publicity
 * window open? has the student confirmed a teacher-on-behalf record?) and records the result.
 *
 *   DRAFT → SUBMITTED → VERIFIED | RETURNED (remark) → SUBMITTED | REJECTED (reason, appealable)
 *   VERIFIED → SELECTED (term-end 遴选) → IN_PUBLICITY
 *   IN_PUBLICITY → (objection) UNDER_INVESTIGATION → REVOKED | back to IN_PUBLICITY
 *   IN_PUBLICITY → (window closed) PUBLICITY_PASSED → CONFIRMED (locked)
 *   CONFIRMED → (appeal upheld / integrity case) AMENDED (new version, reason kept) | REVOKED
 *
 * Two readings of the diagram are ours (ADR 0810): an upheld appeal against a rejection
 * (`reinstate`) sends the record back to SUBMITTED for a fresh review; an AMENDED record is a
 * confirmed record in its newer version, so it can be amended or revoked again like CONFIRMED.
 */
export const REVIEW_ACTIONS = [
  'submit', // DRAFT | RETURNED → SUBMITTED (student, or the teacher of an on-behalf record)
  'verify', // SUBMITTED → VERIFIED
  'return', // SUBMITTED → RETURNED, with a remark
  'reject', // SUBMITTED → REJECTED, with a reason; appealable
  'reinstate', // REJECTED → SUBMITTED: the appeal against the rejection was upheld
  'select', // VERIFIED → SELECTED: term-end 遴选
  'publish', // SELECTED → IN_PUBLICITY: put in a publicity batch
  'object', // IN_PUBLICITY → UNDER_INVESTIGATION: an objection during the window
  'clear', // UNDER_INVESTIGATION → IN_PUBLICITY: the objection was dismissed
  'revoke', // UNDER_INVESTIGATION | CONFIRMED | AMENDED → REVOKED, with a reason
  'pass', // IN_PUBLICITY → PUBLICITY_PASSED: only after the window has closed
  'confirm', // PUBLICITY_PASSED → CONFIRMED (locked)
  'amend', // CONFIRMED | AMENDED → AMENDED: a new version, with the reason
] as const;
export type ReviewAction = (typeof REVIEW_ACTIONS)[number];

export const ACTION_NAMES_ZH: Readonly<Record<ReviewAction, string>> = {
  submit: '提交',
  verify: '审核通过',
  return: '退回修改',
  reject: '不予通过',
  reinstate: '申诉成立，重新审核',
  select: '遴选',
  publish: '公示',
  object: '异议调查',
  clear: '异议不成立',
  revoke: '撤销',
  pass: '公示期满',
  confirm: '确认',
  amend: '更正',
};

const TABLE: Readonly<Record<ReviewAction, { readonly from: readonly ActivityStatus[]; readonly to: ActivityStatus }>> = {
  submit: { from: ['DRAFT', 'RETURNED'], to: 'SUBMITTED' },
  verify: { from: ['SUBMITTED'], to: 'VERIFIED' },
  return: { from: ['SUBMITTED'], to: 'RETURNED' },
  reject: { from: ['SUBMITTED'], to: 'REJECTED' },
  reinstate: { from: ['REJECTED'], to: 'SUBMITTED' },
  select: { from: ['VERIFIED'], to: 'SELECTED' },
  publish: { from: ['SELECTED'], to: 'IN_PUBLICITY' },
  object: { from: ['IN_PUBLICITY'], to: 'UNDER_INVESTIGATION' },
  clear: { from: ['UNDER_INVESTIGATION'], to: 'IN_PUBLICITY' },
  revoke: { from: ['UNDER_INVESTIGATION', 'CONFIRMED', 'AMENDED'], to: 'REVOKED' },
  pass: { from: ['IN_PUBLICITY'], to: 'PUBLICITY_PASSED' },
  confirm: { from: ['PUBLICITY_PASSED'], to: 'CONFIRMED' },
  amend: { from: ['CONFIRMED', 'AMENDED'], to: 'AMENDED' },
};

/** Actions that must carry a written remark or reason. */
const NEEDS_REMARK: ReadonlySet<ReviewAction> = new Set(['return', 'reject', 'reinstate', 'revoke', 'amend', 'clear']);

/** Facts the guards need; the service knows them, the function only judges. */
export interface TransitionFacts {
  /** A teacher_on_behalf record the student has not confirmed yet. */
  readonly awaitingStudentConfirmation?: boolean;
  /** For `object` and `pass`: where the server's clock stands relative to the publicity window. */
  readonly publicityWindow?: 'before' | 'open' | 'closed';
  readonly remark?: string | null;
}

export type TransitionRefusalCode = 'INVALID_TRANSITION' | 'STUDENT_CONFIRMATION_REQUIRED' | 'PUBLICITY_WINDOW_NOT_OPEN' | 'PUBLICITY_WINDOW_CLOSED' | 'PUBLICITY_WINDOW_STILL_OPEN' | 'REMARK_REQUIRED';

export type TransitionResult =
  | { readonly ok: true; readonly from: ActivityStatus; readonly to: ActivityStatus }
  | { readonly ok: false; readonly code: TransitionRefusalCode; readonly message: string; readonly messageZh: string };

/** Statuses in which the record is locked: it never changes in place again. */
export const LOCKED_STATUSES: readonly ActivityStatus[] = ['CONFIRMED', 'AMENDED', 'REVOKED'];
/** Statuses of a confirmed record (what portfolios compile from). */
export const CONFIRMED_STATUSES: readonly ActivityStatus[] = ['CONFIRMED', 'AMENDED'];
/** Statuses in which the author may still edit the record's content. */
export const EDITABLE_STATUSES: readonly ActivityStatus[] = ['DRAFT', 'RETURNED'];

export function allowedActions(from: ActivityStatus): ReviewAction[] {
  return REVIEW_ACTIONS.filter((action) => TABLE[action].from.includes(from));
}

export function nextStatus(from: ActivityStatus, action: ReviewAction, facts: TransitionFacts = {}): TransitionResult {
  const rule = TABLE[action];
  if (!rule.from.includes(from)) {
    const allowed = allowedActions(from);
    return {
      ok: false,
      code: 'INVALID_TRANSITION',
      message: `cannot ${action} a record that is ${from}; allowed from ${from}: ${allowed.length > 0 ? allowed.join(', ') : 'nothing (final state)'}`,
      messageZh: `状态为${from}的写实记录不能执行“${ACTION_NAMES_ZH[action]}”`,
    };
  }
  if (NEEDS_REMARK.has(action) && !(facts.remark ?? '').trim()) {
    return { ok: false, code: 'REMARK_REQUIRED', message: `${action} needs a written remark or reason`, messageZh: `“${ACTION_NAMES_ZH[action]}”须填写意见或理由` };
  }
  if ((action === 'verify' || action === 'select') && facts.awaitingStudentConfirmation) {
    return {
      ok: false,
      code: 'STUDENT_CONFIRMATION_REQUIRED',
      message: 'this record was entered by a teacher on the student’s behalf; the student must confirm it before it can be verified or selected',
      messageZh: '该记录由教师代录，须经学生本人确认后才能审核或遴选',
    };
  }
  if (action === 'object') {
    if (facts.publicityWindow === 'before') return { ok: false, code: 'PUBLICITY_WINDOW_NOT_OPEN', message: 'the publicity window has not opened yet', messageZh: '公示尚未开始' };
    if (facts.publicityWindow !== 'open') return { ok: false, code: 'PUBLICITY_WINDOW_CLOSED', message: 'the publicity window has closed: objections are no longer accepted', messageZh: '公示期已结束，不再受理异议' };
  }
  if (action === 'pass' && facts.publicityWindow !== 'closed') {
    return { ok: false, code: 'PUBLICITY_WINDOW_STILL_OPEN', message: 'the publicity window has not closed yet: records cannot pass before it ends', messageZh: '公示期尚未结束，不能确认' };
  }
  return { ok: true, from, to: rule.to };
}
