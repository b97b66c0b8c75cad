/** Uploads: choose a kind, check the file (dry run), see the problems by row, commit. */
import { ApiError, request } from '../api.js';
import { card, dataTable, errorBox, h, select, setParams } from '../dom.js';
import { lang, t } from '../i18n.js';
import type { Page } from '../main.js';
import { get } from '../api.js';

interface Problem {
  row?: number;
  column?: string;
  code: string;
  message: string;
  messageZh?: string;
  value?: unknown;
}

interface Report {
  kind: string;
  fileName: string;
  rowCount: number;
  valid: boolean;
  dryRun: boolean;
  committed: boolean;
  errorCount: number;
  errors: Problem[];
  summary?: Record<string, number>;
}

async function upload(kind: string, file: File, dryRun: boolean): Promise<Report> {
  const form = new FormData();
  form.append('file', file, file.name);
  try {
    const response = await request(`/api/imports/${kind}${dryRun ? '?dryRun=true' : ''}`, { method: 'POST', body: form });
    return (await response.json()) as Report;
  } catch (error) {
    // A commit of an invalid file answers 422 IMPORT_INVALID with the report in details.
    if (error instanceof ApiError && error.code === 'IMPORT_INVALID' && error.details && typeof error.details === 'object') return error.details as Report;
    throw error;
  }
}

export const uploadsPage: Page = async (root, params) => {
  const kinds = await get<{ items: { kind: string; titleZh: string }[] }>('/api/imports');
  const kind = params.get('kind') ?? kinds.items[0]?.kind ?? 'roster';
  const result = h('div', { 'data-upload-result': '' });
  const fileInput = h('input', { type: 'file', name: 'file', accept: '.csv,.xlsx' }) as HTMLInputElement;
  let lastFile: File | null = null;
  const commitButton = h('button', { type: 'button', 'data-action': 'commit', disabled: true }, t('commit')) as HTMLButtonElement;
  const show = (report: Report) => {
    const status = report.committed
      ? h('div', { class: 'ok', 'data-status': 'committed' }, `${t('committed')} ${report.summary ? JSON.stringify(report.summary) : ''}`)
      : report.valid
        ? h('div', { class: 'ok', 'data-status': 'valid' }, `${t('fileValid')} ${t('rows')}: ${report.rowCount}`)
        : h('div', { class: 'error', 'data-status': 'invalid' }, t('fileInvalid', { n: report.errorCount }));
    commitButton.disabled = !(report.valid && report.dryRun);
    result.replaceChildren(
      status,
      report.errors.length > 0
        ? dataTable({
            id: 'upload-errors',
            title: `${t('errorsByRow')} · ${report.fileName}`,
            source: `/api/imports/${report.kind}`,
            columns: [
              { label: t('row'), value: (p: Problem) => p.row ?? null, numeric: true },
              { label: t('column'), value: (p) => p.column ?? null },
              { label: t('code'), value: (p) => p.code },
              { label: t('message'), value: (p) => (lang() === 'zh' ? (p.messageZh ?? p.message) : p.message) },
              { label: t('value'), value: (p) => (p.value === undefined || p.value === null ? null : String(p.value)) },
            ],
            rows: report.errors,
          })
        : '',
    );
  };
  const run = async (dryRun: boolean) => {
    const file = dryRun ? fileInput.files?.[0] ?? null : lastFile;
    if (!file) return;
    lastFile = file;
    result.replaceChildren(h('div', { class: 'note' }, t('loading')));
    try {
      show(await upload(kind, file, dryRun));
    } catch (error) {
      result.replaceChildren(errorBox(error));
    }
  };
  commitButton.addEventListener('click', () => void run(false));
  const form = h(
    'form',
    { class: 'filters', onsubmit: (event: Event) => (event.preventDefault(), void run(true)) },
    select(t('kind'), 'kind', kinds.items.map((k) => ({ value: k.kind, label: lang() === 'zh' ? k.titleZh : k.kind })), kind, (value) => setParams({ kind: value })),
    h('label', {}, t('file'), fileInput),
    h('button', { type: 'submit', 'data-action': 'dry-run' }, t('dryRun')),
    commitButton,
    h('a', { href: `/api/imports/${kind}/template?format=xlsx`, 'data-template': kind, onclick: (event: Event) => { event.preventDefault(); void request(`/api/imports/${kind}/template?format=xlsx`).then(async (r) => { const url = URL.createObjectURL(await r.blob()); const a = h('a', { href: url, download: `${kind}-template.xlsx` }); document.body.append(a); a.click(); a.remove(); }); } }, t('template')),
  );
  root.replaceChildren(h('h1', {}, t('uploadsTitle')), card(form, result));
};
