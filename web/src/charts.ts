/** ECharts (the bundle of web/vendor/echarts.js, loaded by index.html before the app) with PNG and SVG downloads of every chart. */
import type * as EC from 'echarts';
import { download } from './api.js';
import { errorBox, h } from './dom.js';
import { t } from './i18n.js';

declare const echarts: typeof EC;

export type ChartOption = EC.EChartsOption;

const live = new Set<EC.ECharts>();

window.addEventListener('resize', () => {
  for (const chart of live) chart.resize();
});

/** Disposes every chart of the page being left. */
export function disposeCharts(): void {
  for (const chart of live) chart.dispose();
  live.clear();
}

export const CATEGORY_COLOURS: Record<string, string> = { above: '#15803d', below: '#b91c1c', not_significant: '#64748b', insufficient: '#cbd5e1' };

/**
 * A card holding a chart (`[data-chart=id]`) with PNG and SVG downloads. Append the returned
 * element first, then call `draw(option)` (ECharts needs the element's size).
 */
export function chartCard(id: string, title: string, source: string, size: 'tall' | 'short' = 'tall'): { element: HTMLElement; draw(option: ChartOption): EC.ECharts } {
  const box = h('div', { class: size === 'short' ? 'chart short' : 'chart', 'data-chart': id });
  let option: ChartOption | null = null;
  let chart: EC.ECharts | null = null;
  const save = (format: 'png' | 'svg') => () => {
    if (!chart || !option) return;
    let dataUrl: string;
    if (format === 'png') {
      dataUrl = chart.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#fff' });
    } else {
      // The page draws on canvas; an SVG copy is drawn off-screen with the same option.
      const holder = h('div', { style: `position:absolute;left:-10000px;top:0;width:${box.clientWidth}px;height:${box.clientHeight}px` });
      document.body.append(holder);
      const copy = echarts.init(holder, undefined, { renderer: 'svg', width: box.clientWidth, height: box.clientHeight });
      copy.setOption({ ...option, animation: false });
      dataUrl = copy.getDataURL({ type: 'svg', backgroundColor: '#fff' } as Parameters<EC.ECharts['getDataURL']>[0]);
      copy.dispose();
      holder.remove();
    }
    void download('/api/reports/exports/chart', { format, title, source, dataUrl }, `${title}.${format}`).catch((error: unknown) => alert(errorBox(error).textContent));
  };
  const element = h(
    'section',
    { class: 'card' },
    h('div', { class: 'toolbar' }, h('h2', {}, title), h('div', { class: 'actions' }, h('button', { class: 'secondary small', 'data-export': 'png', onclick: save('png') }, t('exportPng')), h('button', { class: 'secondary small', 'data-export': 'svg', onclick: save('svg') }, t('exportSvg')))),
    box,
  );
  return {
    element,
    draw(next: ChartOption) {
      option = next;
      chart ??= echarts.init(box, undefined, { renderer: 'canvas' });
      live.add(chart);
      chart.setOption(next, true);
      return chart;
    },
  };
}
