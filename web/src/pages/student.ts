/** A student's growth profile: values, percentile ranks and SGPs per indicator over terms. */
import { get, type Me } from '../api.js';
import { chartCard } from '../charts.js';
import { card, dataTable, h, select, setParams } from '../dom.js';
import { num, t, tx } from '../i18n.js';
import type { Page } from '../main.js';
import { subjectLabel } from './va-common.js';
import { DIMENSIONS, ensurePurpose, purposeField } from './admissions.js';

interface Occasion {
  termId?: string;
  occasionKey?: string;
  schoolYear?: string;
}

interface ProfileEntry {
  runId: string;
  indicator: string;
  current: Occasion;
  value: number;
  zScore: number;
  percentileRank: number;
  sgp: number | null;
  sgpOrder: number | null;
  finishedAt: string | null;
}

interface PortfolioSummary {
  id: string;
  version: number;
  status: string;
  superseded: boolean;
  compiledAt: string;
  sealedAt: string | null;
  contentSha256: string | null;
}

const LEVEL_POINTS: Record<string, number> = { A: 4, B: 3, C: 2, D: 1 };

interface Student {
  id: string;
  name: string;
  studentNumber: string;
  schoolId: string;
}

/** The student a user looks at: students and guardians their own; staff choose among those their scope lets them list. */
async function studentChoice(params: URLSearchParams, user: Me): Promise<{ studentId: string | null; element: HTMLElement | null }> {
  const own = user.roles.find((r) => (r.role === 'student' || r.role === 'guardian') && r.studentId)?.studentId ?? null;
  if (own && !user.roles.some((r) => !['student', 'guardian'].includes(r.role))) return { studentId: own, element: null };
  const name = params.get('name') ?? '';
  const students = await get<{ items: Student[] }>('/api/students', { name, pageSize: 50 });
  const studentId = params.get('id') ?? students.items[0]?.id ?? own;
  const search = h('input', { type: 'search', name: 'name', value: name, placeholder: t('studentName'), onchange: (e: Event) => setParams({ name: (e.target as HTMLInputElement).value }, ['id']) });
  return {
    studentId,
    element: h('div', { class: 'filters' }, h('label', {}, t('studentName'), search), select(t('student'), 'id', students.items.map((s) => ({ value: s.id, label: `${s.name} (${s.studentNumber})` })), studentId ?? '', (value) => setParams({ id: value }))),
  };
}

