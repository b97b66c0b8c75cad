/** Bureau value-added overview of a run: caterpillar, funnel, category counts, table — never a bare league table. */
import { get } from '../api.js';
import { CATEGORY_COLOURS, chartCard, type ChartOption } from '../charts.js';
import { card, dataTable, h, select, setParams } from '../dom.js';
import { num, t, tx } from '../i18n.js';
import type { Page } from '../main.js';
import { type Group, groupLabel, studyPicker } from './va-common.js';

export interface RunReport {
  run: { id: string; models: string[]; inputHash: string | null; engineVersion: string | null; finishedAt: string | null };
  model: string;
  minGroupSize: number;
  filters: { districts: { id: string; name: string }[]; stages: string[] };
  categoryCounts: Record<string, number>;
  groups: Group[];
}

const CATEGORIES = ['above', 'not_significant', 'below', 'insufficient'];

function tooltip(g: Group): string {
  return `${groupLabel(g)}<br/>${t('groupSize')}: ${g.n}<br/>${t('estimate')}: ${num(g.estimate, 3)}<br/>${t('interval')}: [${num(g.ciLow, 3)}, ${num(g.ciHigh, 3)}]<br/>${t('category')}: ${tx('cat', g.category)}`;
}

/** Sorted estimates with 95% intervals: one error bar (custom series) and one point per group. */
export function caterpillarOption(groups: Group[]): ChartOption {
  const sorted = [...groups].sort((a, b) => a.estimate - b.estimate || (a.groupId < b.groupId ? -1 : 1));
  return {
    animation: false,
    grid: { left: 60, right: 20, top: 30, bottom: sorted.length > 40 ? 40 : 90 },
    legend: { top: 0, data: CATEGORIES.map((c) => tx('cat', c)) },
    tooltip: { trigger: 'item', formatter: (p: unknown) => tooltip(sorted[(p as { dataIndex: number }).dataIndex]) },
    xAxis: { type: 'category', data: sorted.map(groupLabel), axisLabel: { show: sorted.length <= 40, rotate: 60, interval: 0, fontSize: 11 }, axisTick: { show: false } },
    yAxis: { type: 'value', name: t('estimate'), scale: true },
    dataZoom: sorted.length > 60 ? [{ type: 'inside' }, { type: 'slider', height: 18, bottom: 8 }] : [],
    series: [
      {
        id: 'interval',
        name: t('interval'),
        type: 'custom',
        data: sorted.map((g, index) => ({ value: [index, g.ciLow, g.ciHigh], category: g.category, itemStyle: { color: CATEGORY_COLOURS[g.category] } })),
        encode: { x: 0, y: [1, 2] },
        renderItem: (params: unknown, api: unknown) => {
          const a = api as { value(i: number): number; coord(p: number[]): number[]; size(p: number[]): number[]; visual(name: string): string };
          const low = a.coord([a.value(0), a.value(1)]);
          const high = a.coord([a.value(0), a.value(2)]);
          const half = Math.max(1.5, Math.min(5, a.size([1, 0])[0] * 0.3));
          const style = { stroke: a.visual('color'), lineWidth: 1.5 };
          return {
            type: 'group',
            children: [
              { type: 'line', shape: { x1: low[0], y1: low[1], x2: high[0], y2: high[1] }, style },
              { type: 'line', shape: { x1: low[0] - half, y1: low[1], x2: low[0] + half, y2: low[1] }, style },
              { type: 'line', shape: { x1: high[0] - half, y1: high[1], x2: high[0] + half, y2: high[1] }, style },
            ],
          };
        },
        z: 1,
      },
      ...CATEGORIES.map((category) => ({
        id: `estimate-${category}`,
        name: tx('cat', category),
        type: 'scatter' as const,
        symbolSize: 7,
        itemStyle: { color: CATEGORY_COLOURS[category], borderColor: category === 'insufficient' ? '#64748b' : undefined },
        data: sorted.flatMap((g, index) => (g.category === category ? [{ value: [index, g.estimate], groupId: g.groupId }] : [])),
        z: 2,
        markLine: category === 'above' ? { silent: true, symbol: 'none', lineStyle: { color: '#94a3b8', type: 'dashed' as const }, data: [{ yAxis: 0 }], label: { show: false } } : undefined,
      })),
    ],
  } as ChartOption;
}

/**
 * Funnel view: estimate against group size, with ±1.96·k/√n limits around 0 as a guide, where
 * k = the median of se·√n over the groups (the stored standard errors put on one scale).
 */
