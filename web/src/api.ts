/** Calls to the service's /api with the signed-in user's token (kept for the browser tab only). */
import { lang } from './i18n.js';

export interface Me {
  id: string;
  username: string;
  displayName: string;
  roles: { id: string; role: string; regionId: string | null; schoolId: string | null; classId: string | null; studentId: string | null }[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly messageZh: string,
    readonly details: unknown,
  ) {
    super(message);
  }

  /** The message in the current language. */
  get text(): string {
    return lang() === 'zh' ? this.messageZh || this.message : this.message;
  }
}

interface Tokens {
  accessToken: string;
  refreshToken: string;
}

const STORAGE = 'wuyu.tokens';

function tokens(): Tokens | null {
  const raw = sessionStorage.getItem(STORAGE);
  return raw ? (JSON.parse(raw) as Tokens) : null;
}

export function signedIn(): boolean {
  return tokens() !== null;
}

async function errorOf(response: Response): Promise<ApiError> {
  let body: { code?: string; message?: string; messageZh?: string; details?: unknown } = {};
  try {
    body = (await response.json()) as typeof body;
  } catch {
    // not JSON
  }
  return new ApiError(response.status, body.code ?? `HTTP_${response.status}`, body.message ?? response.statusText, body.messageZh ?? body.message ?? response.statusText, body.details);
}

export async function login(username: string, password: string): Promise<void> {
  const response = await fetch('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  if (!response.ok) throw await errorOf(response);
  const body = (await response.json()) as Tokens;
  sessionStorage.setItem(STORAGE, JSON.stringify({ accessToken: body.accessToken, refreshToken: body.refreshToken }));
}

export async function logout(): Promise<void> {
  const current = tokens();
  sessionStorage.removeItem(STORAGE);
  if (current) await fetch('/api/auth/logout', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken: current.refreshToken }) }).catch(() => undefined);
}

let refreshing: Promise<boolean> | null = null;

/** Rotates the token pair once for all callers waiting on an expired access token. */
function refresh(): Promise<boolean> {
  refreshing ??= (async () => {
    const current = tokens();
    if (!current) return false;
    const response = await fetch('/api/auth/refresh', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken: current.refreshToken }) });
    if (!response.ok) {
      sessionStorage.removeItem(STORAGE);
      return false;
    }
    const body = (await response.json()) as Tokens;
    sessionStorage.setItem(STORAGE, JSON.stringify({ accessToken: body.accessToken, refreshToken: body.refreshToken }));
    return true;
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

const PURPOSE = 'wuyu.purpose';

/** Why an audited reader (bureau, admissions) reads student-level data; sent as X-Access-Purpose and kept in the audit trail. */
export function purpose(): string {
  return sessionStorage.getItem(PURPOSE) ?? '';
}

export function setPurpose(text: string): void {
  sessionStorage.setItem(PURPOSE, text.slice(0, 200));
}

/** A request with the bearer token; refreshes once on an expired token; a signed-out user goes to the login page. */
export async function request(path: string, init: RequestInit = {}): Promise<Response> {
  const send = () => {
    const headers = new Headers(init.headers);
    const current = tokens();
    if (current) headers.set('Authorization', `Bearer ${current.accessToken}`);
    if (purpose()) headers.set('X-Access-Purpose', encodeURIComponent(purpose()));
    return fetch(path, { ...init, headers });
  };
  let response = await send();
  if (response.status === 401 && (await refresh())) response = await send();
  if (response.status === 401) {
    sessionStorage.removeItem(STORAGE);
    location.hash = '#/login';
  }
  if (!response.ok) throw await errorOf(response);
  return response;
}

export async function get<T>(path: string, query: Record<string, string | number | undefined | null> = {}): Promise<T> {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  const qs = params.toString();
  return (await (await request(qs ? `${path}?${qs}` : path)).json()) as T;
}

export async function post<T>(path: string, body: unknown): Promise<T> {
  return (await (await request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json()) as T;
}

/** Posts and saves the answer as a file (exports): the browser's download, with the server's file name. */
export async function download(path: string, body: unknown, fallbackName: string): Promise<void> {
  const response = await request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const disposition = response.headers.get('content-disposition') ?? '';
  const utf8 = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  const name = utf8 ? decodeURIComponent(utf8[1]) : fallbackName;
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

let meCache: Promise<Me> | null = null;

declare global {
  interface Window {
    /** The request for /api/users/me that index.html starts before the scripts load (ADR 0924). */
    wuyuMe?: Promise<Response>;
  }
}

/** The early answer to /api/users/me, once; null when there is none or it is not a success (then ask again, with refresh). */
async function earlyMe(): Promise<Me | null> {
  const early = window.wuyuMe;
  window.wuyuMe = undefined;
  if (!early) return null;
  try {
    const response = await early;
    return response.ok ? ((await response.json()) as Me) : null;
  } catch {
    return null;
  }
}

export function me(): Promise<Me> {
  meCache ??= (async () => (await earlyMe()) ?? (await get<Me>('/api/users/me')))().catch((error: unknown) => {
    meCache = null;
    throw error;
  });
  return meCache;
}

export function forgetMe(): void {
  meCache = null;
}
