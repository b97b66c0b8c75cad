/** Method comparison: each school's estimate, interval and category under every model of one run. */
import { get } from '../api.js';
import { CATEGORY_COLOURS, chartCard, type ChartOption } from '../charts.js';
import { card, dataTable, h } from '../dom.js';
import { num, t, tx } from '../i18n.js';
import type { Page } from '../main.js';
import { categoryBadge } from './va-overview.js';
import { groupLabel, studyPicker } from './va-common.js';

interface ModelCell {
  estimate: number;
  ciLow: number;
  ciHigh: number;
  category: string;
  rank: number | null;
}

interface MethodsReport {
  run: { id: string; models: string[] };
  minGroupSize: number;
  correlations: { models: [string, string]; spearman: number | null }[];
  groupsCompared: number | null;
  groups: { groupId: string; schoolName: string; className: string | null; regionName: string; n: number; models: Record<string, ModelCell>; categoryChanged: boolean }[];
}

const MODEL_COLOURS = ['#1d4ed8', '#c2410c', '#0f766e', '#7c3aed'];

function methodsOption(report: MethodsReport): ChartOption {
  const models = report.run.models;
  const width = 0.7 / models.length;
  const offset = (m: number) => -0.35 + width * (m + 0.5);
  const groups = report.groups;
  return {
    animation: false,
    grid: { left: 60, right: 20, top: 30, bottom: groups.length > 40 ? 40 : 90 },
    legend: { top: 0, data: models.map((m) => tx('model', m)) },
    tooltip: { trigger: 'item' },
    xAxis: { type: 'value', min: -0.5, max: groups.length - 0.5, interval: 1, axisLabel: { show: groups.length <= 40, rotate: 60, fontSize: 11, formatter: (v: number) => (groups[v] ? groupLabel(groups[v]) : '') }, splitLine: { show: false } },
    yAxis: { type: 'value', name: t('estimate'), scale: true },
    dataZoom: groups.length > 60 ? [{ type: 'inside' }, { type: 'slider', height: 18, bottom: 8 }] : [],
    series: models.flatMap((model, m) => [
      {
        name: tx('model', model),
        type: 'custom' as const,
        itemStyle: { color: MODEL_COLOURS[m % MODEL_COLOURS.length] },
        data: groups.map((g, i) => [i + offset(m), g.models[model].ciLow, g.models[model].ciHigh]),
        encode: { x: 0, y: [1, 2] },
        renderItem: (_p: unknown, api: unknown) => {
          const a = api as { value(i: number): number; coord(p: number[]): number[]; visual(name: string): string };
          const low = a.coord([a.value(0), a.value(1)]);
          const high = a.coord([a.value(0), a.value(2)]);
          return { type: 'line', shape: { x1: low[0], y1: low[1], x2: high[0], y2: high[1] }, style: { stroke: a.visual('color'), lineWidth: 1.5 } };
        },
      },
      {
        name: tx('model', model),
        type: 'scatter' as const,
        symbolSize: 6,
        itemStyle: { color: MODEL_COLOURS[m % MODEL_COLOURS.length] },
        data: groups.map((g, i) => ({ value: [i + offset(m), g.models[model].estimate], itemStyle: { borderColor: CATEGORY_COLOURS[g.models[model].category], borderWidth: 2 } })),
        tooltip: { formatter: (p: unknown) => { const i = Math.round((p as { value: number[] }).value[0]); const c = groups[i].models[model]; return `${groupLabel(groups[i])} · ${tx('model', model)}<br/>${num(c.estimate, 3)} [${num(c.ciLow, 3)}, ${num(c.ciHigh, 3)}] ${tx('cat', c.category)}`; } },
      },
    ]),
  } as ChartOption;
}

export const methodsPage: Page = async (root, params) => {
  const picker = await studyPicker(params, { runFilter: (run) => run.models.length > 1 });
  if (!picker.run || !picker.study) {
    root.replaceChildren(h('h1', {}, t('navMethods')), picker.element, card(h('p', { class: 'note' }, t('methodsNeedTwo'))));
    return;
  }
  const source = `/api/reports/value-added/runs/${picker.run.id}/methods`;
  const report = await get<MethodsReport>(source);
  const onlyChanged = params.get('changed') === '1';
  const rows = onlyChanged ? report.groups.filter((g) => g.categoryChanged) : report.groups;
  const models = report.run.models;
  const correlations = dataTable({
    id: 'va-correlations',
    title: `${t('spearman')} · ${picker.study.name}`,
    source,
    columns: [
      { label: t('model'), value: (c: MethodsReport['correlations'][number]) => `${tx('model', c.models[0])} — ${tx('model', c.models[1])}` },
      { label: t('spearman'), value: (c) => c.spearman, render: (c) => num(c.spearman, 3), numeric: true },
    ],
    rows: report.correlations,
  });
  const chart = chartCard('va-methods', t('methodsTitle'), source);
  const toggle = h('label', { class: 'note' }, h('input', { type: 'checkbox', 'data-filter': 'changed', checked: onlyChanged, onchange: (e: Event) => { const p = new URLSearchParams(location.hash.split('?')[1] ?? ''); if ((e.target as HTMLInputElement).checked) p.set('changed', '1'); else p.delete('changed'); location.hash = `#/va/methods?${p}`; } }), ` ${t('changedOnly')}`);
  const table = dataTable({
    id: 'va-methods-groups',
    title: `${t('navMethods')} · ${picker.study.name}`,
    source,
    extra: toggle,
    columns: [
      { label: t('school'), value: (g: MethodsReport['groups'][number]) => groupLabel(g) },
      { label: t('district'), value: (g) => g.regionName },
      { label: t('groupSize'), value: (g) => g.n, numeric: true },
      ...models.flatMap((m) => [
        { label: `${tx('model', m)} ${t('estimate')}`, value: (g: MethodsReport['groups'][number]) => g.models[m].estimate, render: (g: MethodsReport['groups'][number]) => num(g.models[m].estimate, 3), numeric: true },
        { label: `${tx('model', m)} ${t('interval')}`, value: (g: MethodsReport['groups'][number]) => `[${g.models[m].ciLow.toFixed(3)}, ${g.models[m].ciHigh.toFixed(3)}]` },
        { label: `${tx('model', m)} ${t('category')}`, value: (g: MethodsReport['groups'][number]) => tx('cat', g.models[m].category), render: (g: MethodsReport['groups'][number]) => categoryBadge(g.models[m].category) },
      ]),
      { label: t('categoryChanged'), value: (g) => g.categoryChanged, render: (g) => (g.categoryChanged ? '⚠' : '') },
    ],
    rows,
  });
  root.replaceChildren(h('h1', {}, t('navMethods')), picker.element, card(h('p', { class: 'note' }, t('minGroupNote', { n: report.minGroupSize })), correlations), chart.element, card(table));
  chart.draw(methodsOption(report));
};
