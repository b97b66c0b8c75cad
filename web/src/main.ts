/**
 * Wuyu web UI: a hash-router single-page app over the service's /api (docs/web-ui.md).
 * Chinese by default with an English switch; pages are modules under pages/.
 */
import { ApiError, forgetMe, login, logout, me, type Me, signedIn } from './api.js';
import { disposeCharts } from './charts.js';
import { currentRoute, errorBox, h } from './dom.js';
import { type Key, lang, setLang, t } from './i18n.js';
import { auditPage } from './pages/audit.js';
import { fitnessPage } from './pages/fitness.js';
import { schoolPage } from './pages/school.js';
import { uploadsPage } from './pages/uploads.js';
import { methodsPage } from './pages/va-methods.js';
import { vaOverviewPage } from './pages/va-overview.js';
import { stabilityPage } from './pages/va-stability.js';
import { studentPage } from './pages/student.js';
import { reviewPage } from './pages/review.js';
import { admissionsPage } from './pages/admissions.js';
import { portfolioPage } from './pages/portfolio.js';

export type Page = (root: HTMLElement, params: URLSearchParams, user: Me) => Promise<void>;

const has = (user: Me, ...roles: string[]) => user.roles.some((r) => roles.includes(r.role));
const BUREAU = ['city_admin', 'district_officer'];
const SCHOOL_STAFF = ['school_admin', 'registrar', 'teacher'];

interface Route {
  path: string;
  label: Key;
  page: Page;
  visible: (user: Me) => boolean;
  /** Reached by links only (not in the navigation). */
  hidden?: boolean;
}

const ROUTES: Route[] = [
  { path: '/va', label: 'navValueAdded', page: vaOverviewPage, visible: (u) => has(u, ...BUREAU, 'school_admin') },
  { path: '/va/methods', label: 'navMethods', page: methodsPage, visible: (u) => has(u, ...BUREAU, 'school_admin') },
  { path: '/va/stability', label: 'navStability', page: stabilityPage, visible: (u) => has(u, ...BUREAU, 'school_admin') },
  { path: '/fitness', label: 'navFitness', page: fitnessPage, visible: (u) => has(u, ...BUREAU, ...SCHOOL_STAFF) },
  { path: '/school', label: 'navSchool', page: schoolPage, visible: (u) => has(u, ...BUREAU, 'school_admin') },
  { path: '/student', label: 'navStudent', page: studentPage, visible: (u) => has(u, ...BUREAU, 'school_admin', 'teacher', 'student', 'guardian') },
  { path: '/review', label: 'navReview', page: reviewPage, visible: (u) => has(u, 'school_admin', 'teacher') },
  { path: '/admissions', label: 'navAdmissions', page: admissionsPage, visible: (u) => has(u, 'admissions_officer', 'city_admin') },
  { path: '/portfolio', label: 'portfolio', page: portfolioPage, visible: (u) => has(u, ...BUREAU, ...SCHOOL_STAFF, 'admissions_officer', 'student', 'guardian'), hidden: true },
  { path: '/uploads', label: 'navUploads', page: uploadsPage, visible: (u) => has(u, 'city_admin', 'school_admin', 'registrar') },
  { path: '/audit', label: 'navAudit', page: auditPage, visible: (u) => has(u, 'city_admin') },
];

const app = document.getElementById('app')!;
let renderCount = 0;

function languageButton(): HTMLElement {
  return h('button', { class: 'lang', 'data-lang': lang() === 'zh' ? 'en' : 'zh', onclick: () => (setLang(lang() === 'zh' ? 'en' : 'zh'), void render()) }, t('language'));
}

function loginPage(): void {
  const message = h('div', {});
  const form = h(
    'form',
    {
      onsubmit: async (event: Event) => {
        event.preventDefault();
        const data = new FormData(form);
        try {
          await login(String(data.get('username')), String(data.get('password')));
          forgetMe();
          location.hash = '#/';
          await render();
        } catch (error) {
          message.replaceChildren(errorBox(error instanceof ApiError ? error : new Error(t('signInFailed'))));
        }
      },
    },
    h('label', {}, t('username'), h('input', { type: 'text', name: 'username', autocomplete: 'username', required: true })),
    h('label', {}, t('password'), h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true })),
    h('button', { type: 'submit' }, t('signIn')),
    message,
  );
  app.replaceChildren(h('div', { class: 'login card' }, h('div', { class: 'toolbar' }, h('h1', {}, t('appName')), languageButton()), form));
}

async function render(): Promise<void> {
  const ticket = ++renderCount;
  // Marks for bench:ui --timeline, one of each at a time (a long session would pile them up).
  performance.clearMarks('wuyu:render');
  performance.clearMarks('wuyu:ready');
  performance.mark('wuyu:render');
  disposeCharts();
  document.documentElement.lang = lang() === 'zh' ? 'zh-CN' : 'en';
  document.title = `${t('appName')}`;
  const { path, params } = currentRoute();
  if (!signedIn() || path === '/login') return loginPage();
  let user: Me;
  try {
    user = await me();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return loginPage();
    app.replaceChildren(errorBox(error));
    return;
  }
  const routes = ROUTES.filter((r) => r.visible(user));
  const route = routes.find((r) => r.path === path);
  if (!route) {
    const first = routes.find((r) => !r.hidden);
    if (first && (path === '/' || path === '')) {
      location.replace(`#${first.path}`);
      return;
    }
  }
  const main = h('main', { 'data-page': route?.path ?? 'none' });
  app.replaceChildren(
    h(
      'header',
      { class: 'top' },
      h('span', { class: 'brand' }, t('appName')),
      h('nav', {}, routes.filter((r) => !r.hidden).map((r) => h('a', { href: `#${r.path}`, class: r === route ? 'active' : null, 'data-nav': r.path }, t(r.label)))),
      h('span', { class: 'who', 'data-user': user.username }, `${user.displayName} · ${user.roles.map((r) => r.role).join(', ')}`),
      languageButton(),
      h('button', { class: 'secondary small', onclick: () => void logout().then(() => (forgetMe(), (location.hash = '#/login'))) }, t('signOut')),
    ),
    main,
  );
  if (!route) {
    main.append(h('div', { class: 'note' }, t('forbidden')));
    main.setAttribute('data-state', 'ready');
    return;
  }
  // Pages render into a container already in the document: charts need its size.
  const content = h('div', {}, h('div', { class: 'note' }, t('loading')));
  main.append(content);
  try {
    await route.page(content, params, user);
  } catch (error) {
    if (ticket !== renderCount) return;
    content.replaceChildren(errorBox(error));
  }
  if (ticket !== renderCount) return;
  main.setAttribute('data-state', 'ready');
  performance.mark('wuyu:ready');
}

window.addEventListener('hashchange', () => void render());
void render();
