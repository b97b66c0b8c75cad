import { signAccessToken } from '../../src/modules/auth/jwt';
import { clientFor, createUser, login, signedInAs, TEST_PASSWORD } from '../helpers/auth';
import { studentNumber } from '../helpers/roster-builders';
import { startTestApp, TEST_AUTH_SECRET, type TestApp } from '../helpers/test-app';

describe('authentication, masking and the audit trail', () => {
  let t: TestApp;
  let schoolId: string;
  let otherSchoolId: string;
  let studentId: string;
  const number = studentNumber('20120305', '021');

  const auditRows = async (where: string, params: unknown[] = []) =>
    t.db.dataSource.query(`SELECT action, operation, target_type, target_id, outcome, actor_username, purpose, request_id FROM audit_events WHERE ${where} ORDER BY id`, params);

  beforeAll(async () => {
    t = await startTestApp({ loginAttemptsPerMinute: 1000 });
    const city = (await t.admin.post('/api/regions').send({ code: '150300', name: '乌海市', level: 'city' }).expect(201)).body;
    const district = (await t.admin.post('/api/regions').send({ code: '150302', name: '海勃湾区', level: 'district', parentId: city.id }).expect(201)).body;
    schoolId = (await t.admin.post('/api/schools').send({ code: '3115030201', name: '一中', stage: 'junior', regionId: district.id }).expect(201)).body.id;
    otherSchoolId = (await t.admin.post('/api/schools').send({ code: '3115030202', name: '二中', stage: 'junior', regionId: district.id }).expect(201)).body.id;
    studentId = (await t.admin.post('/api/students').send({ studentNumber: number, name: '张伟', sexCode: '1', birthDate: '2012-03-05', ethnicityCode: '01', schoolId }).expect(201)).body.id;
  });
  afterAll(() => t.close());

  describe('login', () => {
    it('returns a short-lived access token and a refresh token, and records the success', async () => {
      const user = await createUser(t.db.dataSource, [{ role: 'school_admin', schoolId }], 'login-ok');
      const response = await t.http.post('/api/auth/login').send({ username: 'login-ok', password: TEST_PASSWORD }).expect(200);
      expect(response.body).toEqual({ accessToken: expect.any(String), refreshToken: expect.any(String), tokenType: 'Bearer', expiresIn: 900, refreshExpiresAt: expect.any(String) });
      const me = await t.http.get('/api/users/me').set('Authorization', `Bearer ${response.body.accessToken}`).expect(200);
      expect(me.body).toMatchObject({ id: user.id, username: 'login-ok', roles: [{ role: 'school_admin', schoolId }] });
      expect(await auditRows("action = 'auth.login' AND actor_username = 'login-ok'")).toEqual([expect.objectContaining({ outcome: 'success', target_id: user.id })]);
    });

    it('answers a wrong password and an unknown user alike, and records both failures', async () => {
      await createUser(t.db.dataSource, [{ role: 'school_admin', schoolId }], 'login-bad');
      const wrong = await t.http.post('/api/auth/login').send({ username: 'login-bad', password: 'Not-the-password-1' }).expect(401);
      const unknown = await t.http.post('/api/auth/login').send({ username: 'no-such-user', password: 'Not-the-password-1' }).expect(401);
      expect(wrong.body.code).toBe('INVALID_CREDENTIALS');
      expect(unknown.body.code).toBe('INVALID_CREDENTIALS');
      expect(wrong.body.message).toBe(unknown.body.message);
      expect(await auditRows("action = 'auth.login' AND actor_username IN ('login-bad', 'no-such-user')")).toEqual([
        expect.objectContaining({ actor_username: 'login-bad', outcome: 'failure' }),
        expect.objectContaining({ actor_username: 'no-such-user', outcome: 'failure', target_id: null }),
      ]);
    });

    it('locks the account for 15 minutes after five failed passwords', async () => {
      await createUser(t.db.dataSource, [{ role: 'school_admin', schoolId }], 'lock-me');
      for (let attempt = 1; attempt <= 5; attempt += 1) {
        await t.http.post('/api/auth/login').send({ username: 'lock-me', password: 'Wrong-password-99' }).expect(401);
      }
      const locked = await t.http.post('/api/auth/login').send({ username: 'lock-me', password: TEST_PASSWORD }).expect(423);
      expect(locked.body.code).toBe('ACCOUNT_LOCKED');
      const [{ minutes }] = await t.db.dataSource.query("SELECT round(extract(epoch FROM locked_until - now()) / 60) AS minutes FROM users WHERE username = 'lock-me'");
      expect(Number(minutes)).toBe(15);
      // fifteen minutes later
      await t.db.dataSource.query("UPDATE users SET locked_until = now() - interval '1 second' WHERE username = 'lock-me'");
      await t.http.post('/api/auth/login').send({ username: 'lock-me', password: TEST_PASSWORD }).expect(200);
    });

    it('rate-limits logins per address', async () => {
      const limited = await startTestApp({ loginAttemptsPerMinute: 3 });
      try {
        // startTestApp's own admin sign-in used one attempt
        await limited.http.post('/api/auth/login').send({ username: 'x-user', password: 'Wrong-password-99' }).expect(401);
        await limited.http.post('/api/auth/login').send({ username: 'x-user', password: 'Wrong-password-99' }).expect(401);
        const blocked = await limited.http.post('/api/auth/login').send({ username: 'x-user', password: 'Wrong-password-99' }).expect(429);
        expect(blocked.body.code).toBe('TOO_MANY_REQUESTS');
      } finally {
        await limited.close();
      }
    });
  });

  describe('access tokens', () => {
    it('refuses a missing, tampered or expired token', async () => {
      const missing = await t.http.get('/api/users/me').expect(401);
      expect(missing.body.code).toBe('UNAUTHENTICATED');
      const [header, payload, signature] = t.admin.accessToken.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
      const forged = Buffer.from(JSON.stringify({ ...claims, sub: '00000000-0000-4000-8000-000000000000' })).toString('base64url');
      const tampered = await t.http.get('/api/users/me').set('Authorization', `Bearer ${header}.${forged}.${signature}`).expect(401);
      expect(tampered.body.code).toBe('INVALID_TOKEN');
      const now = Math.floor(Date.now() / 1000);
      const expired = signAccessToken({ sub: t.admin.user.id, iat: now - 1000, exp: now - 1, jti: 'x' }, TEST_AUTH_SECRET);
      expect((await t.http.get('/api/users/me').set('Authorization', `Bearer ${expired}`).expect(401)).body.code).toBe('TOKEN_EXPIRED');
      const otherKey = signAccessToken({ sub: t.admin.user.id, iat: now, exp: now + 60, jti: 'y' }, 'some-other-secret-that-is-long-enough!!');
      expect((await t.http.get('/api/users/me').set('Authorization', `Bearer ${otherKey}`).expect(401)).body.code).toBe('INVALID_TOKEN');
    });
  });

  describe('refresh tokens', () => {
    it('rotate on use; a reused token is refused and revokes its whole family', async () => {
      await createUser(t.db.dataSource, [{ role: 'school_admin', schoolId }], 'rotator');
      const first = await login(t.app, 'rotator');
      const second = (await t.http.post('/api/auth/refresh').send({ refreshToken: first.refreshToken }).expect(200)).body;
      expect(second.refreshToken).not.toBe(first.refreshToken);
      await t.http.get('/api/users/me').set('Authorization', `Bearer ${second.accessToken}`).expect(200);
      const reused = await t.http.post('/api/auth/refresh').send({ refreshToken: first.refreshToken }).expect(401);
      expect(reused.body.code).toBe('REFRESH_TOKEN_REUSED');
      // the family is revoked: the token issued by the legitimate rotation dies too
      expect((await t.http.post('/api/auth/refresh').send({ refreshToken: second.refreshToken }).expect(401)).body.code).toBe('REFRESH_TOKEN_REUSED');
      const [{ hashed }] = await t.db.dataSource.query(
        "SELECT bool_and(length(token_hash) = 64 AND position(token_hash IN $1) = 0) AS hashed FROM refresh_tokens rt JOIN users u ON u.id = rt.user_id WHERE u.username = 'rotator'",
        [first.refreshToken],
      );
      expect(hashed).toBe(true);
    });

    it('logout revokes the sign-in', async () => {
      await createUser(t.db.dataSource, [{ role: 'school_admin', schoolId }], 'leaver');
      const tokens = await login(t.app, 'leaver');
      await t.http.post('/api/auth/logout').send({ refreshToken: tokens.refreshToken }).expect(204);
      expect((await t.http.post('/api/auth/refresh').send({ refreshToken: tokens.refreshToken }).expect(401)).body.code).toBe('REFRESH_TOKEN_REUSED');
    });

    it('refuses malformed and unknown refresh tokens', async () => {
      expect((await t.http.post('/api/auth/refresh').send({ refreshToken: 'not-a-token-at-all' }).expect(401)).body.code).toBe('INVALID_REFRESH_TOKEN');
      await t.http.post('/api/auth/refresh').send({}).expect(400);
    });
  });

  describe('users and grants', () => {
    it('enforces the password policy', async () => {
      const response = await t.admin.post('/api/users').send({ username: 'weakling', displayName: 'x', password: 'short', roles: [{ role: 'school_admin', schoolId }] }).expect(400);
      expect(response.body.code).toBe('WEAK_PASSWORD');
      expect(response.body.details.length).toBeGreaterThan(0);
    });

    it('a school admin cannot create a city admin, grant above their own, or grant outside their school', async () => {
      const schoolAdmin = await signedInAs(t.app, t.db.dataSource, [{ role: 'school_admin', schoolId }]);
      const body = (roles: unknown[]) => ({ username: `u${Math.random().toString(36).slice(2, 10)}`, displayName: 'x', password: 'Long-enough-Pass-42', roles });
      expect((await schoolAdmin.post('/api/users').send(body([{ role: 'city_admin' }])).expect(403)).body.code).toBe('ROLE_ABOVE_OWN');
      const [district] = await t.db.dataSource.query("SELECT id FROM regions WHERE code = '150302'");
      expect((await schoolAdmin.post('/api/users').send(body([{ role: 'district_officer', regionId: district.id }])).expect(403)).body.code).toBe('ROLE_ABOVE_OWN');
      expect((await schoolAdmin.post('/api/users').send(body([{ role: 'registrar', schoolId: otherSchoolId }])).expect(403)).body.code).toBe('ROLE_ABOVE_OWN');
      await schoolAdmin.post('/api/users').send(body([{ role: 'registrar', schoolId }])).expect(201);
      await schoolAdmin.post('/api/users').send(body([{ role: 'student', studentId }])).expect(201);
      expect((await schoolAdmin.post('/api/users').send(body([{ role: 'teacher', schoolId }])).expect(400)).body.code).toBe('INVALID_ROLE_TARGET');
    });
  });

  describe('field masking', () => {
    it('masks the 学籍号 for every role but the registrar of the student’s school, whose read is audited', async () => {
      const masked = `${number.slice(0, 5)}**********${number.slice(-4)}`;
      for (const roles of [[{ role: 'school_admin' as const, schoolId }], [{ role: 'student' as const, studentId }]]) {
        const client = await signedInAs(t.app, t.db.dataSource, roles);
        expect((await client.get(`/api/students/${studentId}`).expect(200)).body.studentNumber).toBe(masked);
      }
      expect((await t.admin.get(`/api/students/${studentId}`).expect(200)).body.studentNumber).toBe(masked);
      const otherRegistrar = await signedInAs(t.app, t.db.dataSource, [
        { role: 'registrar', schoolId: otherSchoolId },
        { role: 'school_admin', schoolId },
      ]);
      expect((await otherRegistrar.get(`/api/students/${studentId}`).expect(200)).body.studentNumber).toBe(masked);

      const registrar = await signedInAs(t.app, t.db.dataSource, [{ role: 'registrar', schoolId }]);
      const read = await registrar.get(`/api/students/${studentId}`).set('X-Request-Id', 'identity-read-1').expect(200);
      expect(read.body.studentNumber).toBe(number);
      expect(await auditRows("action = 'read.identity' AND request_id = 'identity-read-1'")).toEqual([
        expect.objectContaining({ target_type: 'student', target_id: studentId, outcome: 'success', actor_username: registrar.user.username }),
      ]);
    });
  });

  describe('audit trail', () => {
    it('records writes and bureau reads of student-level data with their purpose', async () => {
      const [district] = await t.db.dataSource.query("SELECT id FROM regions WHERE code = '150302'");
      const officer = await signedInAs(t.app, t.db.dataSource, [{ role: 'district_officer', regionId: district.id }]);
      await officer.get(`/api/students/${studentId}`).set('X-Request-Id', 'bureau-read-1').set('X-Access-Purpose', encodeURIComponent('抽查核验')).expect(200);
      expect(await auditRows("request_id = 'bureau-read-1'")).toEqual([
        expect.objectContaining({ action: 'read.student', target_id: studentId, purpose: '抽查核验', outcome: 'success' }),
      ]);
      // a school's own staff reading its students is not a bureau read
      const schoolAdmin = await signedInAs(t.app, t.db.dataSource, [{ role: 'school_admin', schoolId }]);
      await schoolAdmin.get(`/api/students/${studentId}`).set('X-Request-Id', 'school-read-1').expect(200);
      expect(await auditRows("request_id = 'school-read-1'")).toEqual([]);

      await schoolAdmin.patch(`/api/students/${studentId}`).set('X-Request-Id', 'write-1').send({ name: '张伟' }).expect(200);
      await schoolAdmin.patch('/api/students/00000000-0000-4000-8000-000000000000').set('X-Request-Id', 'write-2').send({ name: 'x' }).expect(404);
      expect(await auditRows("request_id IN ('write-1', 'write-2')")).toEqual([
        expect.objectContaining({ action: 'write', operation: 'PATCH /api/students/:id', target_id: studentId, outcome: 'success' }),
        expect.objectContaining({ action: 'write', operation: 'PATCH /api/students/:id', outcome: '404' }),
      ]);
    });

    it('is searchable by city admins by actor, target and time; nobody else', async () => {
      const from = new Date(Date.now() - 3_600_000).toISOString();
      const byTarget = await t.admin.get('/api/audit-events').query({ targetId: studentId, from }).expect(200);
      expect(byTarget.body.total).toBeGreaterThan(0);
      expect(byTarget.body.items.every((e: { targetId: string }) => e.targetId === studentId)).toBe(true);
      const byActor = await t.admin.get('/api/audit-events').query({ actorUserId: t.admin.user.id, action: 'auth.login' }).expect(200);
      expect(byActor.body.items[0]).toMatchObject({ actorUsername: 'city-admin', action: 'auth.login', outcome: 'success' });
      const future = await t.admin.get('/api/audit-events').query({ from: new Date(Date.now() + 3_600_000).toISOString() }).expect(200);
      expect(future.body.total).toBe(0);
      await t.admin.get('/api/audit-events').query({ from: 'yesterday' }).expect(400);
      await t.admin.get('/api/audit-events').query({ actor: 'x' }).expect(400);
      const schoolAdmin = await signedInAs(t.app, t.db.dataSource, [{ role: 'school_admin', schoolId }]);
      expect((await schoolAdmin.get('/api/audit-events').expect(403)).body.code).toBe('FORBIDDEN');
    });

    it('cannot be changed or removed: the database refuses UPDATE, DELETE and TRUNCATE', async () => {
      await expect(t.db.dataSource.query("UPDATE audit_events SET outcome = 'edited'")).rejects.toThrow(/append-only/);
      await expect(t.db.dataSource.query('DELETE FROM audit_events')).rejects.toThrow(/append-only/);
      await expect(t.db.dataSource.query('TRUNCATE audit_events')).rejects.toThrow(/append-only/);
      const [{ count }] = await t.db.dataSource.query('SELECT count(*)::int AS count FROM audit_events');
      expect(count).toBeGreaterThan(0);
    });
  });

  describe('HTTP hardening', () => {
    it('sends security headers and allows only configured CORS origins', async () => {
      const response = await t.http.get('/health').set('Origin', 'https://evil.example').expect(200);
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['x-frame-options']).toBeDefined();
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
      const allowed = await startTestApp({ corsOrigins: ['https://wuyu.example.cn'] });
      try {
        const ok = await allowed.http.get('/health').set('Origin', 'https://wuyu.example.cn').expect(200);
        expect(ok.headers['access-control-allow-origin']).toBe('https://wuyu.example.cn');
      } finally {
        await allowed.close();
      }
    });

    it('never leaks stack traces or SQL', async () => {
      const client = clientFor(t.app, t.admin.user, t.admin);
      const response = await client.get('/api/students').query({ name: "'; DROP TABLE students; --" }).expect(200);
      expect(response.body.items).toEqual([]);
    });
  });
});
