import { makeUser } from '../factories/user.factory';
import { createTestApp, type TestApp } from '../helpers/test-app';

describe('Rate limiting (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      env: { THROTTLE_LIMIT: '8', AUTH_THROTTLE_LIMIT: '3', THROTTLE_TTL_SECONDS: '60' },
    });
  });

  afterAll(async () => {
    await t.close();
  });

  it('should apply the strict auth limit to login with 429 and Retry-After', async () => {
    const body = { user: { email: makeUser().email, password: 'whatever pw' } };
    for (let i = 0; i < 3; i++) await t.http().post('/api/v1/users/login').send(body).expect(401);
    const res = await t.http().post('/api/v1/users/login').send(body).expect(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.body).toMatchObject({
      code: 'HTTP.RATE_LIMITED',
      statusCode: 429,
      errors: { body: expect.any(Array) },
    });
  });

  it('should apply the default limit to other routes, GraphQL included', async () => {
    // Guards run per resolver, so the query must reach one: `me` (401 until the limit, then 429).
    const codes: string[] = [];
    let retryAfter: string | undefined;
    for (let i = 0; i < 9; i++) {
      const res = await t.http().post('/graphql').send({ query: '{ me { username } }' });
      codes.push(
        (res.body as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code,
      );
      retryAfter = res.headers['retry-after'];
    }
    expect(codes.slice(0, 8)).toEqual(Array(8).fill('UNAUTHENTICATED'));
    expect(codes[8]).toBe('RATE_LIMITED');
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });
});
