/** The 写实记录 review queue: submitted records to verify, return or reject, and the integrity flags. */
import { get, post } from '../api.js';
import { card, dataTable, errorBox, h, select, setParams } from '../dom.js';
import { lang, t, tx } from '../i18n.js';
import type { Page } from '../main.js';

interface ReviewRecord {
  id: string;
  studentName: string;
  term: { id: string; code: string };
  dimension: string;
  recordType: string;
  title: string;
  startDate: string;
  hours: number | null;
  enteredOnBehalf: boolean;
  needsStudentConfirmation: boolean;
  studentConfirmedAt: string | null;
  status: string;
  nextActions: string[];
  openIntegrityFlags: number;
}

interface Flag {
  id: string;
  activityRecordId: string;
  studentName: string;
  details: Record<string, unknown>;
  recordTitle: string;
  recordStatus: string;
  rule: string;
  ruleZh: string;
  detectedAt: string;
}

const STATUSES = ['SUBMITTED', 'RETURNED', 'VERIFIED', 'SELECTED', 'REJECTED', 'DRAFT'];

export const reviewPage: Page = async (root, params) => {
  const status = params.get('status') ?? 'SUBMITTED';
  const source = `/api/review/records?status=${status}`;
  const [records, flags] = await Promise.all([
    get<{ items: ReviewRecord[]; total: number }>('/api/review/records', { status, pageSize: 200 }),
    get<{ items: Flag[]; total: number }>('/api/review/integrity/flags', { status: 'open', pageSize: 200 }),
  ]);
  const message = h('div', {});
  const act = (record: ReviewRecord, action: 'verify' | 'return' | 'reject' | 'select') => async () => {
    let remark: string | null = null;
    if (action === 'return' || action === 'reject') {
      remark = prompt(t(action === 'return' ? 'returnReason' : 'rejectReason'));
      if (!remark) return;
    }
    try {
      await post(`/api/review/records/${record.id}/${action}`, remark ? { remark } : {});
      setParams({ done: String(Date.now()) });
    } catch (error) {
      message.replaceChildren(errorBox(error));
    }
  };
  const actions = (r: ReviewRecord) =>
    h(
      'span',
      { class: 'actions' },
      (['verify', 'return', 'reject', 'select'] as const)
        .filter((a) => r.nextActions.includes(a))
        .map((a) => h('button', { class: a === 'verify' || a === 'select' ? 'small' : 'secondary small', 'data-action': a, 'data-record': r.id, onclick: act(r, a) }, t(`action_${a}`))),
    );
  const queue = dataTable({
    id: 'review-queue',
    title: `${t('reviewQueue')} · ${tx('status', status)}`,
    source,
    columns: [
      { label: t('student'), value: (r: ReviewRecord) => r.studentName },
      { label: t('term'), value: (r) => r.term.code },
      { label: t('dimension'), value: (r) => tx('dim', r.dimension) },
      { label: t('recordTitle'), value: (r) => r.title },
      { label: t('startDate'), value: (r) => r.startDate },
      { label: t('hours'), value: (r) => r.hours, numeric: true },
      { label: t('onBehalf'), value: (r) => (r.enteredOnBehalf ? (r.studentConfirmedAt ? t('confirmedByStudent') : t('awaitingStudent')) : null) },
      { label: t('integrityFlags'), value: (r) => r.openIntegrityFlags, numeric: true },
      { label: t('status'), value: (r) => tx('status', r.status) },
      { label: '', value: () => null, render: actions },
    ],
    rows: records.items,
  });
  // A flag is resolved as cleared (nothing wrong) or confirmed (a real problem, to act on through
  // the record's workflow), always with a remark; the record itself is never changed here.
  const resolve = (flag: Flag, outcome: 'cleared' | 'confirmed') => async () => {
    const remark = prompt(t('flagRemark'));
    if (!remark) return;
    try {
      await post(`/api/review/integrity/flags/${flag.id}/resolve`, { outcome, remark });
      setParams({ done: String(Date.now()) });
    } catch (error) {
      message.replaceChildren(errorBox(error));
    }
  };
  const flagActions = (f: Flag) =>
    h(
      'span',
      { class: 'actions' },
      (['cleared', 'confirmed'] as const).map((outcome) => h('button', { class: outcome === 'cleared' ? 'small' : 'secondary small', 'data-flag-action': outcome, 'data-flag': f.id, onclick: resolve(f, outcome) }, t(`flag_${outcome}`))),
    );
  const flagTable = dataTable({
    id: 'review-flags',
    title: t('integrityQueue'),
    source: '/api/review/integrity/flags?status=open',
    columns: [
      { label: t('student'), value: (f: Flag) => f.studentName },
      { label: t('recordTitle'), value: (f) => f.recordTitle },
      { label: t('status'), value: (f) => tx('status', f.recordStatus) },
      { label: t('rule'), value: (f) => (lang() === 'zh' ? f.ruleZh : f.rule) },
      { label: t('flagDetails'), value: (f) => Object.entries(f.details).filter(([key]) => !/Ids?$/.test(key)).map(([key, value]) => `${key}: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`).join('; ') },
      { label: t('occurredAt'), value: (f) => f.detectedAt },
      { label: '', value: () => null, render: flagActions },
    ],
    rows: flags.items,
  });
  root.replaceChildren(
    h('h1', {}, t('navReview')),
    h('div', { class: 'filters' }, select(t('status'), 'status', STATUSES.map((s) => ({ value: s, label: tx('status', s) })), status, (value) => setParams({ status: value }))),
    message,
    card(queue),
    card(flagTable),
  );
};
