/** A portfolio (综合素质档案): the sealed document, its hash and verification, five-dimension levels, sections. */
import { get, request } from '../api.js';
import { chartCard } from '../charts.js';
import { card, dataTable, errorBox, h } from '../dom.js';
import { t, tx } from '../i18n.js';
import type { Page } from '../main.js';
import { DIMENSIONS, ensurePurpose, purposeField } from './admissions.js';

type Json = Record<string, unknown>;

interface Portfolio {
  id: string;
  version: number;
  status: string;
  superseded: boolean;
  contentSha256: string | null;
  steps: Record<string, { at: string } | null>;
  document: { student?: Json; sections?: Record<string, Json> };
}

const LEVEL_POINTS: Record<string, number> = { A: 4, B: 3, C: 2, D: 1 };

/** A table of an array of plain objects, with the given columns (key → label). */
function objectTable(id: string, title: string, source: string, rows: Json[], columns: [string, string][]): HTMLElement {
  return dataTable({
    id,
    title,
    source,
    columns: columns.map(([key, label]) => ({ label, value: (row: Json) => { const v = row[key]; return v === undefined || v === null ? null : typeof v === 'object' ? JSON.stringify(v) : (v as string | number | boolean); } })),
    rows,
  });
}

export const portfolioPage: Page = async (root, params) => {
  ensurePurpose();
  const id = params.get('id');
  const purposeBox = h('div', { class: 'filters' }, purposeField(() => location.reload()));
  if (!id) {
    root.replaceChildren(h('h1', {}, t('portfolio')), card(h('p', { class: 'note' }, t('noData'))));
    return;
  }
  const source = `/api/portfolios/${id}`;
  const portfolio = await get<Portfolio>(source);
  const student = portfolio.document.student ?? {};
  const sections = portfolio.document.sections ?? {};
  const evaluation = sections.evaluation ?? {};
  const terms = ((evaluation.terms ?? []) as Json[]).filter((x) => x.levels);
  const verifyBox = h('div', {});
  const verify = async () => {
    try {
      const result = (await (await request(`/api/portfolios/${id}/verify`)).json()) as { valid: boolean; computedSha256: string };
      verifyBox.replaceChildren(h('div', { class: result.valid ? 'ok' : 'error', 'data-verified': String(result.valid) }, `${result.valid ? t('hashValid') : t('hashInvalid')} ${result.computedSha256}`));
    } catch (error) {
      verifyBox.replaceChildren(errorBox(error));
    }
  };
  const print = async () => {
    const html = await (await request(`/api/portfolios/${id}/print`)).blob();
    window.open(URL.createObjectURL(html), '_blank');
  };
  const levelsChart = chartCard('portfolio-levels', t('dimensionLevels'), source, 'short');
  const activity = sections.activityRecords ?? {};
  const fitness = sections.fitness ?? {};
  const art = sections.art ?? {};
  const labour = sections.labour ?? {};
  const growth = sections.growth ?? {};
  root.replaceChildren(
    h('h1', {}, `${t('portfolio')} · ${String(student.name ?? '')}`),
    purposeBox,
    card(
      h('p', {}, `${t('studentNumber')}: ${String(student.studentNumber ?? '')} · ${t('school')}: ${String((student.school as Json | undefined)?.name ?? '')} · v${portfolio.version} · ${tx('pstatus', portfolio.status)}${portfolio.superseded ? ` · ${t('superseded')}` : ''}`),
      h('p', { class: 'note', 'data-hash': portfolio.contentSha256 ?? '' }, `SHA-256: ${portfolio.contentSha256 ?? t('notSealed')}`),
      h('div', { class: 'actions' }, portfolio.contentSha256 ? h('button', { class: 'secondary small', 'data-action': 'verify', onclick: () => void verify() }, t('verifyHash')) : '', h('button', { class: 'secondary small', onclick: () => void print() }, t('print'))),
      verifyBox,
    ),
    evaluation.available === false ? card(h('h2', {}, t('dimensionLevels')), h('p', { class: 'note' }, String(evaluation.noteZh ?? t('noData')))) : levelsChart.element,
    card(objectTable('portfolio-activities', t('activityRecords'), source, (activity.items ?? []) as Json[], [['term', t('term')], ['dimension', t('dimension')], ['recordType', t('kind')], ['title', t('recordTitle')], ['level', t('level')], ['startDate', t('startDate')], ['hours', t('hours')], ['awardRank', t('award')]])),
    card(objectTable('portfolio-fitness', t('navFitness'), source, (fitness.years ?? []) as Json[], [['schoolYear', t('schoolYear')], ['gradeCode', t('grade')], ['status', t('status')], ['level', t('level')]])),
    card(objectTable('portfolio-art', t('art'), source, (art.assessments ?? []) as Json[], [['term', t('term')], ['level', t('level')], ['complete', t('complete')]])),
    card(objectTable('portfolio-labour', t('labour'), source, (labour.items ?? []) as Json[], [['term', t('term')], ['nameZh', t('indicator')], ['category', t('category')], ['item', t('recordTitle')], ['date', t('startDate')], ['value', t('value')]])),
    card(objectTable('portfolio-growth', t('growthOverTerms'), source, (growth.entries ?? []) as Json[], [['indicator', t('indicator')], ['growthBand', t('growthBand')]])),
  );
  if (evaluation.available !== false) {
    levelsChart.draw({
      animation: false,
      legend: { top: 0, type: 'scroll' },
      tooltip: {},
      radar: { indicator: DIMENSIONS.map((d) => ({ name: tx('dim', d), max: 4, min: 0 })), radius: '65%' },
      series: [{ type: 'radar', data: terms.map((term) => ({ name: String(term.term ?? ''), value: DIMENSIONS.map((d) => LEVEL_POINTS[((term.levels ?? {}) as Json)[d] as string] ?? 0) })) }],
    } as never);
  }
};
