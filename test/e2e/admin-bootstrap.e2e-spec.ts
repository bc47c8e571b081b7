import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fromRoot } from '@/core/paths';
import { UsersService } from '@/modules/users';
import { loginUser, registerUser } from '../factories/user.factory';
import { createTestApp, type TestApp } from '../helpers/test-app';

const run = promisify(execFile);

/**
 * Someone may register the admin's email before the operator creates the admin. Neither the
 * first-start bootstrap nor the CLI may hand that account admin rights with its owner's password.
 */
describe('Admin bootstrap (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  const cli = (...args: string[]) =>
    run(process.execPath, [fromRoot('dist', 'src', 'cli.js'), ...args], {
      cwd: fromRoot(),
      // Same database and Redis namespace as the app: the CLI's revocations must reach it.
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        DATABASE_URL: t.db.url,
        ...(t.config.redis.url ? { REDIS_URL: t.config.redis.url } : {}),
        REDIS_KEY_PREFIX: t.config.redis.keyPrefix,
        JWT_SECRET: t.config.auth.jwtSecret,
        SESSION_SECRET: t.config.auth.sessionSecret,
        LOG_LEVEL: 'warn',
      },
    }).then(
      () => 0,
      (error: { code: number }) => error.code,
    );

  it('should never promote an existing account on first start', async () => {
    const squatter = await registerUser(t, { email: 'admin@stoa.local', username: 'squatter' });
    const users = t.app.get(UsersService);
    expect(await users.ensureAdmin('admin@stoa.local', 'operator-password-1')).toBeNull();
    const me = await t
      .http()
      .get('/api/v1/user')
      .set('Authorization', `Token ${squatter.token}`)
      .expect(200);
    expect((me.body as { user: { role: string } }).user.role).toBe('author');
  });

  it('should make create-admin refuse an existing account unless told to promote it', async () => {
    const squatter = await registerUser(t);
    expect(
      await cli('create-admin', '--email', squatter.email, '--password', 'operator-password-2'),
    ).toBe(1);

    expect(
      await cli(
        'create-admin',
        '--email',
        squatter.email,
        '--password',
        'operator-password-2',
        '--promote-existing',
      ),
    ).toBe(0);
    // The squatter's password and sessions are gone; the operator's password works.
    await t.http().get('/api/v1/user').set('Authorization', `Token ${squatter.token}`).expect(401);
    await t
      .http()
      .post('/api/v1/users/login')
      .send({ user: { email: squatter.email, password: squatter.password } })
      .expect(401);
    const token = await loginUser(t, { email: squatter.email, password: 'operator-password-2' });
    const me = await t
      .http()
      .get('/api/v1/user')
      .set('Authorization', `Token ${token}`)
      .expect(200);
    expect((me.body as { user: { role: string } }).user.role).toBe('admin');
  });

  it('should seed demo accounts and blog content idempotently', async () => {
    expect(await cli('seed')).toBe(0);
    expect(await cli('seed')).toBe(0);
    const [counts] = await t.dataSource.query<{ articles: number; comments: number }[]>(
      `SELECT (SELECT count(*) FROM articles)::int AS articles, (SELECT count(*) FROM comments)::int AS comments`,
    );
    expect(counts).toEqual({ articles: 4, comments: 8 });
    const list = await t.http().get('/api/v1/articles?author=jake').expect(200);
    expect((list.body as { articlesCount: number }).articlesCount).toBe(2);
  });

  it('should create a new admin from the CLI', async () => {
    expect(
      await cli(
        'create-admin',
        '--email',
        'ops@example.test',
        '--password',
        'ops-password-3',
        '--username',
        'ops',
      ),
    ).toBe(0);
    await loginUser(t, { email: 'ops@example.test', password: 'ops-password-3' });
  });
});
