/** What the value-added pages share: the study/run picker and the report types. */
import { get } from '../api.js';
import { h, select, setParams } from '../dom.js';
import { t, tx } from '../i18n.js';

export interface StudyRun {
  id: string;
  models: string[];
  finishedAt: string | null;
}

export interface Study {
  id: string;
  name: string;
  subject: string;
  grouping: string;
  model: string;
  minGroupSize: number;
  termCode: string | null;
  schoolYear: string | null;
  runs: StudyRun[];
}

export interface StudiesReport {
  items: Study[];
  subjects: string[];
  schoolYears: string[];
}

export interface Group {
  model: string;
  groupId: string;
  schoolId: string;
  schoolCode: string;
  schoolName: string;
  stage: string;
  regionId: string;
  regionName: string;
  className: string | null;
  gradeCode: string | null;
  n: number;
  estimate: number;
  se: number;
  ciLow: number;
  ciHigh: number;
  category: string;
  reliability: number | null;
  rank: number | null;
}

/** `academic.exam.math` → `math`; `total` stays. */
export function subjectLabel(code: string): string {
  return code.replace(/^academic\.exam\./, '');
}

export function groupLabel(g: { schoolName: string; className: string | null }): string {
  return g.className ? `${g.schoolName} ${g.className}` : g.schoolName;
}

export function runLabel(study: Study, run: StudyRun): string {
  return `${study.name} · ${run.models.map((m) => tx('model', m)).join(' / ')} · ${(run.finishedAt ?? '').slice(0, 10)}`;
}

/**
 * Subject, school year, study and run selects (in the URL: subject, year, study, run). Returns the
 * chosen study and run (the newest finished run of the first study when none is chosen).
 */
export async function studyPicker(params: URLSearchParams, options: { runFilter?: (run: StudyRun) => boolean } = {}): Promise<{ element: HTMLElement; study: Study | null; run: StudyRun | null; studies: StudiesReport }> {
  const subject = params.get('subject') ?? '';
  const year = params.get('year') ?? '';
  const studies = await get<StudiesReport>('/api/reports/value-added/studies', { subject, schoolYear: year });
  const filter = options.runFilter ?? (() => true);
  const withRuns = studies.items.filter((s) => s.runs.some(filter));
  const study = withRuns.find((s) => s.id === params.get('study')) ?? withRuns[0] ?? null;
  const runs = study ? study.runs.filter(filter) : [];
  const run = runs.find((r) => r.id === params.get('run')) ?? runs[0] ?? null;
  const element = h(
    'div',
    { class: 'filters' },
    select(t('subject'), 'subject', [{ value: '', label: t('all') }, ...studies.subjects.map((s) => ({ value: s, label: subjectLabel(s) }))], subject, (value) => setParams({ subject: value }, ['study', 'run', 'model'])),
    select(t('schoolYear'), 'year', [{ value: '', label: t('all') }, ...studies.schoolYears.map((y) => ({ value: y, label: y }))], year, (value) => setParams({ year: value }, ['study', 'run', 'model'])),
    select(t('study'), 'study', withRuns.map((s) => ({ value: s.id, label: `${s.name}${s.schoolYear ? ` (${s.schoolYear})` : ''}` })), study?.id, (value) => setParams({ study: value }, ['run', 'model'])),
    select(t('run'), 'run', runs.map((r) => ({ value: r.id, label: study ? runLabel(study, r) : r.id })), run?.id, (value) => setParams({ run: value }, ['model'])),
  );
  return { element, study, run, studies };
}
