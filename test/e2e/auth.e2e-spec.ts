import { JwtService } from '@nestjs/jwt';
import { loginUser, makeUser, registerUser } from '../factories/user.factory';
import { createTestApp, type TestApp } from '../helpers/test-app';

interface UserBody {
  user: {
    email: string;
    token: string;
    username: string;
    bio: string | null;
    image: string | null;
  };
}
interface TokenPair {
  accessToken: string;
  refreshToken: string;
}

describe('Auth (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  describe('register and login (RealWorld)', () => {
    it('should register, returning the RealWorld user object with nulls and a refresh cookie', async () => {
      const input = makeUser();
      const res = await t.http().post('/api/v1/users').send({ user: input }).expect(201);
      const body = res.body as UserBody;
      expect(body.user).toEqual({
        email: input.email,
        token: expect.any(String),
        username: input.username,
        bio: null,
        image: null,
        role: 'author',
      });
      const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).join(';');
      expect(cookie).toMatch(/stoa_refresh=.+HttpOnly; SameSite=Strict/);
    });

    it('should treat emails case-insensitively and reject duplicates with 409', async () => {
      const first = await registerUser(t);
      const res = await t
        .http()
        .post('/api/v1/users')
        .send({ user: makeUser({ email: first.email.toUpperCase() }) })
        .expect(409);
      expect(res.body).toMatchObject({
        code: 'USERS.EMAIL_TAKEN',
        errors: { email: ['has already been taken'] },
      });
    });

    it('should log in with Token and Bearer schemes working on GET /user', async () => {
      const u = await registerUser(t);
      const res = await t
        .http()
        .post('/api/v1/users/login')
        .send({ user: { email: u.email.toUpperCase(), password: u.password } })
        .expect(200);
      const { token } = (res.body as UserBody).user;
      for (const scheme of ['Token', 'Bearer']) {
        const me = await t
          .http()
          .get('/api/v1/user')
          .set('Authorization', `${scheme} ${token}`)
          .expect(200);
        expect((me.body as UserBody).user).toMatchObject({ email: u.email, token });
      }
    });

    it('should answer a wrong password with 401 in the error body', async () => {
      const u = await registerUser(t);
      const res = await t
        .http()
        .post('/api/v1/users/login')
        .send({ user: { email: u.email, password: 'not the password' } })
        .expect(401);
      expect(res.body).toMatchObject({
        code: 'AUTH.INVALID_CREDENTIALS',
        statusCode: 401,
        errors: { 'email or password': ['is invalid'] },
        correlationId: expect.any(String),
      });
    });

    it('should answer a malformed login with 422 per field', async () => {
      const res = await t
        .http()
        .post('/api/v1/users/login')
        .send({ user: { email: 3 } })
        .expect(422);
      expect(Object.keys((res.body as { errors: object }).errors).sort()).toEqual([
        'email',
        'password',
      ]);
    });

    it('should update the user, accept the own email unchanged, and 409 on a taken username', async () => {
      const u = await registerUser(t);
      const other = await registerUser(t);
      const auth = { Authorization: `Token ${u.token}` };
      const res = await t
        .http()
        .put('/api/v1/user')
        .set(auth)
        .send({ user: { email: u.email, bio: 'I like tests', image: 'https://example.com/a.png' } })
        .expect(200);
      expect((res.body as UserBody).user).toMatchObject({
        email: u.email,
        bio: 'I like tests',
        image: 'https://example.com/a.png',
      });
      await t
        .http()
        .put('/api/v1/user')
        .set(auth)
        .send({ user: { username: other.username } })
        .expect(409);
    });

    it('should read blank fields of a settings form as unchanged', async () => {
      const u = await registerUser(t);
      const auth = { Authorization: `Token ${u.token}` };
      const res = await t
        .http()
        .put('/api/v1/user')
        .set(auth)
        .send({
          user: { email: '', username: '', password: '', image: '', bio: 'Set from a form' },
        })
        .expect(200);
      expect((res.body as UserBody).user).toMatchObject({
        email: u.email,
        username: u.username,
        bio: 'Set from a form',
        image: null,
      });
      await loginUser(t, u); // the password did not change
      await t
        .http()
        .put('/api/v1/user')
        .set(auth)
        .send({ user: { email: ' ' } })
        .expect(422);
    });

    it('should follow and unfollow, with `following` relative to the viewer', async () => {
      const [a, b] = [await registerUser(t), await registerUser(t)];
      const auth = { Authorization: `Token ${a.token}` };
      const followed = await t
        .http()
        .post(`/api/v1/profiles/${b.username}/follow`)
        .set(auth)
        .expect(200);
      expect(followed.body).toEqual({
        profile: { username: b.username, bio: null, image: null, following: true },
      });
      await t.http().post(`/api/v1/profiles/${b.username}/follow`).set(auth).expect(200); // idempotent
      const seen = await t.http().get(`/api/v1/profiles/${b.username}`).set(auth).expect(200);
      expect((seen.body as { profile: { following: boolean } }).profile.following).toBe(true);
      const anonymous = await t.http().get(`/api/v1/profiles/${b.username}`).expect(200);
      expect((anonymous.body as { profile: { following: boolean } }).profile.following).toBe(false);
      const unfollowed = await t
        .http()
        .delete(`/api/v1/profiles/${b.username}/follow`)
        .set(auth)
        .expect(200);
      expect((unfollowed.body as { profile: { following: boolean } }).profile.following).toBe(
        false,
      );
      await t.http().post(`/api/v1/profiles/${a.username}/follow`).set(auth).expect(400);
      await t.http().post('/api/v1/profiles/nobody_here/follow').set(auth).expect(404);
      await t.http().post(`/api/v1/profiles/${b.username}/follow`).expect(401);
    });

    it('should serve public profiles without a token and 404 unknown ones', async () => {
      const u = await registerUser(t);
      const res = await t.http().get(`/api/v1/profiles/${u.username}`).expect(200);
      expect(res.body).toEqual({
        profile: { username: u.username, bio: null, image: null, following: false },
      });
      await t.http().get('/api/v1/profiles/nobody_here').expect(404);
    });
  });

  describe('refresh tokens', () => {
    it('should rotate the refresh token on every use', async () => {
      const u = await registerUser(t);
      const first = await t
        .http()
        .post('/api/v1/auth/refresh')
        .send({ refreshToken: u.refreshToken })
        .expect(200);
      const pair = first.body as TokenPair;
      expect(pair.refreshToken).not.toEqual(u.refreshToken);
      await t
        .http()
        .get('/api/v1/user')
        .set('Authorization', `Bearer ${pair.accessToken}`)
        .expect(200);
      await t
        .http()
        .post('/api/v1/auth/refresh')
        .send({ refreshToken: pair.refreshToken })
        .expect(200);
    });

    it('should accept the refresh token from the httpOnly cookie', async () => {
      const u = await registerUser(t);
      const res = await t
        .http()
        .post('/api/v1/auth/refresh')
        .set('Cookie', `stoa_refresh=${encodeURIComponent(u.refreshToken)}`)
        .send({})
        .expect(200);
      expect((res.body as TokenPair).accessToken).toEqual(expect.any(String));
    });

    it('should revoke the whole session when an old refresh token is reused', async () => {
      const u = await registerUser(t);
      const rotated = (
        await t
          .http()
          .post('/api/v1/auth/refresh')
          .send({ refreshToken: u.refreshToken })
          .expect(200)
      ).body as TokenPair;
      // A minute later (past the rotation grace period) the stolen, already-used token comes back:
      await t.dataSource.query(
        "UPDATE sessions SET rotated_at = now() - interval '1 minute' WHERE id = $1",
        [u.refreshToken.split('.')[0]],
      );
      const reuse = await t
        .http()
        .post('/api/v1/auth/refresh')
        .send({ refreshToken: u.refreshToken })
        .expect(401);
      expect(reuse.body).toMatchObject({ code: 'AUTH.REFRESH_TOKEN_REUSED' });
      // …and the legitimate holder's newer tokens are dead too.
      await t
        .http()
        .post('/api/v1/auth/refresh')
        .send({ refreshToken: rotated.refreshToken })
        .expect(401);
      const me = await t
        .http()
        .get('/api/v1/user')
        .set('Authorization', `Bearer ${rotated.accessToken}`)
        .expect(401);
      expect(me.body).toMatchObject({ code: 'AUTH.SESSION_REVOKED' });
    });

    it('should let concurrent refreshes of one token race without ending the session', async () => {
      const u = await registerUser(t);
      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          t.http().post('/api/v1/auth/refresh').send({ refreshToken: u.refreshToken }),
        ),
      );
      const winners = results.filter((r) => r.status === 200);
      expect(winners).toHaveLength(1);
      const codes = results
        .filter((r) => r.status !== 200)
        .map((r) => (r.body as { code: string }).code);
      expect(new Set(codes)).toEqual(new Set(['AUTH.REFRESH_TOKEN_ROTATED']));
      const { accessToken, refreshToken } = winners[0].body as TokenPair;
      await t.http().get('/api/v1/user').set('Authorization', `Bearer ${accessToken}`).expect(200);
      await t.http().post('/api/v1/auth/refresh').send({ refreshToken }).expect(200);
    });

    it('should not let a guessed secret for a known session id log its owner out', async () => {
      const u = await registerUser(t);
      const [sessionId] = u.refreshToken.split('.');
      const guess = await t
        .http()
        .post('/api/v1/auth/refresh')
        .send({ refreshToken: `${sessionId}.${'A'.repeat(43)}` })
        .expect(401);
      expect(guess.body).toMatchObject({ code: 'AUTH.INVALID_REFRESH_TOKEN' });
      await t.http().get('/api/v1/user').set('Authorization', `Bearer ${u.token}`).expect(200);
      await t
        .http()
        .post('/api/v1/auth/refresh')
        .send({ refreshToken: u.refreshToken })
        .expect(200);
    });

    it('should reject garbage refresh tokens with 401', async () => {
      for (const refreshToken of [
        'nope',
        `${'0'.repeat(8)}-0000-0000-0000-000000000000.${'x'.repeat(43)}`,
      ]) {
        await t.http().post('/api/v1/auth/refresh').send({ refreshToken }).expect(401);
      }
      await t.http().post('/api/v1/auth/refresh').send({}).expect(401);
    });
  });

  describe('sessions', () => {
    it('should stop a revoked session’s access token on the next request (denylist)', async () => {
      const u = await registerUser(t);
      const auth = { Authorization: `Bearer ${u.token}` };
      await t.http().get('/api/v1/user').set(auth).expect(200);
      await t.http().post('/api/v1/auth/logout').set(auth).expect(204);
      const res = await t.http().get('/api/v1/user').set(auth).expect(401);
      expect(res.body).toMatchObject({ code: 'AUTH.SESSION_REVOKED' });
      await t
        .http()
        .post('/api/v1/auth/refresh')
        .send({ refreshToken: u.refreshToken })
        .expect(401);
    });

    it('should list sessions, revoke one, and log out everywhere', async () => {
      const u = await registerUser(t);
      const secondToken = await loginUser(t, u, 'second-device');
      const auth = { Authorization: `Bearer ${u.token}` };
      const list = await t.http().get('/api/v1/auth/sessions').set(auth).expect(200);
      const sessions = (
        list.body as { sessions: { id: string; current: boolean; userAgent: string }[] }
      ).sessions;
      expect(sessions).toHaveLength(2);
      const other = sessions.find((s) => !s.current)!;
      expect(other.userAgent).toBe('second-device');
      await t.http().delete(`/api/v1/auth/sessions/${other.id}`).set(auth).expect(204);
      await t.http().get('/api/v1/user').set('Authorization', `Bearer ${secondToken}`).expect(401);
      await t.http().delete(`/api/v1/auth/sessions/${other.id}`).set(auth).expect(404);
      await t.http().post('/api/v1/auth/logout-all').set(auth).expect(204);
      await t.http().get('/api/v1/user').set(auth).expect(401);
    });

    it('should end other sessions on password change but keep the current one', async () => {
      const u = await registerUser(t);
      const otherToken = await loginUser(t, u);
      const auth = { Authorization: `Bearer ${u.token}` };
      await t
        .http()
        .post('/api/v1/auth/password')
        .set(auth)
        .send({ currentPassword: 'wrong password', newPassword: 'a brand new password' })
        .expect(403);
      await t
        .http()
        .post('/api/v1/auth/password')
        .set(auth)
        .send({ currentPassword: u.password, newPassword: 'a brand new password' })
        .expect(204);
      await t.http().get('/api/v1/user').set(auth).expect(200);
      await t.http().get('/api/v1/user').set('Authorization', `Bearer ${otherToken}`).expect(401);
      await loginUser(t, { email: u.email, password: 'a brand new password' });
    });

    it('should reject expired and tampered access tokens', async () => {
      const u = await registerUser(t);
      const [h, p] = u.token.split('.');
      await t
        .http()
        .get('/api/v1/user')
        .set('Authorization', `Bearer ${h}.${p}.bad-signature`)
        .expect(401);
      // Same claims and key as a real token, but expired ten seconds ago.
      const { sub, sid, role, typ, iss_ms } = JSON.parse(
        Buffer.from(p, 'base64url').toString(),
      ) as Record<string, unknown>;
      const expired = await t.app
        .get(JwtService)
        .signAsync({ sub, sid, role, typ, iss_ms }, { expiresIn: -10 });
      const res = await t
        .http()
        .get('/api/v1/user')
        .set('Authorization', `Bearer ${expired}`)
        .expect(401);
      expect(res.body).toMatchObject({ code: 'AUTH.INVALID_TOKEN' });
      await t.http().get('/api/v1/user').set('Authorization', `Bearer ${u.token}`).expect(200);
    });
  });

  describe('OAuth2 password flow', () => {
    it('should issue tokens for form-encoded credentials', async () => {
      const u = await registerUser(t);
      const res = await t
        .http()
        .post('/api/v1/auth/token')
        .type('form')
        .send({ grant_type: 'password', username: u.email, password: u.password })
        .expect(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toEqual({
        access_token: expect.any(String),
        token_type: 'bearer',
        expires_in: t.config.auth.accessTtlSeconds,
        refresh_token: expect.any(String),
      });
      const refreshed = await t
        .http()
        .post('/api/v1/auth/token')
        .type('form')
        .send({
          grant_type: 'refresh_token',
          refresh_token: (res.body as { refresh_token: string }).refresh_token,
        })
        .expect(200);
      expect((refreshed.body as { access_token: string }).access_token).toEqual(expect.any(String));
    });

    it('should answer in the OAuth2 error format', async () => {
      const u = await registerUser(t);
      const bad = await t
        .http()
        .post('/api/v1/auth/token')
        .type('form')
        .send({ grant_type: 'password', username: u.email, password: 'nope nope' })
        .expect(400);
      expect(bad.body).toEqual({ error: 'invalid_grant', error_description: expect.any(String) });
      const unsupported = await t
        .http()
        .post('/api/v1/auth/token')
        .type('form')
        .send({ grant_type: 'client_credentials' })
        .expect(400);
      expect(unsupported.body).toMatchObject({ error: 'unsupported_grant_type' });
      const missing = await t
        .http()
        .post('/api/v1/auth/token')
        .type('form')
        .send({ grant_type: 'password' })
        .expect(400);
      expect(missing.body).toMatchObject({ error: 'invalid_request' });
    });
  });
});
