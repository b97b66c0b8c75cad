/** Fitness dashboard: 合格率/优良率 per school or district against the 2022 and 2025 targets; myopia trend. */
import { get, type Me } from '../api.js';
import { chartCard } from '../charts.js';
import { card, dataTable, h, select, setParams } from '../dom.js';
import { num, percent, t, tx } from '../i18n.js';
import type { Page } from '../main.js';

interface Check {
  targetPercent: number;
  actualPercent: number | null;
  met: boolean | null;
  differencePoints: number | null;
}

interface Summary {
  enrolled: number;
  tested: number;
  participation: number | null;
  meanTotal: number | null;
  excellentRate: number | null;
  goodOrBetterRate: number | null;
  passRate: number | null;
}

interface AggregateGroup {
  unit: { level: string; id: string | null; code: string | null; name: string };
  summary: Summary;
  targets: Record<'2022' | '2025', { passRate: Check; goodOrBetterRate: Check }>;
  change: { passRatePoints: number | null; goodOrBetterRatePoints: number | null } | null;
}

interface MyopiaSummary {
  screened: number;
  positive: number;
  rate: number | null;
}

interface MyopiaGroup {
  unit: { id: string | null; name: string };
  summary: MyopiaSummary;
  /** The same unit in the year before (null when it had no students then). */
  previous: MyopiaSummary | null;
  change: { changePoints: number | null; met: boolean | null } | null;
}

const metBadge = (check: Check) => (check.met === null ? '—' : h('span', { class: `badge ${check.met ? 'met' : 'unmet'}` }, t(check.met ? 'met' : 'unmet')));

/** The levels a user may look at (the service refuses the others with 403). */
function levelsFor(user: Me): string[] {
  const roles = user.roles.map((r) => r.role);
  if (roles.includes('city_admin') || roles.includes('district_officer')) return ['school', 'district', 'city'];
  if (roles.includes('school_admin') || roles.includes('registrar')) return ['school', 'class'];
  return ['class'];
}

