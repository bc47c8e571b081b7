import request from 'supertest';
import { registerUser } from '../factories/user.factory';
import { createTestApp, type TestApp } from '../helpers/test-app';

function csrfFrom(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no CSRF token in page');
  return match[1];
}

/** Runs the same scenarios with Redis-backed and PostgreSQL-backed cookie sessions. */
describe.each([
  ['Redis', false],
  ['PostgreSQL', true],
])('Account pages with %s session store (e2e)', (_store, withoutRedis) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ withoutRedis });
  });

  afterAll(async () => {
    await t.close();
  });

  it('should render the login form with a CSRF token', async () => {
    const res = await t.http().get('/account/login').expect(200).expect('Content-Type', /html/);
    expect(res.text).toContain('<form method="post" action="/account/login"');
    expect(csrfFrom(res.text).length).toBeGreaterThan(20);
  });

  it('should reject a form post without a CSRF token with 403', async () => {
    const agent = request.agent(t.app.getHttpServer());
    await agent.get('/account/login').expect(200);
    const u = await registerUser(t);
    const res = await agent
      .post('/account/login')
      .type('form')
      .send({ email: u.email, password: u.password, _csrf: 'forged' })
      .expect(403);
    expect(res.text).toContain('SECURITY.CSRF');
    await agent
      .post('/account/login')
      .type('form')
      .send({ email: u.email, password: u.password })
      .expect(403);
  });

  it('should sign in, list sessions, revoke one and sign out — every post CSRF-protected', async () => {
    const u = await registerUser(t); // the registration itself is one session
    const agent = request.agent(t.app.getHttpServer());
    const page = await agent.get('/account/login').expect(200);
    const wrong = await agent
      .post('/account/login')
      .type('form')
      .send({ email: u.email, password: 'wrong password', _csrf: csrfFrom(page.text) })
      .expect(401);
    expect(wrong.text).toContain('Email or password is invalid.');

    const login = await agent
      .post('/account/login')
      .type('form')
      .send({
        email: u.email,
        password: u.password,
        _csrf: csrfFrom(wrong.text),
        next: '/account/sessions',
      })
      .expect(303);
    expect(login.headers.location).toBe('/account/sessions');

    const sessions = await agent.get('/account/sessions').expect(200);
    expect(sessions.text).toContain(u.username);
    const ids = [
      ...sessions.text.matchAll(/action="\/account\/sessions\/([0-9a-f-]{36})\/revoke"/g),
    ].map((m) => m[1]);
    expect(ids).toHaveLength(2);

    // Revoke without the token: refused.
    await agent.post(`/account/sessions/${ids[0]}/revoke`).type('form').send({}).expect(403);
    await agent
      .post(`/account/sessions/${ids[0]}/revoke`)
      .type('form')
      .send({ _csrf: 'nope' })
      .expect(403);

    // Revoke the API session (the one from registration), with the token.
    const apiSession = (
      (
        await t
          .http()
          .get('/api/v1/auth/sessions')
          .set('Authorization', `Bearer ${u.token}`)
          .expect(200)
      ).body as {
        sessions: { id: string; current: boolean }[];
      }
    ).sessions.find((s) => s.current)!.id;
    expect(ids).toContain(apiSession);
    const revoked = await agent
      .post(`/account/sessions/${apiSession}/revoke`)
      .type('form')
      .send({ _csrf: csrfFrom(sessions.text) })
      .expect(303);
    expect(revoked.headers.location).toBe('/account/sessions');
    await t.http().get('/api/v1/user').set('Authorization', `Bearer ${u.token}`).expect(401);

    const after = await agent.get('/account/sessions').expect(200);
    expect(after.text).toContain('Session revoked.');
    await agent
      .post('/account/logout')
      .type('form')
      .send({ _csrf: csrfFrom(after.text) })
      .expect(303);
    const gone = await agent.get('/account/sessions').expect(303);
    expect(gone.headers.location).toBe('/account/login?next=%2Faccount%2Fsessions');
  });

  it('should not follow an off-site `next` after login', async () => {
    const u = await registerUser(t);
    const agent = request.agent(t.app.getHttpServer());
    const page = await agent.get('/account/login?next=//evil.example').expect(200);
    expect(page.text).toContain('value="/account/sessions"');
    await agent
      .post('/account/login')
      .type('form')
      .send({
        email: u.email,
        password: u.password,
        _csrf: csrfFrom(page.text),
        next: '//evil.example',
      })
      .expect(422);
  });
});
