/** Admissions: the applicants of the officer's high school filtered by dimension levels, with their sealed portfolios. */
import { get, purpose, setPurpose } from '../api.js';
import { card, dataTable, h, select, setParams } from '../dom.js';
import { t, tx } from '../i18n.js';
import type { Page } from '../main.js';

interface Applicant {
  applicationId: string;
  appliedOn: string;
  batch: { id: string; code: string; name: string };
  receivingSchool: { name: string };
  student: { id: string; name: string; studentNumber: string; school: { name: string } };
  portfolio: { id: string; version: number; sealedAt: string; contentSha256: string } | null;
  levels: Record<string, string>;
  dimensionsAtBOrBetter: number;
}

export const DIMENSIONS = ['moral', 'academic', 'physical', 'aesthetic', 'labour'];
const LEVELS = ['A', 'B', 'C', 'D'];

/** A default purpose until the user states one (call before the first audited read). */
export function ensurePurpose(): void {
  if (!purpose()) setPurpose(t('defaultPurpose'));
}

/** The purpose field every audited page shows (the service refuses portfolio reads without one). */
export function purposeField(onchange: () => void): HTMLElement {
  ensurePurpose();
  return h('label', {}, t('purpose'), h('input', { type: 'text', name: 'purpose', value: purpose(), onchange: (e: Event) => (setPurpose((e.target as HTMLInputElement).value), onchange()) }));
}

export const admissionsPage: Page = async (root, params) => {
  ensurePurpose();
  const query: Record<string, string | undefined> = { sort: params.get('sort') ?? 'levels', batchId: params.get('batch') ?? undefined, minLevel: params.get('minLevel') ?? undefined, minDimensions: params.get('minDimensions') ?? undefined };
  for (const d of DIMENSIONS) query[d] = params.get(d) ?? undefined;
  const batches = await get<{ items: { id: string; code: string; name: string; open: boolean }[] }>('/api/admissions/batches', { pageSize: 200 });
  const source = '/api/admissions/applicants';
  const applicants = await get<{ items: Applicant[]; total: number }>(source, { ...query, pageSize: 200 });
  const levelOptions = [{ value: '', label: t('all') }, ...LEVELS.map((l) => ({ value: l, label: `${l} ${t('orBetter')}` }))];
  const filters = h(
    'div',
    { class: 'filters' },
    purposeField(() => setParams({ t: String(Date.now()) })),
    select(t('batch'), 'batch', [{ value: '', label: t('all') }, ...batches.items.map((b) => ({ value: b.id, label: `${b.name}${b.open ? '' : ` (${t('closed')})`}` }))], params.get('batch') ?? '', (value) => setParams({ batch: value })),
    select(t('minLevel'), 'minLevel', levelOptions, params.get('minLevel') ?? '', (value) => setParams({ minLevel: value })),
    select(t('minDimensions'), 'minDimensions', [{ value: '', label: t('all') }, ...[1, 2, 3, 4, 5].map((n) => ({ value: String(n), label: String(n) }))], params.get('minDimensions') ?? '', (value) => setParams({ minDimensions: value })),
    DIMENSIONS.map((d) => select(tx('dim', d), d, levelOptions, params.get(d) ?? '', (value) => setParams({ [d]: value }))),
  );
  const table = dataTable({
    id: 'applicants',
    title: `${t('navAdmissions')} (${applicants.total})`,
    source,
    columns: [
      { label: t('student'), value: (a: Applicant) => a.student.name },
      { label: t('studentNumber'), value: (a) => a.student.studentNumber },
      { label: t('school'), value: (a) => a.student.school.name },
      { label: t('batch'), value: (a) => a.batch.name },
      { label: t('appliedOn'), value: (a) => a.appliedOn },
      ...DIMENSIONS.map((d) => ({ label: tx('dim', d), value: (a: Applicant) => a.levels[d] ?? null })),
      { label: t('dimensionsAtB'), value: (a) => a.dimensionsAtBOrBetter, numeric: true },
      { label: t('portfolio'), value: (a) => a.portfolio?.contentSha256 ?? null, render: (a) => (a.portfolio ? h('a', { href: `#/portfolio?id=${a.portfolio.id}`, 'data-portfolio': a.portfolio.id }, `v${a.portfolio.version} · ${a.portfolio.contentSha256.slice(0, 12)}…`) : t('noSealedPortfolio')) },
    ],
    rows: applicants.items,
  });
  root.replaceChildren(h('h1', {}, t('navAdmissions')), filters, card(table));
};
