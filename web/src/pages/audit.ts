/** Audit-log search for city administrators (GET /api/audit-events). */
import { get } from '../api.js';
import { card, dataTable, h, setParams } from '../dom.js';
import { t } from '../i18n.js';
import type { Page } from '../main.js';

interface AuditEvent {
  id: string;
  occurredAt: string;
  actorUsername: string | null;
  actorRoles: string | null;
  action: string;
  operation: string | null;
  targetType: string | null;
  targetId: string | null;
  purpose: string | null;
  outcome: string;
}

const FIELDS = ['action', 'actorUserId', 'targetId', 'from', 'to'] as const;

export const auditPage: Page = async (root, params) => {
  const query: Record<string, string | undefined> = {};
  for (const field of FIELDS) query[field] = params.get(field) ?? undefined;
  const page = Number(params.get('page') ?? '1');
  const pageSize = 50;
  const result = await get<{ items: AuditEvent[]; total: number }>('/api/audit-events', { ...query, page, pageSize });
  const form = h(
    'form',
    {
      class: 'filters',
      onsubmit: (event: Event) => {
        event.preventDefault();
        const data = new FormData(event.target as HTMLFormElement);
        const changes: Record<string, string> = { page: '' };
        for (const field of FIELDS) {
          const value = String(data.get(field) ?? '').trim();
          changes[field] = (field === 'from' || field === 'to') && value ? new Date(value).toISOString() : value;
        }
        setParams(changes);
      },
    },
    h('label', {}, t('action'), h('input', { type: 'text', name: 'action', value: query.action ?? '', placeholder: 'export / write / read.student / login' })),
    h('label', {}, t('actorUserId'), h('input', { type: 'text', name: 'actorUserId', value: query.actorUserId ?? '' })),
    h('label', {}, t('targetId'), h('input', { type: 'text', name: 'targetId', value: query.targetId ?? '' })),
    h('label', {}, t('from'), h('input', { type: 'datetime-local', name: 'from', value: query.from ? query.from.slice(0, 16) : '' })),
    h('label', {}, t('to'), h('input', { type: 'datetime-local', name: 'to', value: query.to ? query.to.slice(0, 16) : '' })),
    h('button', { type: 'submit' }, t('search')),
  );
  const source = `/api/audit-events?${new URLSearchParams(Object.entries({ ...query, page: String(page) }).filter(([, v]) => v) as [string, string][])}`;
  const table = dataTable({
    id: 'audit-events',
    title: t('auditTitle'),
    source,
    columns: [
      { label: t('occurredAt'), value: (e: AuditEvent) => e.occurredAt },
      { label: t('actor'), value: (e) => e.actorUsername },
      { label: t('roles'), value: (e) => e.actorRoles },
      { label: t('action'), value: (e) => e.action },
      { label: t('operation'), value: (e) => e.operation },
      { label: t('targetType'), value: (e) => e.targetType },
      { label: t('targetId'), value: (e) => e.targetId },
      { label: t('purpose'), value: (e) => e.purpose },
      { label: t('outcome'), value: (e) => e.outcome },
    ],
    rows: result.items,
  });
  const pages = Math.max(1, Math.ceil(result.total / pageSize));
  const pager = h(
    'div',
    { class: 'pager' },
    h('button', { class: 'secondary small', disabled: page <= 1, onclick: () => setParams({ page: String(page - 1) }) }, t('previous')),
    h('span', { class: 'note' }, t('pageOf', { page: `${page}/${pages}`, total: result.total })),
    h('button', { class: 'secondary small', disabled: page >= pages, onclick: () => setParams({ page: String(page + 1) }) }, t('next')),
  );
  root.replaceChildren(h('h1', {}, t('auditTitle')), card(form), card(table, pager));
};
