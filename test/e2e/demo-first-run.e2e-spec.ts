import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { embeddedEnv, killLeftoverServices, startService } from '../helpers/spawn-service';

/**
 * Issue 8: on an empty database `npm start` loads the demo city and prints the URL and one
 * account per role with passwords made at that moment (also written to the data directory);
 * each account signs in and sees only its scope. The next start finds data and loads nothing.
 */
jest.setTimeout(600_000);

interface StudentItem {
  id: string;
  studentNumber: string;
  schoolId: string;
}

async function signIn(url: string, username: string, password: string): Promise<Record<string, string>> {
  const response = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  expect(response.status).toBe(200);
  const { accessToken } = (await response.json()) as { accessToken: string };
  return { authorization: `Bearer ${accessToken}` };
}

async function allStudents(url: string, headers: Record<string, string>): Promise<{ total: number; items: StudentItem[] }> {
  const items: StudentItem[] = [];
  let total = 0;
  for (let page = 1; page < 100; page += 1) {
    const response = await fetch(`${url}/api/students?pageSize=200&page=${page}`, { headers });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { total: number; items: StudentItem[] };
    total = body.total;
    items.push(...body.items);
    if (items.length >= total || body.items.length === 0) break;
  }
  return { total, items };
}

describe('first start: the demo city', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wuyu-demo-start-'));
  afterEach(() => killLeftoverServices());
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('loads into an empty database, prints the accounts, and every account sees only its scope; the next start loads nothing', async () => {
    const service = await startService(embeddedEnv(dataDir, { WUYU_DEMO: 'small', WUYU_DEMO_SEED: '8' }), 480_000);
    const output = service.output();
    expect(output).toMatch(/Empty database: loading the demo city/);
    expect(output).toMatch(/demo city loaded: [\d,]+ rows/);
    const accountsFile = path.join(dataDir, 'demo-accounts.txt');
    await service.waitForOutput(/demo\.student\s+\S+\s+student/);
    const accounts = new Map(
      fs
        .readFileSync(accountsFile, 'utf8')
        .split('\n')
        .filter((line) => /^\s+demo\./.test(line))
        .map((line) => {
          const [username, password, role] = line.trim().split(/\s+/);
          return [role, { username, password }] as const;
        }),
    );
    expect([...accounts.keys()].sort()).toEqual(['admissions_officer', 'city_admin', 'district_officer', 'school_admin', 'student', 'teacher']);
    // The console shows the same passwords as the file.
    for (const { username, password } of accounts.values()) {
      expect(service.output()).toContain(username);
      expect(service.output()).toContain(password);
    }

    const as = async (role: string) => signIn(service.url, accounts.get(role)!.username, accounts.get(role)!.password);
    const city = await allStudents(service.url, await as('city_admin'));
    expect(city.total).toBeGreaterThan(300);

    const schools = (await (await fetch(`${service.url}/api/schools?pageSize=200`, { headers: await as('city_admin') })).json()) as { items: { id: string; regionId: string; code: string }[] };
    const regions = (await (await fetch(`${service.url}/api/regions?pageSize=200`, { headers: await as('city_admin') })).json()) as { items: { id: string; code: string }[] };
    const regionOfSchool = new Map(schools.items.map((s) => [s.id, s.regionId]));

    const district = await allStudents(service.url, await as('district_officer'));
    const haibowan = regions.items.find((r) => r.code === '150302')!.id;
    expect(district.total).toBeGreaterThan(0);
    expect(district.total).toBeLessThan(city.total);
    expect(district.items.every((s) => regionOfSchool.get(s.schoolId) === haibowan)).toBe(true);

    const school = await allStudents(service.url, await as('school_admin'));
    expect(school.total).toBeGreaterThan(0);
    expect(school.total).toBeLessThan(district.total);
    expect(new Set(school.items.map((s) => s.schoolId)).size).toBe(1);

    const teacher = await allStudents(service.url, await as('teacher'));
    expect(teacher.total).toBeGreaterThan(0);
    expect(teacher.total).toBeLessThanOrEqual(20);
    expect(teacher.items.every((s) => s.schoolId === school.items[0].schoolId)).toBe(true);

    const student = await allStudents(service.url, await as('student'));
    expect(student.total).toBe(1);
    expect(teacher.items.map((s) => s.id)).toContain(student.items[0].id);

    // The admissions officer reads its applicants (初三 of the last year, applications imported through the pipeline as .xlsx), with a purpose,
    // and opens a sealed portfolio whose hash verifies.
    const purpose = { 'x-access-purpose': encodeURIComponent('演示：2026年招生资格审核') };
    const admissions = { ...(await as('admissions_officer')), ...purpose };
    const applicants = await fetch(`${service.url}/api/admissions/applicants?pageSize=200`, { headers: admissions });
    expect(applicants.status).toBe(200);
    const applied = (await applicants.json()) as { total: number; items: { receivingSchool: { code: string }; student: { id: string }; portfolio: { id: string; contentSha256: string } | null; levels: Record<string, string> }[] };
    expect(applied.total).toBeGreaterThan(0);
    expect(new Set(applied.items.map((a) => a.receivingSchool.code)).size).toBe(1);
    const withPortfolio = applied.items.filter((a) => a.portfolio !== null);
    expect(withPortfolio.length).toBeGreaterThan(5);
    expect(Object.keys(withPortfolio[0].levels).sort()).toEqual(['academic', 'aesthetic', 'labour', 'moral', 'physical']);
    const opened = await fetch(`${service.url}/api/portfolios/${withPortfolio[0].portfolio!.id}`, { headers: admissions });
    expect(opened.status).toBe(200);
    expect(((await opened.json()) as { status: string }).status).toBe('sealed');
    const verified = await fetch(`${service.url}/api/portfolios/${withPortfolio[0].portfolio!.id}/verify`, { headers: admissions });
    expect(verified.status).toBe(200);
    const verification = (await verified.json()) as { valid: boolean; storedSha256: string; computedSha256: string };
    expect(verification.valid).toBe(true);
    expect(verification.computedSha256).toBe(withPortfolio[0].portfolio!.contentSha256);
    const elsewhere = await fetch(`${service.url}/api/admissions/applicants?pageSize=200`, { headers: { ...(await as('city_admin')), ...purpose } });
    expect(((await elsewhere.json()) as { total: number }).total).toBeGreaterThan(applied.total);

    // 写实记录 in every state of the review workflow, made through the services: the school administrator sees each state in the school.
    const schoolAdmin = await as('school_admin');
    for (const status of ['DRAFT', 'SUBMITTED', 'VERIFIED', 'RETURNED', 'REJECTED', 'SELECTED', 'IN_PUBLICITY', 'UNDER_INVESTIGATION', 'CONFIRMED', 'AMENDED', 'REVOKED']) {
      const listed = await fetch(`${service.url}/api/review/records?status=${status}&pageSize=1`, { headers: schoolAdmin });
      expect(listed.status).toBe(200);
      expect([status, ((await listed.json()) as { total: number }).total > 0]).toEqual([status, true]);
    }
    const own = await fetch(`${service.url}/api/review/records?pageSize=100`, { headers: await as('student') });
    const ownStatuses = new Set(((await own.json()) as { items: { status: string }[] }).items.map((r) => r.status));
    for (const status of ['DRAFT', 'SUBMITTED', 'VERIFIED', 'RETURNED', 'REJECTED', 'SELECTED', 'IN_PUBLICITY', 'CONFIRMED', 'AMENDED']) expect(ownStatuses).toContain(status);
    const queue = await fetch(`${service.url}/api/review/records?status=SUBMITTED&pageSize=100`, { headers: await as('teacher') });
    expect(((await queue.json()) as { total: number }).total).toBeGreaterThan(1);
    // The student's grade has a publicity batch open now; its list is the redacted view (no 学籍号, scores or ranks).
    const batches = (await (await fetch(`${service.url}/api/review/publicity-batches`, { headers: await as('student') })).json()) as { items: { id: string; state: string }[] };
    const open = batches.items.find((b) => b.state === 'open');
    expect(open).toBeDefined();
    const shown = await fetch(`${service.url}/api/review/publicity-batches/${open!.id}/records`, { headers: await as('student') });
    expect(shown.status).toBe(200);
    const lines = (await shown.json()) as { items: Record<string, unknown>[] };
    expect(lines.items.length).toBeGreaterThan(1);
    expect(Object.keys(lines.items[0]).sort()).toEqual(['className', 'endDate', 'hours', 'level', 'recordId', 'role', 'startDate', 'studentName', 'title']);
    // Five-dimension levels for the student in the last term (the default rubric's run).
    const results = await fetch(`${service.url}/api/evaluation/students/${student.items[0].id}/results`, { headers: await as('student') });
    expect(results.status).toBe(200);
    expect(JSON.stringify(await results.json())).toMatch(/"level":"[ABCD]"/);

    // A city-wide score file was committed: the student reads its own records.
    const records = await fetch(`${service.url}/api/term-records?studentId=${student.items[0].id}&pageSize=200`, { headers: await as('student') });
    expect(records.status).toBe(200);
    expect(((await records.json()) as { total: number }).total).toBeGreaterThan(10);
    expect(await service.stop('SIGTERM')).toBe(0);

    // Second start on the same data: no demo load, same accounts still work.
    const again = await startService(embeddedEnv(dataDir, { WUYU_DEMO: 'small' }));
    try {
      expect(again.output()).not.toMatch(/loading the demo city/);
      await signIn(again.url, accounts.get('student')!.username, accounts.get('student')!.password);
    } finally {
      expect(await again.stop()).toBe(0);
    }
  });
});