export const studentPage: Page = async (root, params, user) => {
  const audited = user.roles.some((r) => ['city_admin', 'district_officer', 'admissions_officer'].includes(r.role));
  if (audited) ensurePurpose();
  const choice = await studentChoice(params, user);
  if (!choice.studentId) {
    root.replaceChildren(h('h1', {}, t('navStudent')), choice.element ?? '', card(h('p', { class: 'note' }, t('noData'))));
    return;
  }
  const source = `/api/growth/students/${choice.studentId}`;
  const purposeBox = audited ? h('div', { class: 'filters' }, purposeField(() => setParams({ t: String(Date.now()) }))) : '';
  const [profile, terms, portfolios] = await Promise.all([
    get<{ entries: ProfileEntry[] }>(source),
    get<{ items: { id: string; code: string }[] }>('/api/terms', { pageSize: 200 }),
    get<{ items: PortfolioSummary[] }>('/api/portfolios', { studentId: choice.studentId, pageSize: 50 }).catch(() => ({ items: [] as PortfolioSummary[] })),
  ]);
  // Five-dimension levels over terms: the evaluation module's results (GET /api/evaluation/students/:id/results),
  // else those the latest portfolio version carries.
  const latest = portfolios.items.find((p) => !p.superseded) ?? portfolios.items[0];
  const evaluated = await get<{ terms: { termCode: string; dimensions: { dimension: string; level: string }[] }[] }>(`/api/evaluation/students/${choice.studentId}/results`).catch(() => null);
  let evaluationTerms: { term: string; levels?: Record<string, string> }[] = (evaluated?.terms ?? []).map((x) => ({ term: x.termCode, levels: Object.fromEntries(x.dimensions.map((d) => [d.dimension, d.level])) }));
  let levelsSource = `/api/evaluation/students/${choice.studentId}/results`;
  if (evaluationTerms.length === 0 && latest) {
    const document = await get<{ document: { sections?: { evaluation?: { available?: boolean; terms?: { term: string; levels?: Record<string, string> }[] } } } }>(`/api/portfolios/${latest.id}`).catch(() => null);
    evaluationTerms = (document?.document.sections?.evaluation?.terms ?? []).filter((x) => x.levels);
    levelsSource = `/api/portfolios/${latest.id}`;
  }
  const termCode = new Map(terms.items.map((x) => [x.id, x.code]));
  const occasion = (o: Occasion) => o.schoolYear ?? `${termCode.get(o.termId ?? '') ?? ''}${o.occasionKey ? ` ${o.occasionKey.replace('|', ' ')}` : ''}`;
  const entries = [...profile.entries].sort((a, b) => occasion(a.current).localeCompare(occasion(b.current)));
  const indicators = [...new Set(entries.map((e) => e.indicator))].sort();
  const indicator = params.get('indicator') && indicators.includes(params.get('indicator')!) ? params.get('indicator')! : indicators[0];
  const shown = entries.filter((e) => e.indicator === indicator);
  const chart = chartCard('student-growth', `${t('growthOverTerms')} · ${indicator ? subjectLabel(indicator) : ''}`, source, 'short');
  const table = dataTable({
    id: 'student-growth',
    title: t('growthOverTerms'),
    source,
    columns: [
      { label: t('indicator'), value: (e: ProfileEntry) => e.indicator },
      { label: t('occasion'), value: (e) => occasion(e.current) },
      { label: t('value'), value: (e) => e.value, numeric: true },
      { label: t('zScore'), value: (e) => e.zScore, render: (e) => num(e.zScore, 2), numeric: true },
      { label: t('percentileRank'), value: (e) => e.percentileRank, render: (e) => num(e.percentileRank, 1), numeric: true },
      { label: 'SGP', value: (e) => e.sgp, numeric: true },
    ],
    rows: entries,
  });
  const levels = chartCard('student-levels', t('dimensionLevels'), levelsSource, 'short');
  const portfolioTable = dataTable({
    id: 'student-portfolios',
    title: t('portfolios'),
    source: `/api/portfolios?studentId=${choice.studentId}`,
    columns: [
      { label: 'v', value: (p: PortfolioSummary) => p.version, numeric: true },
      { label: t('status'), value: (p) => tx('pstatus', p.status) },
      { label: t('occurredAt'), value: (p) => p.sealedAt ?? p.compiledAt },
      { label: 'SHA-256', value: (p) => p.contentSha256, render: (p) => h('a', { href: `#/portfolio?id=${p.id}`, 'data-portfolio': p.id }, p.contentSha256 ? `${p.contentSha256.slice(0, 16)}…` : t('portfolio')) },
    ],
    rows: portfolios.items,
  });
  root.replaceChildren(
    h('h1', {}, t('navStudent')),
    choice.element ?? '',
    purposeBox,
    indicators.length > 0 ? h('div', { class: 'filters' }, select(t('indicator'), 'indicator', indicators.map((i) => ({ value: i, label: subjectLabel(i) })), indicator, (value) => setParams({ indicator: value }))) : '',
    chart.element,
    card(table),
    evaluationTerms.length > 0 ? levels.element : card(h('h2', {}, t('dimensionLevels')), h('p', { class: 'note' }, t('noEvaluation'))),
    card(portfolioTable),
  );
  if (evaluationTerms.length > 0) {
    levels.draw({
      animation: false,
      grid: { left: 40, right: 20, top: 40, bottom: 30 },
      legend: { top: 0 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: evaluationTerms.map((x) => x.term) },
      yAxis: { type: 'value', min: 0, max: 4, interval: 1, axisLabel: { formatter: (v: number) => ['', 'D', 'C', 'B', 'A'][v] ?? '' } },
      series: DIMENSIONS.map((d) => ({ name: tx('dim', d), type: 'bar' as const, data: evaluationTerms.map((x) => LEVEL_POINTS[x.levels?.[d] ?? ''] ?? 0) })),
    } as never);
  }
  chart.draw({
    animation: false,
    grid: { left: 50, right: 20, top: 40, bottom: 40 },
    legend: { top: 0 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: shown.map((e) => occasion(e.current)) },
    yAxis: { type: 'value', min: 0, max: 100 },
    series: [
      { name: t('percentileRank'), type: 'line', data: shown.map((e) => Math.round(e.percentileRank * 10) / 10), itemStyle: { color: '#1d4ed8' } },
      { name: 'SGP', type: 'line', data: shown.map((e) => e.sgp), itemStyle: { color: '#c2410c' }, markLine: { silent: true, symbol: 'none', data: [{ yAxis: 50 }], lineStyle: { type: 'dashed', color: '#94a3b8' } } },
    ],
  } as never);
};