export function funnelOption(groups: Group[]): ChartOption {
  const scaled = groups.map((g) => g.se * Math.sqrt(g.n)).sort((a, b) => a - b);
  const k = scaled.length > 0 ? scaled[Math.floor((scaled.length - 1) / 2)] : 0;
  const maxN = Math.max(2, ...groups.map((g) => g.n));
  const ns = Array.from({ length: 60 }, (_, i) => Math.max(1, Math.round(1 + ((maxN - 1) * i) / 59)));
  return {
    animation: false,
    grid: { left: 60, right: 20, top: 30, bottom: 40 },
    legend: { top: 0, data: [...CATEGORIES.map((c) => tx('cat', c)), t('limits95')] },
    tooltip: { trigger: 'item', formatter: (p: unknown) => { const d = (p as { data: { group?: Group } }).data; return d.group ? tooltip(d.group) : ''; } },
    xAxis: { type: 'value', name: t('groupSize'), min: 0 },
    yAxis: { type: 'value', name: t('estimate'), scale: true },
    series: [
      ...CATEGORIES.map((category) => ({
        name: tx('cat', category),
        type: 'scatter' as const,
        symbolSize: 7,
        itemStyle: { color: CATEGORY_COLOURS[category] },
        data: groups.filter((g) => g.category === category).map((g) => ({ value: [g.n, g.estimate], group: g })),
      })),
      { name: t('limits95'), type: 'line' as const, showSymbol: false, lineStyle: { type: 'dashed' as const, color: '#94a3b8' }, itemStyle: { color: '#94a3b8' }, data: ns.map((n) => [n, (1.96 * k) / Math.sqrt(n)]) },
      { name: t('limits95'), type: 'line' as const, showSymbol: false, lineStyle: { type: 'dashed' as const, color: '#94a3b8' }, itemStyle: { color: '#94a3b8' }, data: ns.map((n) => [n, (-1.96 * k) / Math.sqrt(n)]) },
    ],
  } as ChartOption;
}

export function categoryBadge(category: string): HTMLElement {
  return h('span', { class: `badge ${category}` }, tx('cat', category));
}

export function groupColumns(report: { groups: Group[] }, showClass: boolean) {
  const ranks = report.groups.some((g) => g.rank !== null);
  return [
    { label: t('schoolCode'), value: (g: Group) => g.schoolCode },
    { label: t('school'), value: (g: Group) => g.schoolName },
    ...(showClass ? [{ label: t('className'), value: (g: Group) => g.className }] : []),
    { label: t('district'), value: (g: Group) => g.regionName },
    { label: t('stage'), value: (g: Group) => tx('stage', g.stage) },
    { label: t('groupSize'), value: (g: Group) => g.n, numeric: true },
    { label: t('estimate'), value: (g: Group) => g.estimate, render: (g: Group) => num(g.estimate, 3), numeric: true },
    { label: t('se'), value: (g: Group) => g.se, render: (g: Group) => num(g.se, 3), numeric: true },
    { label: t('ciLow'), value: (g: Group) => g.ciLow, render: (g: Group) => num(g.ciLow, 3), numeric: true },
    { label: t('ciHigh'), value: (g: Group) => g.ciHigh, render: (g: Group) => num(g.ciHigh, 3), numeric: true },
    { label: t('category'), value: (g: Group) => tx('cat', g.category), render: (g: Group) => categoryBadge(g.category) },
    ...(ranks ? [{ label: t('rank'), value: (g: Group) => g.rank, numeric: true }] : []),
  ];
}

export const vaOverviewPage: Page = async (root, params) => {
  const picker = await studyPicker(params);
  if (!picker.run || !picker.study) {
    root.replaceChildren(h('h1', {}, t('navValueAdded')), picker.element, card(h('p', { class: 'note' }, t('noStudies'))));
    return;
  }
  const source = `/api/reports/value-added/runs/${picker.run.id}`;
  const report = await get<RunReport>(source, { model: params.get('model'), regionId: params.get('region'), stage: params.get('stage') });
  const filters = h(
    'div',
    { class: 'filters' },
    select(t('model'), 'model', report.run.models.map((m) => ({ value: m, label: tx('model', m) })), report.model, (value) => setParams({ model: value })),
    select(t('district'), 'region', [{ value: '', label: t('all') }, ...report.filters.districts.map((d) => ({ value: d.id, label: d.name }))], params.get('region') ?? '', (value) => setParams({ region: value })),
    select(t('stage'), 'stage', [{ value: '', label: t('all') }, ...report.filters.stages.map((s) => ({ value: s, label: tx('stage', s) }))], params.get('stage') ?? '', (value) => setParams({ stage: value })),
  );
  const counts = h(
    'div',
    { class: 'counts', 'data-counts': '' },
    CATEGORIES.map((c) => h('div', { class: 'count', 'data-category': c }, h('b', {}, report.categoryCounts[c] ?? 0), categoryBadge(c))),
  );
  const caterpillar = chartCard('va-caterpillar', t('caterpillar'), source);
  const funnel = chartCard('va-funnel', t('funnel'), source);
  const categories = chartCard('va-categories', t('categoryCounts'), source, 'short');
  const title = `${t('groupsTable')} · ${picker.study.name} · ${tx('model', report.model)}`;
  root.replaceChildren(
    h('h1', {}, t('navValueAdded')),
    picker.element,
    filters,
    card(h('div', { class: 'toolbar' }, h('h2', {}, t('categoryCounts')), h('span', { class: 'note' }, t('minGroupNote', { n: report.minGroupSize }))), counts),
    caterpillar.element,
    h('div', { class: 'grid' }, funnel.element, categories.element),
    h('div', { style: 'height:16px' }),
    card(dataTable({ id: 'va-groups', title, source, columns: groupColumns(report, picker.study.grouping === 'class'), rows: report.groups })),
  );
  caterpillar.draw(caterpillarOption(report.groups));
  funnel.draw(funnelOption(report.groups));
  categories.draw({
    animation: false,
    grid: { left: 50, right: 20, top: 20, bottom: 30 },
    xAxis: { type: 'category', data: CATEGORIES.map((c) => tx('cat', c)) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [{ type: 'bar', data: CATEGORIES.map((c) => ({ value: report.categoryCounts[c] ?? 0, itemStyle: { color: CATEGORY_COLOURS[c] } })), label: { show: true, position: 'top' } }],
  });
};
