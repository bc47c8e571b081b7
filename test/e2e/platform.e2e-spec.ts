import { createUserWithRole, registerUser } from '../factories/user.factory';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { Role } from '@/core/auth/permissions';

const ERROR_BODY = {
  errors: expect.any(Object),
  code: expect.any(String),
  message: expect.any(String),
  statusCode: expect.any(Number),
  correlationId: expect.any(String),
};

describe('HTTP platform (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { CORS_ORIGINS: 'https://app.example.test' } });
  });

  afterAll(async () => {
    await t.close();
  });

  describe('error body', () => {
    it('should answer unknown routes with 404 in the error body', async () => {
      const res = await t.http().get('/api/v1/does-not-exist').expect(404);
      expect(res.body).toEqual({ ...ERROR_BODY, statusCode: 404, code: 'HTTP.NOT_FOUND' });
    });

    it('should answer paths outside /api and malformed URLs in the same JSON body', async () => {
      const missing = await t.http().get('/no-such-page').expect(404);
      expect(missing.body).toMatchObject({
        ...ERROR_BODY,
        statusCode: 404,
        code: 'HTTP.NOT_FOUND',
      });
      const malformed = await t.http().get('/%ff');
      expect(malformed.status).toBeGreaterThanOrEqual(400);
      expect(malformed.status).toBeLessThan(500);
      expect(malformed.body).toMatchObject({ ...ERROR_BODY, statusCode: malformed.status });
    });

    it('should answer validation failures with 422 and one entry per bad field', async () => {
      const res = await t
        .http()
        .post('/api/v1/users')
        .send({ user: { username: 'ab', email: 'not-an-email', password: 'short' }, admin: true })
        .expect(422);
      expect(res.body).toMatchObject({
        ...ERROR_BODY,
        statusCode: 422,
        code: 'COMMON.VALIDATION_FAILED',
      });
      expect(Object.keys((res.body as { errors: object }).errors).sort()).toEqual([
        'admin',
        'email',
        'password',
        'username',
      ]);
    });

    it('should answer a missing envelope and malformed JSON with 4xx, never 500', async () => {
      await t.http().post('/api/v1/users').send({}).expect(422);
      const res = await t
        .http()
        .post('/api/v1/users')
        .set('Content-Type', 'application/json')
        .send('{"user":')
        .expect(400);
      expect(res.body).toMatchObject({ ...ERROR_BODY, statusCode: 400 });
    });

    it('should refuse hostile bodies cheaply with 4xx: deep, wide, huge, NUL bytes', async () => {
      const deep = `{"user":${'{"a":'.repeat(5_000)}"x"${'}'.repeat(5_001)}`;
      const tooDeep = await t
        .http()
        .post('/api/v1/users')
        .set('Content-Type', 'application/json')
        .send(deep)
        .expect(400);
      expect(tooDeep.body).toMatchObject({ code: 'HTTP.INPUT_TOO_COMPLEX' });
      const wide = Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`k${i}`, 1]));
      await t.http().post('/api/v1/users').send({ user: wide }).expect(400);
      const huge = { user: { username: 'x'.repeat(200_000) } };
      await t.http().post('/api/v1/users').send(huge).expect(413);
      const nul = await t
        .http()
        .post('/api/v1/users')
        .send({ user: { username: 'nul\u0000user', email: 'n@x.test', password: 'long enough 1' } })
        .expect(422);
      expect(nul.body).toMatchObject({ errors: { body: ['must not contain NUL characters'] } });
      await t.http().get('/api/v1/profiles/a%00b').expect(422);
    });

    it('should answer 401 without a token and 403 without the permission', async () => {
      const noToken = await t.http().get('/api/v1/admin/users').expect(401);
      expect(noToken.body).toMatchObject({ ...ERROR_BODY, code: 'AUTH.UNAUTHENTICATED' });
      const u = await registerUser(t);
      const forbidden = await t
        .http()
        .get('/api/v1/admin/users')
        .set('Authorization', `Bearer ${u.token}`)
        .expect(403);
      expect(forbidden.body).toMatchObject({
        ...ERROR_BODY,
        code: 'AUTH.FORBIDDEN',
        statusCode: 403,
      });
    });

    it('should reject an invalid token even on a public route with 401', async () => {
      await t
        .http()
        .get('/api/v1/profiles/someone')
        .set('Authorization', 'Token not-a-jwt')
        .expect(401);
    });

    it('should answer 409 on conflicts', async () => {
      const u = await registerUser(t);
      const res = await t
        .http()
        .post('/api/v1/users')
        .send({
          user: { username: u.username, email: 'fresh@example.test', password: 'long enough pw' },
        })
        .expect(409);
      expect(res.body).toMatchObject({
        ...ERROR_BODY,
        code: 'USERS.USERNAME_TAKEN',
        errors: { username: expect.any(Array) },
      });
    });

    it('should echo a valid X-Request-Id and use it as the correlation id', async () => {
      const res = await t
        .http()
        .get('/api/v1/nope')
        .set('X-Request-Id', 'trace-abc.123')
        .expect(404);
      expect(res.headers['x-request-id']).toBe('trace-abc.123');
      expect((res.body as { correlationId: string }).correlationId).toBe('trace-abc.123');
      const unsafe = await t
        .http()
        .get('/api/v1/nope')
        .set('X-Request-Id', 'bad id with spaces!')
        .expect(404);
      expect(unsafe.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe('admin users', () => {
    it('should list users with paging and a whitelisted sort, and change a role', async () => {
      const admin = await createUserWithRole(t, Role.Admin);
      const u = await registerUser(t);
      const auth = { Authorization: `Bearer ${admin.token}` };
      const list = await t
        .http()
        .get('/api/v1/admin/users?limit=1&sort=-createdAt')
        .set(auth)
        .expect(200);
      const body = list.body as {
        users: { id: string; username: string; role: string }[];
        total: number;
      };
      expect(body.users).toHaveLength(1);
      expect(body.total).toBeGreaterThanOrEqual(2);
      await t.http().get('/api/v1/admin/users?sort=passwordHash').set(auth).expect(422);
      const admins = await t
        .http()
        .get('/api/v1/admin/users?role=admin&sort=username')
        .set(auth)
        .expect(200);
      const adminList = (admins.body as typeof body).users;
      expect(adminList.length).toBeGreaterThan(0);
      expect(adminList.every((x) => x.role === 'admin')).toBe(true);
      const names = adminList.map((x) => x.username);
      expect(names).toEqual([...names].sort());
      await t.http().get('/api/v1/admin/users?limit=101').set(auth).expect(422);
      const all = await t.http().get(`/api/v1/admin/users?limit=100`).set(auth).expect(200);
      const target = (all.body as typeof body).users.find((x) => x.username === u.username)!;
      const changed = await t
        .http()
        .patch(`/api/v1/admin/users/${target.id}/role`)
        .set(auth)
        .send({ role: 'editor' })
        .expect(200);
      expect(changed.body).toMatchObject({ id: target.id, role: 'editor' });
      await t
        .http()
        .patch(`/api/v1/admin/users/${target.id}/role`)
        .set(auth)
        .send({ role: 'god' })
        .expect(422);
      await t
        .http()
        .patch('/api/v1/admin/users/not-a-uuid/role')
        .set(auth)
        .send({ role: 'editor' })
        .expect(404);
    });
  });

  describe('security headers, CORS, compression, static files', () => {
    it('should send helmet headers and a CSP', async () => {
      const res = await t.http().get('/api/health/live').expect(200);
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-powered-by']).toBeUndefined();
    });

    it('should allow configured origins with credentials and refuse others', async () => {
      const ok = await t
        .http()
        .options('/api/v1/user')
        .set('Origin', 'https://app.example.test')
        .set('Access-Control-Request-Method', 'GET')
        .expect(204);
      expect(ok.headers['access-control-allow-origin']).toBe('https://app.example.test');
      expect(ok.headers['access-control-allow-credentials']).toBe('true');
      const no = await t
        .http()
        .options('/api/v1/user')
        .set('Origin', 'https://evil.example')
        .set('Access-Control-Request-Method', 'GET');
      expect(no.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('should compress large responses', async () => {
      const res = await t.http().get('/docs-json').set('Accept-Encoding', 'gzip').expect(200);
      expect(res.headers['content-encoding']).toBe('gzip');
    });

    it('should serve static files from public/', async () => {
      const res = await t.http().get('/').expect(200);
      expect(res.text).toContain('<title>Stoa</title>');
      await t.http().get('/styles.css').expect(200).expect('Content-Type', /css/);
    });
  });

  describe('API docs', () => {
    it('should serve Swagger UI, ReDoc and the OpenAPI JSON with operation ids and auth schemes', async () => {
      await t.http().get('/docs').expect(200).expect('Content-Type', /html/);
      const redoc = await t.http().get('/redoc').expect(200);
      expect(redoc.text).toContain('/redoc/redoc.standalone.js');
      await t
        .http()
        .get('/redoc/redoc.standalone.js')
        .expect(200)
        .expect('Content-Type', /javascript/);
      const spec = (await t.http().get('/docs-json').expect(200)).body as {
        paths: Record<string, Record<string, { operationId: string }>>;
        components: { securitySchemes: Record<string, unknown>; schemas: Record<string, unknown> };
      };
      expect(spec.paths['/api/v1/users'].post.operationId).toBe('register');
      expect(spec.components.securitySchemes).toHaveProperty('bearer');
      expect(spec.components.securitySchemes).toHaveProperty('oauth2');
      expect(spec.components.schemas).toHaveProperty('ErrorBody');
    });
  });

  describe('health and metrics', () => {
    it('should report liveness and readiness', async () => {
      await t.http().get('/api/health/live').expect(200, { status: 'ok' });
      const ready = await t.http().get('/api/health/ready').expect(200);
      expect(ready.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
    });

    it('should expose Prometheus metrics with route templates, DB pool and queue counts', async () => {
      const u = await registerUser(t);
      await t.http().get(`/api/v1/profiles/${u.username}`).expect(200);
      const res = await t.http().get('/metrics').expect(200);
      expect(res.headers['content-type']).toContain('text/plain');
      expect(res.text).toMatch(
        /http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/profiles\/:username",status_code="200"\} \d+/,
      );
      expect(res.text).toMatch(/db_pool_connections\{state="total"\} \d+/);
      expect(res.text).toMatch(/queue_jobs\{queue="mail",state="waiting"\} \d+/);
      expect(res.text).not.toContain(u.username);
    });
  });
});

describe('HTTP platform with a metrics token (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { METRICS_TOKEN: 'scrape-me' } });
  });

  afterAll(async () => {
    await t.close();
  });

  it('should protect /metrics with the configured bearer token', async () => {
    await t.http().get('/metrics').expect(401);
    await t.http().get('/metrics').set('Authorization', 'Bearer wrong').expect(401);
    await t.http().get('/metrics').set('Authorization', 'Bearer scrape-me').expect(200);
  });
});
