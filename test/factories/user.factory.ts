import { randomBytes } from 'node:crypto';
import type { TestApp } from '../helpers/test-app';
import { type Role } from '@/core/auth/permissions';
import { UsersService } from '@/modules/users';

let counter = 0;

export interface UserInput {
  username: string;
  email: string;
  password: string;
}

/** An unsaved, unique user (in memory). */
export function makeUser(overrides: Partial<UserInput> = {}): UserInput {
  const id = `${Date.now().toString(36)}${(counter++).toString(36)}${randomBytes(2).toString('hex')}`;
  return {
    username: `user_${id}`,
    email: `user_${id}@example.test`,
    password: 'correct horse battery',
    ...overrides,
  };
}

export interface RegisteredUser extends UserInput {
  token: string;
  refreshToken: string;
}

/** Registers through the public API, as a client would; returns the tokens. */
export async function registerUser(
  t: TestApp,
  overrides: Partial<UserInput> = {},
): Promise<RegisteredUser> {
  const input = makeUser(overrides);
  const res = await t.http().post('/api/v1/users').send({ user: input }).expect(201);
  const body = res.body as { user: { token: string } };
  const cookie = ([] as string[])
    .concat(res.headers['set-cookie'] ?? [])
    .find((c) => c.startsWith('stoa_refresh='));
  const refreshToken = decodeURIComponent(cookie?.split(';')[0].split('=')[1] ?? '');
  return { ...input, token: body.user.token, refreshToken };
}

/** Creates a user directly through the service (for roles registration does not grant). */
export async function createUserWithRole(
  t: TestApp,
  role: Role,
  overrides: Partial<UserInput> = {},
) {
  const input = makeUser(overrides);
  const user = await t.app.get(UsersService).create({ ...input, role });
  const res = await t
    .http()
    .post('/api/v1/users/login')
    .send({ user: { email: input.email, password: input.password } })
    .expect(200);
  return { ...input, id: user.id, token: (res.body as { user: { token: string } }).user.token };
}

/** Logs in through the RealWorld endpoint (a new session); returns the access token. */
export async function loginUser(
  t: TestApp,
  credentials: { email: string; password: string },
  userAgent = 'stoa-tests',
): Promise<string> {
  const res = await t
    .http()
    .post('/api/v1/users/login')
    .set('User-Agent', userAgent)
    .send({ user: { email: credentials.email, password: credentials.password } })
    .expect(200);
  return (res.body as { user: { token: string } }).user.token;
}
