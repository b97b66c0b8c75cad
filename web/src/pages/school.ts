/** A school's page: its own value-added and growth history, and its students' growth distribution. */
import { get, type Me } from '../api.js';
import { CATEGORY_COLOURS, chartCard } from '../charts.js';
import { card, dataTable, h, select, setParams } from '../dom.js';
import { num, t, tx } from '../i18n.js';
import type { Page } from '../main.js';
import { categoryBadge } from './va-overview.js';
import { subjectLabel } from './va-common.js';

interface VaRow {
  runId: string;
  studyName: string;
  subject: string;
  schoolYear: string | null;
  model: string;
  className: string | null;
  n: number;
  estimate: number;
  se: number;
  ciLow: number;
  ciHigh: number;
  category: string;
  minGroupSize: number;
}

interface GrowthSummary {
  n: number;
  suppressed: boolean;
  medianSgp: number | null;
  medianSgpStandardError: number | null;
  meanSgp: number | null;
  shrunkMedianSgp: number | null;
}

interface GrowthRun {
  runId: string;
  indicatorCode: string;
  schoolYear: string | null;
  termCode: string | null;
  minimumN: number;
  summary: GrowthSummary;
  distribution: { band: string; students: number }[] | null;
}

const vaLabel = (r: VaRow) => `${r.schoolYear ?? ''} ${r.studyName} ${tx('model', r.model)}${r.className ? ` ${r.className}` : ''}`;
const growthLabel = (r: GrowthRun) => `${r.termCode ?? r.schoolYear ?? ''} ${subjectLabel(r.indicatorCode)}`;

/** The school a user looks at: a school administrator's own; bureau users choose one. */
async function schoolChoice(params: URLSearchParams, user: Me): Promise<{ schoolId: string | null; element: HTMLElement | null }> {
  const own = user.roles.find((r) => r.role === 'school_admin' && r.schoolId)?.schoolId ?? null;
  const bureau = user.roles.some((r) => r.role === 'city_admin' || r.role === 'district_officer');
  if (!bureau) return { schoolId: own, element: null };
  const q = params.get('q') ?? '';
  const schools = await get<{ items: { id: string; code: string; name: string }[] }>('/api/schools', { q, pageSize: 200 });
  const schoolId = params.get('school') ?? schools.items[0]?.id ?? null;
  const search = h('input', { type: 'search', name: 'q', value: q, placeholder: t('search'), onchange: (e: Event) => setParams({ q: (e.target as HTMLInputElement).value }, ['school']) });
  return {
    schoolId,
    element: h('div', { class: 'filters' }, h('label', {}, t('search'), search), select(t('chooseSchool'), 'school', schools.items.map((s) => ({ value: s.id, label: `${s.name} (${s.code})` })), schoolId ?? '', (value) => setParams({ school: value }))),
  };
}

