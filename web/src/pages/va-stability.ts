/** Year-over-year stability: the same schools' estimates in two runs, ρ and category transitions. */
import { get } from '../api.js';
import { CATEGORY_COLOURS, chartCard } from '../charts.js';
import { card, dataTable, h, select, setParams } from '../dom.js';
import { num, t, tx } from '../i18n.js';
import type { Page } from '../main.js';
import { categoryBadge } from './va-overview.js';
import { runLabel, type StudiesReport } from './va-common.js';

interface Side {
  n: number;
  estimate: number;
  ciLow: number;
  ciHigh: number;
  category: string;
}

interface StabilityReport {
  model: string;
  schoolsInBoth: number;
  schoolsCompared: number;
  spearman: number | null;
  transitions: { from: string; to: string; count: number }[];
  schools: { schoolId: string; schoolCode: string; schoolName: string; regionName: string; from: Side; to: Side }[];
}

const CATEGORIES = ['above', 'not_significant', 'below', 'insufficient'];

export const stabilityPage: Page = async (root, params) => {
  const studies = await get<StudiesReport>('/api/reports/value-added/studies');
  const runs = studies.items
    .filter((s) => s.grouping === 'school')
    .flatMap((s) => s.runs.map((r) => ({ value: r.id, label: `${s.schoolYear ?? ''} ${runLabel(s, r)}`, year: s.schoolYear ?? '', subject: s.subject })))
    .sort((a, b) => a.label.localeCompare(b.label));
  const fromId = params.get('from') ?? runs[0]?.value ?? '';
  const toId = params.get('to') ?? runs.find((r) => r.value !== fromId && r.subject === runs.find((x) => x.value === fromId)?.subject)?.value ?? runs[1]?.value ?? '';
  const pickers = h(
    'div',
    { class: 'filters' },
    select(t('fromRun'), 'from', runs, fromId, (value) => setParams({ from: value })),
    select(t('toRun'), 'to', runs, toId, (value) => setParams({ to: value })),
  );
  if (!fromId || !toId || fromId === toId) {
    root.replaceChildren(h('h1', {}, t('navStability')), pickers, card(h('p', { class: 'note' }, t('noStudies'))));
    return;
  }
  const source = `/api/reports/value-added/stability?fromRunId=${fromId}&toRunId=${toId}`;
  const report = await get<StabilityReport>('/api/reports/value-added/stability', { fromRunId: fromId, toRunId: toId, model: params.get('model') });
  const scatter = chartCard('va-stability', t('stabilityScatter'), source);
  const transitions = dataTable({
    id: 'va-transitions',
    title: t('transitions'),
    source,
    columns: [
      { label: `${t('fromRun')} \\ ${t('toRun')}`, value: (from: string) => tx('cat', from) },
      ...CATEGORIES.map((to) => ({ label: tx('cat', to), value: (from: string) => report.transitions.find((x) => x.from === from && x.to === to)?.count ?? 0, numeric: true })),
    ],
    rows: CATEGORIES,
  });
  const schools = dataTable({
    id: 'va-stability-schools',
    title: `${t('navStability')} · ${tx('model', report.model)}`,
    source,
    columns: [
      { label: t('schoolCode'), value: (s: StabilityReport['schools'][number]) => s.schoolCode },
      { label: t('school'), value: (s) => s.schoolName },
      { label: t('district'), value: (s) => s.regionName },
      ...(['from', 'to'] as const).flatMap((side) => [
        { label: `${t(side === 'from' ? 'fromRun' : 'toRun')} ${t('groupSize')}`, value: (s: StabilityReport['schools'][number]) => s[side].n, numeric: true },
        { label: `${t(side === 'from' ? 'fromRun' : 'toRun')} ${t('estimate')}`, value: (s: StabilityReport['schools'][number]) => s[side].estimate, render: (s: StabilityReport['schools'][number]) => num(s[side].estimate, 3), numeric: true },
        { label: `${t(side === 'from' ? 'fromRun' : 'toRun')} ${t('interval')}`, value: (s: StabilityReport['schools'][number]) => `[${s[side].ciLow.toFixed(3)}, ${s[side].ciHigh.toFixed(3)}]` },
        { label: `${t(side === 'from' ? 'fromRun' : 'toRun')} ${t('category')}`, value: (s: StabilityReport['schools'][number]) => tx('cat', s[side].category), render: (s: StabilityReport['schools'][number]) => categoryBadge(s[side].category) },
      ]),
    ],
    rows: report.schools,
  });
  root.replaceChildren(
    h('h1', {}, t('navStability')),
    pickers,
    card(
      h('div', { class: 'counts' },
        h('div', { class: 'count', 'data-stat': 'spearman' }, h('b', {}, num(report.spearman, 3)), t('spearman')),
        h('div', { class: 'count' }, h('b', {}, report.schoolsInBoth), t('schoolsInBoth')),
        h('div', { class: 'count' }, h('b', {}, report.schoolsCompared), t('schoolsCompared')),
      ),
    ),
    h('div', { class: 'grid' }, scatter.element, card(transitions)),
    h('div', { style: 'height:16px' }),
    card(schools),
  );
  const all = report.schools.flatMap((s) => [s.from.ciLow, s.from.ciHigh, s.to.ciLow, s.to.ciHigh]);
  // The same bounds on both axes (the diagonal is "no change"), rounded outwards to a step a tenth
  // of the range's order of magnitude, so the end labels read 9 or 0.42, not 8.079246759139174.
  const rawLow = Math.min(0, ...all);
  const rawHigh = Math.max(0, ...all);
  const step = 10 ** (Math.floor(Math.log10(Math.max(rawHigh - rawLow, 1e-9))) - 1);
  const digits = Math.max(0, -Math.round(Math.log10(step)));
  const low = Number((Math.floor(rawLow / step) * step).toFixed(digits));
  const high = Number((Math.ceil(rawHigh / step) * step).toFixed(digits));
  const axisLabel = { formatter: (v: number) => num(v, digits) };
  scatter.draw({
    animation: false,
    grid: { left: 70, right: 20, top: 40, bottom: 55 },
    legend: { top: 0, data: CATEGORIES.map((c) => tx('cat', c)) },
    tooltip: { trigger: 'item', formatter: (p: unknown) => { const s = report.schools[(p as { data: { i: number } }).data.i]; return s ? `${s.schoolName}<br/>${num(s.from.estimate, 3)} → ${num(s.to.estimate, 3)}<br/>${tx('cat', s.from.category)} → ${tx('cat', s.to.category)}` : ''; } },
    xAxis: { type: 'value', name: t('fromRun'), nameLocation: 'middle', nameGap: 30, min: low, max: high, axisLabel },
    yAxis: { type: 'value', name: t('toRun'), nameLocation: 'middle', nameGap: 50, min: low, max: high, axisLabel },
    series: [
      {
        name: t('interval'),
        type: 'custom',
        data: report.schools.map((s, i) => ({ value: [s.from.estimate, s.to.estimate, s.from.ciLow, s.from.ciHigh, s.to.ciLow, s.to.ciHigh], i })),
        encode: { x: [0, 2, 3], y: [1, 4, 5] },
        renderItem: (_p: unknown, api: unknown) => {
          const a = api as { value(i: number): number; coord(p: number[]): number[] };
          const x1 = a.coord([a.value(2), a.value(1)]);
          const x2 = a.coord([a.value(3), a.value(1)]);
          const y1 = a.coord([a.value(0), a.value(4)]);
          const y2 = a.coord([a.value(0), a.value(5)]);
          const style = { stroke: '#cbd5e1', lineWidth: 1 };
          return { type: 'group', children: [{ type: 'line', shape: { x1: x1[0], y1: x1[1], x2: x2[0], y2: x2[1] }, style }, { type: 'line', shape: { x1: y1[0], y1: y1[1], x2: y2[0], y2: y2[1] }, style }] };
        },
      },
      ...CATEGORIES.map((c) => ({
        name: tx('cat', c),
        type: 'scatter' as const,
        symbolSize: 7,
        itemStyle: { color: CATEGORY_COLOURS[c] },
        data: report.schools.flatMap((s, i) => (s.to.category === c ? [{ value: [s.from.estimate, s.to.estimate], i }] : [])),
      })),
      { type: 'line', silent: true, showSymbol: false, lineStyle: { type: 'dashed', color: '#94a3b8' }, data: [[low, low], [high, high]] },
    ],
  } as never);
};
