/*
 * The ECharts the web UI loads (/vendor/echarts.min.js): only the charts, components and
 * renderers its pages use, bundled and minified by tools/web/build-web.js (ADR 0923). The full
 * build is 1.1 MB of JavaScript that every page view compiles before the app starts.
 * A page that needs another chart type or component adds it here; the browser tests fail when a
 * chart cannot be drawn.
 */
import * as echarts from 'echarts/core';
import { BarChart, CustomChart, LineChart, RadarChart, ScatterChart } from 'echarts/charts';
import { DataZoomComponent, GridComponent, LegendComponent, MarkLineComponent, RadarComponent, TitleComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer, SVGRenderer } from 'echarts/renderers';

echarts.use([BarChart, CustomChart, LineChart, RadarChart, ScatterChart, DataZoomComponent, GridComponent, LegendComponent, MarkLineComponent, RadarComponent, TitleComponent, TooltipComponent, CanvasRenderer, SVGRenderer]);

globalThis.echarts = echarts;