export const schoolPage: Page = async (root, params, user) => {
  const choice = await schoolChoice(params, user);
  if (!choice.schoolId) {
    root.replaceChildren(h('h1', {}, t('schoolTitle')), choice.element ?? '', card(h('p', { class: 'note' }, t('noData'))));
    return;
  }
  const vaSource = `/api/reports/schools/${choice.schoolId}/value-added`;
  const growthSource = `/api/reports/schools/${choice.schoolId}/growth`;
  const [va, growth] = await Promise.all([get<{ school: { name: string; code: string }; rows: VaRow[] }>(vaSource), get<{ runs: GrowthRun[] }>(growthSource)]);
  const vaChart = chartCard('school-va', t('vaHistory'), vaSource, 'short');
  const growthChart = chartCard('school-growth', t('growthHistory'), growthSource, 'short');
  const runs = growth.runs;
  const chosen = runs.find((r) => r.runId === params.get('growthRun')) ?? runs[runs.length - 1];
  const distributionChart = chartCard('school-sgp-distribution', t('growthDistribution'), growthSource, 'short');
  const vaTable = dataTable({
    id: 'school-va',
    title: `${t('vaHistory')} · ${va.school.name}`,
    source: vaSource,
    columns: [
      { label: t('schoolYear'), value: (r: VaRow) => r.schoolYear },
      { label: t('study'), value: (r) => r.studyName },
      { label: t('subject'), value: (r) => subjectLabel(r.subject) },
      { label: t('model'), value: (r) => tx('model', r.model) },
      { label: t('className'), value: (r) => r.className },
      { label: t('groupSize'), value: (r) => r.n, numeric: true },
      { label: t('estimate'), value: (r) => r.estimate, render: (r) => num(r.estimate, 3), numeric: true },
      { label: t('ciLow'), value: (r) => r.ciLow, render: (r) => num(r.ciLow, 3), numeric: true },
      { label: t('ciHigh'), value: (r) => r.ciHigh, render: (r) => num(r.ciHigh, 3), numeric: true },
      { label: t('category'), value: (r) => tx('cat', r.category), render: (r) => categoryBadge(r.category) },
    ],
    rows: va.rows,
  });
  const growthTable = dataTable({
    id: 'school-growth',
    title: `${t('growthHistory')} · ${va.school.name}`,
    source: growthSource,
    columns: [
      { label: t('schoolYear'), value: (r: GrowthRun) => r.termCode ?? r.schoolYear },
      { label: t('indicator'), value: (r) => r.indicatorCode },
      { label: t('students'), value: (r) => r.summary.n, numeric: true },
      { label: t('medianSgp'), value: (r) => (r.summary.suppressed ? null : r.summary.medianSgp), render: (r) => (r.summary.suppressed ? t('suppressed') : num(r.summary.medianSgp, 1)), numeric: true },
      { label: t('se'), value: (r) => r.summary.medianSgpStandardError, render: (r) => num(r.summary.medianSgpStandardError, 2), numeric: true },
      { label: t('shrunkMedian'), value: (r) => r.summary.shrunkMedianSgp, render: (r) => num(r.summary.shrunkMedianSgp, 0), numeric: true },
    ],
    rows: runs,
  });
  const runSelect = runs.length > 0 ? select(t('run'), 'growthRun', runs.map((r) => ({ value: r.runId, label: growthLabel(r) })), chosen?.runId, (value) => setParams({ growthRun: value })) : '';
  root.replaceChildren(
    h('h1', {}, `${t('schoolTitle')} · ${va.school.name}`),
    choice.element ?? '',
    h('div', { class: 'grid' }, vaChart.element, growthChart.element),
    h('div', { style: 'height:16px' }),
    card(vaTable),
    h('div', { class: 'filters' }, runSelect),
    h('div', { class: 'grid' }, distributionChart.element, card(growthTable)),
  );
  const errorBars = (values: { low: number; high: number }[], colour: string) => ({
    type: 'custom' as const,
    itemStyle: { color: colour },
    data: values.map((v, i) => [i, v.low, v.high]),
    encode: { x: 0, y: [1, 2] },
    renderItem: (_p: unknown, api: unknown) => {
      const a = api as { value(i: number): number; coord(p: number[]): number[] };
      const low = a.coord([a.value(0), a.value(1)]);
      const high = a.coord([a.value(0), a.value(2)]);
      return { type: 'line', shape: { x1: low[0], y1: low[1], x2: high[0], y2: high[1] }, style: { stroke: colour, lineWidth: 2 } };
    },
  });
  vaChart.draw({
    animation: false,
    grid: { left: 50, right: 20, top: 20, bottom: 70 },
    tooltip: { trigger: 'item' },
    xAxis: { type: 'category', data: va.rows.map(vaLabel), axisLabel: { rotate: 30, fontSize: 10 } },
    yAxis: { type: 'value', name: t('estimate'), scale: true },
    series: [
      errorBars(va.rows.map((r) => ({ low: r.ciLow, high: r.ciHigh })), '#94a3b8'),
      { name: t('estimate'), type: 'scatter', symbolSize: 9, data: va.rows.map((r, i) => ({ value: [i, r.estimate], itemStyle: { color: CATEGORY_COLOURS[r.category] } })), markLine: { silent: true, symbol: 'none', data: [{ yAxis: 0 }], lineStyle: { type: 'dashed', color: '#94a3b8' } } },
    ],
  } as never);
  const shown = runs.filter((r) => !r.summary.suppressed && r.summary.medianSgp !== null);
  growthChart.draw({
    animation: false,
    grid: { left: 50, right: 20, top: 20, bottom: 50 },
    tooltip: { trigger: 'item' },
    xAxis: { type: 'category', data: shown.map(growthLabel), axisLabel: { rotate: 20, fontSize: 10 } },
    yAxis: { type: 'value', name: t('medianSgp'), min: 0, max: 100 },
    series: [
      errorBars(shown.map((r) => ({ low: r.summary.medianSgp! - 1.96 * (r.summary.medianSgpStandardError ?? 0), high: r.summary.medianSgp! + 1.96 * (r.summary.medianSgpStandardError ?? 0) })), '#94a3b8'),
      { name: t('medianSgp'), type: 'line', data: shown.map((r) => r.summary.medianSgp), itemStyle: { color: '#1d4ed8' }, markLine: { silent: true, symbol: 'none', data: [{ yAxis: 50 }], lineStyle: { type: 'dashed', color: '#94a3b8' } } },
    ],
  } as never);
  distributionChart.draw({
    animation: false,
    grid: { left: 50, right: 20, top: 20, bottom: 40 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', name: t('sgpBand'), data: (chosen?.distribution ?? []).map((d) => d.band) },
    yAxis: { type: 'value', name: t('students'), minInterval: 1 },
    series: [{ type: 'bar', data: (chosen?.distribution ?? []).map((d) => d.students), itemStyle: { color: '#0f766e' } }],
  } as never);
};
