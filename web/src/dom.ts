/** A few DOM helpers: build elements, tables with downloads, cards. */
import { download } from './api.js';
import { t } from './i18n.js';

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

/** `h('button', { class: 'x', onclick: … }, 'text')` */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Child | Child[])[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (name === 'value' && 'value' in element) (element as HTMLInputElement).value = String(value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

export function card(...children: (Child | Child[])[]): HTMLElement {
  return h('section', { class: 'card' }, ...children);
}

export function errorBox(error: unknown): HTMLElement {
  const text = error && typeof error === 'object' && 'text' in error ? String((error as { text: string }).text) : error instanceof Error ? error.message : String(error);
  return h('div', { class: 'error', role: 'alert' }, text);
}

/** A labelled `<select>`; `onchange` gets the new value. */
export function select(label: string, name: string, options: { value: string; label: string }[], selected: string | undefined, onchange: (value: string) => void): HTMLElement {
  const control = h('select', { name, 'data-filter': name, onchange: (event: Event) => onchange((event.target as HTMLSelectElement).value) }, ...options.map((o) => h('option', { value: o.value, selected: o.value === (selected ?? '') }, o.label)));
  return h('label', {}, label, control);
}

export type Cell = string | number | boolean | null;

export interface Column<R> {
  label: string;
  /** The value exported (numbers stay numbers). */
  value: (row: R) => Cell;
  /** What the page shows; defaults to the value. */
  render?: (row: R) => Node | string;
  numeric?: boolean;
}

/**
 * A table with CSV and Excel downloads of exactly its rows. `id` names it for tests
 * (`[data-table=id]`); `source` is the API path its rows came from (kept in the audit trail).
 */
export function dataTable<R>(options: { id: string; title: string; source: string; columns: Column<R>[]; rows: R[]; extra?: Node }): HTMLElement {
  const { id, title, source, columns, rows } = options;
  const exportAs = (format: 'csv' | 'xlsx') => () =>
    void download('/api/reports/exports/table', { format, title, source, columns: columns.map((c) => c.label), rows: rows.map((row) => columns.map((c) => c.value(row))) }, `${title}.${format}`).catch((error: unknown) => alert(errorBox(error).textContent));
  const body = rows.map((row) =>
    h(
      'tr',
      {},
      columns.map((c) => {
        const shown = c.render ? c.render(row) : c.value(row);
        return h('td', { class: c.numeric ? 'num' : null }, shown instanceof Node ? shown : shown === null ? '—' : String(shown));
      }),
    ),
  );
  return h(
    'div',
    { class: 'table-block', 'data-table': id },
    h(
      'div',
      { class: 'toolbar' },
      h('h2', {}, title),
      h(
        'div',
        { class: 'actions' },
        options.extra ?? null,
        h('button', { class: 'secondary small', 'data-export': 'csv', onclick: exportAs('csv') }, t('exportCsv')),
        h('button', { class: 'secondary small', 'data-export': 'xlsx', onclick: exportAs('xlsx') }, t('exportXlsx')),
      ),
    ),
    h('div', { class: 'table-wrap' }, h('table', {}, h('thead', {}, h('tr', {}, columns.map((c) => h('th', {}, c.label)))), h('tbody', {}, rows.length > 0 ? body : h('tr', {}, h('td', { colspan: columns.length, class: 'note' }, t('noData')))))),
  );
}

/** Reads `#/path?a=1&b=2` into its path and parameters. */
export function currentRoute(): { path: string; params: URLSearchParams } {
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path, query = ''] = hash.split('?');
  return { path, params: new URLSearchParams(query) };
}

/** Navigates to the same page with some parameters changed (empty → removed). */
export function setParams(changes: Record<string, string | null | undefined>, reset: string[] = []): void {
  const { path, params } = currentRoute();
  for (const key of reset) params.delete(key);
  for (const [key, value] of Object.entries(changes)) {
    if (value === null || value === undefined || value === '') params.delete(key);
    else params.set(key, value);
  }
  const qs = params.toString();
  location.hash = `#${path}${qs ? `?${qs}` : ''}`;
}
