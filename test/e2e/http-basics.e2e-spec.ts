import { startTestApp, type TestApp } from '../helpers/test-app';

/** Every failure has one shape and the right 4xx; nothing malformed produces a 500. */
describe('HTTP basics', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ bodyLimitBytes: 10_000 });
  });
  afterAll(() => t.close());

  const expectErrorShape = (body: Record<string, unknown>) => {
    expect(body).toEqual({ code: expect.stringMatching(/^[A-Z_]+$/), message: expect.any(String), messageZh: expect.any(String), details: expect.anything(), requestId: expect.any(String) });
    expect(JSON.stringify(body)).not.toMatch(/at .*\.(js|ts):\d+|SELECT|INSERT/);
  };

  it('GET /health reports the database', async () => {
    const response = await t.http.get('/health').expect(200);
    expect(response.body).toEqual({ status: 'ok', database: 'up' });
  });

  it('serves the OpenAPI document at /api/docs', async () => {
    const json = await t.http.get('/api/docs-json').expect(200);
    expect(json.body.openapi).toMatch(/^3\./);
    expect(Object.keys(json.body.paths)).toEqual(expect.arrayContaining(['/api/students', '/api/students/{id}', '/api/imports/{kind}', '/health']));
    await t.http.get('/api/docs').expect(200);
  });

  it('echoes a sane X-Request-Id and makes one otherwise', async () => {
    const echoed = await t.http.get('/health').set('X-Request-Id', 'abc-123').expect(200);
    expect(echoed.headers['x-request-id']).toBe('abc-123');
    const made = await t.http.get('/health').set('X-Request-Id', 'bad id with spaces').expect(200);
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('malformed JSON → 400 MALFORMED_JSON', async () => {
    const response = await t.admin.post('/api/regions').set('Content-Type', 'application/json').send('{"code": ').expect(400);
    expectErrorShape(response.body);
    expect(response.body.code).toBe('MALFORMED_JSON');
  });

  it('wrong types → 400 VALIDATION_FAILED naming the field', async () => {
    const response = await t.admin.post('/api/regions').send({ code: 150300, name: ['x'], level: 'planet' }).expect(400);
    expectErrorShape(response.body);
    expect(response.body.code).toBe('VALIDATION_FAILED');
    expect(response.body.details.map((d: { field: string }) => d.field)).toEqual(expect.arrayContaining(['code', 'name', 'level']));
  });

  it('unknown fields and unknown filters → 400, never silently ignored', async () => {
    const body = await t.admin.post('/api/regions').send({ code: '150300', name: '乌海市', level: 'city', secret: 1 }).expect(400);
    expect(body.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'secret', code: 'UNKNOWN_FIELD' })]));
    const query = await t.admin.get('/api/students').query({ schoolID: 'typo' }).expect(400);
    expect(query.body.details).toEqual([expect.objectContaining({ field: 'schoolID', code: 'UNKNOWN_FIELD' })]);
  });

  it('a malformed id → 400 INVALID_ID, an unknown route → 404', async () => {
    const badId = await t.admin.get('/api/students/not-a-uuid').expect(400);
    expectErrorShape(badId.body);
    expect(badId.body.code).toBe('INVALID_ID');
    const route = await t.admin.get('/api/no-such-thing').expect(404);
    expectErrorShape(route.body);
  });

  it('a body over the limit → 413', async () => {
    const response = await t.admin.post('/api/regions').send({ code: '150300', name: 'x'.repeat(20_000), level: 'city' }).expect(413);
    expectErrorShape(response.body);
    expect(response.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('bad pagination → 400', async () => {
    await t.admin.get('/api/schools').query({ pageSize: 1000 }).expect(400);
    await t.admin.get('/api/schools').query({ page: 0 }).expect(400);
    await t.admin.get('/api/schools').query({ page: 'two' }).expect(400);
  });
});
