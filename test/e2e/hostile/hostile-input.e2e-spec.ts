import * as http from 'node:http';
import fc from 'fast-check';
import * as iconv from 'iconv-lite';
import { deflateRepeated, makeZip } from '../../helpers/make-zip';
import { createRecordWorld, FIXTURE_STUDENTS } from '../../helpers/record-fixtures';
import { startTestApp, type TestApp } from '../../helpers/test-app';

/**
 * Issue 10, point 3: hostile input. Property-based (fast-check, bounded runs): random and
 * mutated CSV/XLSX files through the import pipeline, random JSON bodies and query strings
 * through the API. Never a 5xx, never a hang (every answer within ANSWER_MS), and a refused
 * request changes no table (digests of every table before and after). Oversized uploads are
 * refused before their body has been sent.
 */
jest.setTimeout(240_000);

const IMPORT_MAX_BYTES = 1_000_000;
const ANSWER_MS = 15_000;
const KINDS = ['scores', 'roster', 'activities', 'fitness'] as const;

describe('hostile input', () => {
  let t: TestApp;
  let validScores: Buffer;
  let validXlsx: Buffer;

  /** md5 of every table's rows (text form, sorted), by PostgreSQL. */
  async function digests(): Promise<Record<string, string>> {
    const tables = (await t.db.dataSource.query(`SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p') AND relname NOT IN ('audit_events', 'refresh_tokens') ORDER BY relname`)) as { relname: string }[];
    const result: Record<string, string> = {};
    for (const { relname } of tables) {
      const [row] = await t.db.dataSource.query(`SELECT count(*)::int AS n, md5(coalesce(string_agg(x::text, E'\\n' ORDER BY x::text), '')) AS d FROM "${relname}" x`);
      result[relname] = `${row.n}:${row.d}`;
    }
    return result;
  }

  beforeAll(async () => {
    t = await startTestApp({ importMaxBytes: IMPORT_MAX_BYTES, requestTimeoutMs: ANSWER_MS });
    await createRecordWorld(t.db.dataSource);
    const lines = ['学籍号,学年学期,科目,考试类型,考试日期,成绩'];
    for (const s of [FIXTURE_STUDENTS.s1, FIXTURE_STUDENTS.s2, FIXTURE_STUDENTS.s3]) lines.push(`${s},2024-2025-1,历史,统考,2024-10-08,88`);
    validScores = Buffer.from(lines.join('\r\n'));
    validXlsx = (await t.admin.get('/api/imports/scores/template?format=xlsx').buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    }).expect(200)).body as Buffer;
  }, 120_000);
  afterAll(() => t.close());

  /** Hostile files: junk, and valid CSV/XLSX mutated in the ways real files go wrong. */
  const hostileFile = (): fc.Arbitrary<{ name: string; bytes: Buffer }> => {
    const csvText = validScores.toString('utf8');
    const mutatedCsv = fc.oneof(
      // truncated anywhere
      fc.nat({ max: validScores.length }).map((at) => validScores.subarray(0, at)),
      // random bytes spliced in
      fc.tuple(fc.nat({ max: validScores.length }), fc.uint8Array({ minLength: 1, maxLength: 64 })).map(([at, junk]) => Buffer.concat([validScores.subarray(0, at), Buffer.from(junk), validScores.subarray(at)])),
      // bytes flipped
      fc.array(fc.tuple(fc.nat({ max: validScores.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }).map((flips) => {
        const copy = Buffer.from(validScores);
        for (const [at, value] of flips) copy[at] = value;
        return copy;
      }),
      // wrong encodings of the same text
      fc.constantFrom('utf16le', 'utf16be', 'big5', 'shift_jis', 'win1252', 'koi8-r').map((encoding) => iconv.encode(csvText, encoding)),
      // formula strings and quotes in cells
      fc.constantFrom('=HYPERLINK("http://x","y")', '+cmd|" /C calc"!A0', '@SUM(1+1)*cmd', '-2+3', '"unterminated', '"a""b', '\u0000', '\u202e', '𠀀'.repeat(50)).map((cell) => Buffer.from(csvText.replace('88', cell))),
      // a huge cell
      fc.integer({ min: 10_000, max: 200_000 }).map((size) => Buffer.from(csvText.replace('历史', 'x'.repeat(size)))),
      // 10⁵ columns
      fc.constant(Buffer.from(`${Array.from({ length: 100_000 }, (_, i) => `c${i}`).join(',')}\n${'1,'.repeat(99_999)}1\n`)),
      // many empty lines and lone separators
      fc.integer({ min: 1, max: 5_000 }).map((n) => Buffer.from(`${csvText}\n${',,,,,\n'.repeat(n)}`)),
    );
    const mutatedXlsx = fc.oneof(
      fc.nat({ max: validXlsx.length }).map((at) => validXlsx.subarray(0, at)),
      fc.array(fc.tuple(fc.nat({ max: validXlsx.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 16 }).map((flips) => {
        const copy = Buffer.from(validXlsx);
        for (const [at, value] of flips) copy[at] = value;
        return copy;
      }),
      // a zip header followed by junk
      fc.uint8Array({ maxLength: 2048 }).map((junk) => Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from(junk)])),
    );
    return fc.oneof(
      fc.uint8Array({ maxLength: 4096 }).map((bytes) => ({ name: 'junk.csv', bytes: Buffer.from(bytes) })),
      mutatedCsv.map((bytes) => ({ name: 'scores.csv', bytes })),
      mutatedXlsx.map((bytes) => ({ name: 'scores.xlsx', bytes })),
    );
  };

  it('import files: never a 5xx or a hang, and a refused file changes no table', async () => {
    const statuses = new Map<number, number>();
    let baseline = await digests();
    await fc.assert(
      fc.asyncProperty(hostileFile(), fc.constantFrom(...KINDS), fc.boolean(), async (file, kind, dryRun) => {
        const started = Date.now();
        const response = await t.admin
          .post(`/api/imports/${kind}${dryRun ? '?dryRun=true' : ''}`)
          .attach('file', file.bytes, file.name)
          .timeout(ANSWER_MS);
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        expect(Date.now() - started).toBeLessThan(ANSWER_MS);
        expect(response.status).toBeLessThan(500);
        expect(response.body).toEqual(expect.objectContaining(response.status >= 400 ? { code: expect.any(String), messageZh: expect.any(String) } : { kind }));
        const after = await digests();
        if (response.status === 201) baseline = after; // a mutation that is still a valid file may import
        else expect(after).toEqual(baseline);
      }),
      { numRuns: 60, seed: 20261129, endOnFailure: true },
    );
    // The runs exercised refusals (4xx), not only successes.
    expect([...statuses.keys()].some((status) => status >= 400)).toBe(true);
  });

  const jsonValue = fc.jsonValue({ maxDepth: 3 });
  const ROUTES = ['/api/regions', '/api/schools', '/api/terms', '/api/classes', '/api/students', '/api/enrolments', '/api/indicators', '/api/value-added/studies', '/api/growth/runs', '/api/auth/login', '/api/auth/refresh', '/api/users'];

  it('JSON bodies: random values and raw text never get a 5xx, and refused bodies change nothing', async () => {
    let baseline = await digests();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES),
        fc.oneof(
          jsonValue.map((value) => JSON.stringify(value)),
          fc.dictionary(fc.constantFrom('code', 'name', 'level', 'parentId', 'schoolId', 'studentNumber', 'birthDate', 'termId', 'username', 'password', 'roles', 'outcome', 'priors', 'indicator', '__proto__', 'constructor'), jsonValue).map((value) => JSON.stringify(value)),
          fc.string({ maxLength: 200 }),
        ),
        async (route, body) => {
          const response = await t.admin.post(route).set('Content-Type', 'application/json').send(body).timeout(ANSWER_MS);
          expect(response.status).toBeLessThan(500);
          const after = await digests();
          if (response.status < 300) baseline = after;
          else {
            expect(response.body).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String), messageZh: expect.any(String) }));
            expect(after).toEqual(baseline);
          }
        },
      ),
      { numRuns: 80, seed: 20261130, endOnFailure: true },
    );
  });

  it('query strings: random parameters on list routes never get a 5xx', async () => {
    const lists = ['/api/regions', '/api/schools', '/api/students', '/api/enrolments', '/api/term-records', '/api/activity-records', '/api/indicators', '/api/fitness/results', '/api/fitness/aggregates', '/api/value-added/studies', '/api/growth/runs', '/api/audit-events', '/api/users'];
    const key = fc.constantFrom('page', 'pageSize', 'termId', 'schoolId', 'studentId', 'classId', 'dimension', 'q', 'level', 'schoolYear', 'sort', 'page[0]', 'a', '__proto__');
    const value = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('-1', '0', '1e309', 'NaN', '99999999999999999999', "' OR 1=1 --", '%00', '00000000-0000-0000-0000-000000000000', 'true'));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...lists), fc.array(fc.tuple(key, value), { maxLength: 5 }), async (route, pairs) => {
        const query = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
        const response = await t.admin.get(`${route}?${query}`).timeout(ANSWER_MS);
        expect(response.status).toBeLessThan(500);
      }),
      { numRuns: 80, seed: 20261131, endOnFailure: true },
    );
  });

  it('an XLSX zip bomb (honest or lying about its size) is refused with XLSX_TOO_LARGE without being inflated into memory', async () => {
    // 300 MiB of blanks as the worksheet (over the 256 MiB allowed), deflated to about 300 KB.
    const sheet = await deflateRepeated(Buffer.alloc(1024 * 1024, 0x20), 300);
    const types = { name: '[Content_Types].xml', content: Buffer.from('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>') };
    const honest = makeZip([types, { name: 'xl/worksheets/sheet1.xml', deflated: sheet }]);
    const lying = makeZip([types, { name: 'xl/worksheets/sheet1.xml', deflated: sheet, declaredSize: 4096 }]);
    expect(honest.length).toBeLessThan(IMPORT_MAX_BYTES);
    const before = await digests();
    for (const [bytes, dryRun] of [[honest, true], [lying, true], [lying, false]] as const) {
      const rssBefore = process.memoryUsage().rss;
      const started = Date.now();
      const response = await t.admin.post(`/api/imports/scores${dryRun ? '?dryRun=true' : ''}`).attach('file', bytes, 'bomb.xlsx').timeout(ANSWER_MS);
      expect(response.status).toBe(dryRun ? 200 : 422);
      const report = dryRun ? response.body : response.body.details;
      expect(report.errors).toEqual([expect.objectContaining({ code: 'XLSX_TOO_LARGE', messageZh: expect.stringMatching(/压缩炸弹/) })]);
      expect(Date.now() - started).toBeLessThan(ANSWER_MS);
      // The app (in this process) never held the 300 MiB.
      expect(process.memoryUsage().rss - rssBefore).toBeLessThan(200 * 1024 * 1024);
    }
    expect(await digests()).toEqual(before);
  });

  describe('oversized uploads are refused early', () => {
    let port: number;
    let token: string;
    beforeAll(async () => {
      await t.app.listen(0, '127.0.0.1');
      port = (t.app.getHttpServer().address() as { port: number }).port;
      token = t.admin.accessToken;
    });

    /** Streams `total` bytes of a multipart upload in 64 KiB steps; resolves with the status and how much had been sent when it came. */
    function streamUpload(total: number, declareLength: boolean): Promise<{ status: number; sentWhenAnswered: number; ms: number }> {
      return new Promise((resolve, reject) => {
        const boundary = 'wuyuboundary';
        const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\nContent-Type: text/csv\r\n\r\n`);
        const headers: Record<string, string | number> = { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}` };
        if (declareLength) headers['content-length'] = head.length + total;
        const started = Date.now();
        let sent = 0;
        let answered = false;
        const request = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/api/imports/scores', headers }, (response) => {
          answered = true;
          const status = response.statusCode ?? 0;
          const sentWhenAnswered = sent;
          response.resume();
          response.on('end', () => resolve({ status, sentWhenAnswered, ms: Date.now() - started }));
        });
        request.on('error', (error) => (answered ? undefined : reject(error)));
        request.write(head);
        const chunk = Buffer.alloc(64 * 1024, 0x41);
        const pump = () => {
          if (answered || request.destroyed) return;
          if (sent >= total) return void request.end();
          sent += chunk.length;
          request.write(chunk);
          setTimeout(pump, 5);
        };
        pump();
      });
    }

    it('a declared Content-Length over the limit gets 413 before the body is sent', async () => {
      const result = await streamUpload(IMPORT_MAX_BYTES * 20, true);
      expect(result.status).toBe(413);
      expect(result.sentWhenAnswered).toBeLessThan(IMPORT_MAX_BYTES);
      expect(result.ms).toBeLessThan(5_000);
    });

    it('a chunked upload without a length gets 411 before the body is sent (multer would read all of it first)', async () => {
      const result = await streamUpload(IMPORT_MAX_BYTES * 20, false);
      expect(result.status).toBe(411);
      expect(result.sentWhenAnswered).toBeLessThan(IMPORT_MAX_BYTES);
      expect(result.ms).toBeLessThan(5_000);
    });

    it('an upload within the limit still goes through', async () => {
      const response = await t.admin.post('/api/imports/scores?dryRun=true').attach('file', validScores, 'ok.csv').expect(200);
      expect(response.body).toMatchObject({ valid: true, rowCount: 3 });
    });
  });
});