export const fitnessPage: Page = async (root, params, user) => {
  const terms = await get<{ items: { schoolYear: string }[] }>('/api/terms', { pageSize: 200 });
  const years = [...new Set(terms.items.map((x) => x.schoolYear))].sort().reverse();
  const year = params.get('year') ?? years[0];
  const levels = levelsFor(user);
  const level = params.get('level') && levels.includes(params.get('level')!) ? params.get('level')! : levels[0];
  const filters = h(
    'div',
    { class: 'filters' },
    select(t('schoolYear'), 'year', years.map((y) => ({ value: y, label: y })), year, (value) => setParams({ year: value })),
    select(t('level'), 'level', levels.map((l) => ({ value: l, label: tx('level', l) })), level, (value) => setParams({ level: value })),
  );
  if (!year) {
    root.replaceChildren(h('h1', {}, t('navFitness')), card(h('p', { class: 'note' }, t('noData'))));
    return;
  }
  const source = `/api/fitness/aggregates?level=${level}&schoolYear=${year}`;
  const [startYear] = year.split('-').map(Number);
  const trendYears = [3, 2, 1, 0].map((back) => `${startYear - back}-${startYear - back + 1}`);
  const trendLevel = level === 'school' && levels.includes('district') ? 'district' : level;
  // The requests at once (none depends on another). Each myopia answer carries its year and the
  // year before (`previous`), so two calls give the four years of the trend.
  const [aggregates, latest, earlier] = await Promise.all([
    get<{ groups: AggregateGroup[] }>('/api/fitness/aggregates', { level, schoolYear: year }),
    get<{ groups: MyopiaGroup[] }>('/api/fitness/myopia', { level: trendLevel, schoolYear: trendYears[3] }),
    get<{ groups: MyopiaGroup[] }>('/api/fitness/myopia', { level: trendLevel, schoolYear: trendYears[1] }),
  ]);
  const previousOf = (response: { groups: MyopiaGroup[] }) => ({ groups: response.groups.filter((g) => g.previous !== null).map((g) => ({ ...g, summary: g.previous!, change: null })) });
  const myopia = [previousOf(earlier), earlier, previousOf(latest), latest];
  const groups = aggregates.groups.filter((g) => g.summary.tested > 0 || g.summary.enrolled > 0);
  const rates = chartCard('fitness-rates', t('fitnessTitle'), source);
  const trend = chartCard('fitness-myopia', t('myopiaTrend'), `/api/fitness/myopia?level=${trendLevel}`, 'short');
  const table = dataTable({
    id: 'fitness-groups',
    title: `${t('navFitness')} · ${year} · ${tx('level', level)}`,
    source,
    columns: [
      { label: t('level'), value: (g: AggregateGroup) => g.unit.code },
      { label: t('school'), value: (g) => g.unit.name },
      { label: t('enrolled'), value: (g) => g.summary.enrolled, numeric: true },
      { label: t('tested'), value: (g) => g.summary.tested, numeric: true },
      { label: t('meanTotal'), value: (g) => g.summary.meanTotal, render: (g) => num(g.summary.meanTotal, 1), numeric: true },
      { label: t('passRate'), value: (g) => g.summary.passRate, render: (g) => percent(g.summary.passRate), numeric: true },
      { label: t('goodRate'), value: (g) => g.summary.goodOrBetterRate, render: (g) => percent(g.summary.goodOrBetterRate), numeric: true },
      { label: t('excellentRate'), value: (g) => g.summary.excellentRate, render: (g) => percent(g.summary.excellentRate), numeric: true },
      { label: `${t('target2022')} ${t('passRate')}`, value: (g) => g.targets['2022'].passRate.met, render: (g) => metBadge(g.targets['2022'].passRate) },
      { label: `${t('target2022')} ${t('goodRate')}`, value: (g) => g.targets['2022'].goodOrBetterRate.met, render: (g) => metBadge(g.targets['2022'].goodOrBetterRate) },
      { label: `${t('target2025')} ${t('passRate')}`, value: (g) => g.targets['2025'].passRate.met, render: (g) => metBadge(g.targets['2025'].passRate) },
      { label: `${t('target2025')} ${t('goodRate')}`, value: (g) => g.targets['2025'].goodOrBetterRate.met, render: (g) => metBadge(g.targets['2025'].goodOrBetterRate) },
      { label: `${t('passRate')} ${t('change')}`, value: (g) => g.change?.passRatePoints ?? null, render: (g) => num(g.change?.passRatePoints, 1), numeric: true },
    ],
    rows: groups,
  });
  root.replaceChildren(h('h1', {}, t('navFitness')), filters, rates.element, trend.element, card(table));
  const target = (value: number, label: string, color: string) => ({ yAxis: value, name: label, lineStyle: { color, type: 'dashed' as const }, label: { formatter: `${label} ${value}%`, position: 'insideEndTop' as const } });
  rates.draw({
    animation: false,
    grid: { left: 50, right: 30, top: 40, bottom: groups.length > 30 ? 40 : 80 },
    legend: { top: 0 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: groups.map((g) => g.unit.name), axisLabel: { show: groups.length <= 30, rotate: 45, interval: 0, fontSize: 11 } },
    yAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
    dataZoom: groups.length > 40 ? [{ type: 'inside' }, { type: 'slider', height: 18, bottom: 8 }] : [],
    series: [
      { name: t('passRate'), type: 'bar', data: groups.map((g) => g.targets['2022'].passRate.actualPercent), itemStyle: { color: '#1d4ed8' }, markLine: { symbol: 'none', silent: true, data: [target(90, t('target2022'), '#f59e0b'), target(95, t('target2025'), '#b91c1c')] } },
      { name: t('goodRate'), type: 'bar', data: groups.map((g) => g.targets['2022'].goodOrBetterRate.actualPercent), itemStyle: { color: '#0f766e' }, markLine: { symbol: 'none', silent: true, data: [target(30, t('target2022'), '#f59e0b'), target(50, t('target2025'), '#b91c1c')] } },
    ],
  } as never);
  const units = new Map<string, string>();
  for (const response of myopia) for (const g of response.groups) units.set(g.unit.id ?? 'city', g.unit.name);
  trend.draw({
    animation: false,
    grid: { left: 50, right: 20, top: 40, bottom: 30 },
    legend: { top: 0, type: 'scroll' },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: trendYears },
    yAxis: { type: 'value', axisLabel: { formatter: '{value}%' } },
    series: [...units].map(([id, name]) => ({
      name,
      type: 'line' as const,
      connectNulls: true,
      data: myopia.map((response) => {
        const g = response.groups.find((x) => (x.unit.id ?? 'city') === id);
        return g && g.summary.rate !== null ? Math.round(g.summary.rate * 1000) / 10 : null;
      }),
    })),
  } as never);
};
