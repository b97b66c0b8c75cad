import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../helpers/browser';

declare const window: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- inside page.evaluate (no DOM lib here)
declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- inside page.evaluate

const ROOT = path.resolve(__dirname, '..', '..');
/** Built by tools/web/build-web.js under a name with its digest (ADR 0924); the manifest names it. */
const BUNDLE = path.join(ROOT, 'dist', 'web', JSON.parse(fs.readFileSync(path.join(ROOT, 'dist', 'web', 'assets', 'manifest.json'), 'utf8'))['echarts.js']);
const PAGES = path.join(ROOT, 'web', 'src', 'pages');

/** Every series type ECharts has: a page that names one of these uses that chart. */
const ECHARTS_SERIES = ['bar', 'boxplot', 'candlestick', 'custom', 'effectScatter', 'funnel', 'gauge', 'graph', 'heatmap', 'line', 'lines', 'map', 'parallel', 'pictorialBar', 'pie', 'radar', 'sankey', 'scatter', 'sunburst', 'themeRiver', 'tree', 'treemap'];
/** Components an option names by key; each key the pages use must be in the bundle. */
const ECHARTS_COMPONENTS = ['dataZoom', 'visualMap', 'toolbox', 'brush', 'timeline', 'polar', 'geo', 'singleAxis', 'calendar', 'graphic', 'markArea', 'markPoint', 'markLine', 'legend', 'tooltip', 'radar', 'dataset', 'aria'];

/**
 * ADR 0923: the web UI loads an ECharts bundle holding only the charts and components its pages
 * use (web/vendor/echarts.js, built into dist/web/assets/echarts-<digest>.js). This reads the pages'
 * sources for every series type and component they name, and checks in Chromium that the bundle
 * draws each of them — so a page that starts using a new chart type fails here until the bundle
 * has it, rather than showing an empty chart.
 */
describe('the bundled ECharts has every chart and component the pages use', () => {
  let browser: Browser;
  let page: Page;
  const sources = fs.readdirSync(PAGES).filter((name) => name.endsWith('.ts')).map((name) => fs.readFileSync(path.join(PAGES, name), 'utf8')).join('\n');
  const seriesUsed = ECHARTS_SERIES.filter((type) => new RegExp(`type: '${type}'`).test(sources));
  const componentsUsed = ECHARTS_COMPONENTS.filter((key) => new RegExp(`\\b${key}: `).test(sources));

  beforeAll(async () => {
    browser = await launchBrowser();
    page = await browser.newPage();
    await page.setContent('<div id="chart" style="width:600px;height:400px"></div><div id="svg" style="width:300px;height:200px"></div>');
    await page.addScriptTag({ path: BUNDLE });
  });
  afterAll(() => browser?.close());

  it('the pages use exactly the series and components checked below (a new one fails here until it is bundled and checked)', () => {
    expect(seriesUsed.sort()).toEqual(['bar', 'custom', 'line', 'radar', 'scatter']);
    expect(componentsUsed.sort()).toEqual(['dataZoom', 'legend', 'markLine', 'radar', 'tooltip']);
  });

  it('is much smaller than the full build', () => {
    const full = fs.statSync(path.join(ROOT, 'node_modules', 'echarts', 'dist', 'echarts.min.js')).size;
    expect(fs.statSync(BUNDLE).size).toBeLessThan(full * 0.7);
  });

  it.each(['bar', 'line', 'scatter', 'custom', 'radar'])('draws a %s series', async (type) => {
    expect(seriesUsed).toContain(type);
    const drawn = await page.evaluate((seriesType) => {
      const chart = window.echarts.init(document.getElementById('chart'), undefined, { renderer: 'canvas' });
      const series =
        seriesType === 'radar'
          ? { type: 'radar', data: [{ value: [1, 2, 3] }] }
          : seriesType === 'custom'
            ? { type: 'custom', data: [[0, 1, 2]], renderItem: (_p: unknown, api: { coord(p: number[]): number[]; value(i: number): number }) => ({ type: 'line', shape: { x1: api.coord([api.value(0), api.value(1)])[0], y1: api.coord([api.value(0), api.value(1)])[1], x2: api.coord([api.value(0), api.value(2)])[0], y2: api.coord([api.value(0), api.value(2)])[1] }, style: { stroke: '#000' } }) }
            : { type: seriesType, data: [[0, 1], [1, 2], [2, 3]] };
      chart.setOption(
        seriesType === 'radar' ? { radar: { indicator: [{ name: 'a', max: 5 }, { name: 'b', max: 5 }, { name: 'c', max: 5 }] }, series: [series] } : { xAxis: { type: 'value' }, yAxis: { type: 'value' }, series: [series] },
        true,
      );
      const result = { types: chart.getModel().getSeries().map((s: { subType: string }) => s.subType), elements: chart.getZr().storage.getDisplayList().length };
      chart.dispose();
      return result;
    }, type);
    expect(drawn.types).toEqual([type]);
    expect(drawn.elements).toBeGreaterThan(0);
  });

  it('has the components: inside and slider data zoom, scrolling legend, tooltip, title, mark lines', async () => {
    const model = await page.evaluate(() => {
      const chart = window.echarts.init(document.getElementById('chart'), undefined, { renderer: 'canvas' });
      const base = { xAxis: { type: 'category', data: ['a', 'b'] }, yAxis: { type: 'value' } };
      chart.setOption({ ...base, series: [{ type: 'bar', data: [1, 2] }] }, true);
      const without = chart.getZr().storage.getDisplayList().length;
      chart.setOption(
        {
          ...base,
          title: { text: 't' },
          legend: { type: 'scroll' },
          tooltip: { trigger: 'axis' },
          dataZoom: [{ type: 'inside' }, { type: 'slider' }],
          series: [{ name: 's', type: 'bar', data: [1, 2], markLine: { symbol: 'none', data: [{ yAxis: 1.5 }] } }],
        },
        true,
      );
      const m = chart.getModel();
      const result = {
        dataZoom: [m.getComponent('dataZoom', 0)?.subType, m.getComponent('dataZoom', 1)?.subType],
        legend: m.getComponent('legend')?.subType,
        tooltip: Boolean(m.getComponent('tooltip')),
        title: Boolean(m.getComponent('title')),
        markLine: Boolean(m.getComponent('markLine')),
        more: chart.getZr().storage.getDisplayList().length > without,
      };
      chart.dispose();
      return result;
    });
    expect(model).toEqual({ dataZoom: ['inside', 'slider'], legend: 'scroll', tooltip: true, title: true, markLine: true, more: true });
  });

  it('exports SVG (the SVG renderer is in)', async () => {
    const url = await page.evaluate(() => {
      const chart = window.echarts.init(document.getElementById('svg'), undefined, { renderer: 'svg' });
      chart.setOption({ xAxis: { type: 'value' }, yAxis: { type: 'value' }, series: [{ type: 'line', data: [[0, 1], [1, 2]] }] });
      const dataUrl = chart.getDataURL({ type: 'svg' }) as string;
      chart.dispose();
      return dataUrl;
    });
    expect(url).toMatch(/^data:image\/svg\+xml/);
  });
});
