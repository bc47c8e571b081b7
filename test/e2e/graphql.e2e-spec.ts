import { registerUser } from '../factories/user.factory';
import { createTestApp, type TestApp } from '../helpers/test-app';

interface GqlResponse<T> {
  data?: T | null;
  errors?: {
    message: string;
    extensions: {
      code: string;
      domainCode?: string;
      statusCode?: number;
      errors?: Record<string, string[]>;
    };
  }[];
}

describe('GraphQL (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { GRAPHQL_MAX_DEPTH: '3', GRAPHQL_MAX_COMPLEXITY: '20' } });
  });

  afterAll(async () => {
    await t.close();
  });

  const gql = async <T>(
    query: string,
    variables?: object,
    token?: string,
  ): Promise<GqlResponse<T>> => {
    const req = t.http().post('/graphql').set('Content-Type', 'application/json');
    if (token) req.set('Authorization', `Bearer ${token}`);
    return (await req.send({ query, variables })).body as GqlResponse<T>;
  };

  it('should answer `me` with a token', async () => {
    const u = await registerUser(t);
    const res = await gql<{ me: { username: string; email: string; role: string } }>(
      '{ me { username email role } }',
      {},
      u.token,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.me).toEqual({ username: u.username, email: u.email, role: 'Author' });
  });

  it('should list the caller’s sessions under `me`', async () => {
    const u = await registerUser(t);
    const res = await gql<{ me: { sessions: { current: boolean }[] } }>(
      '{ me { sessions { id current lastUsedAt } } }',
      {},
      u.token,
    );
    expect(res.data?.me.sessions).toEqual([expect.objectContaining({ current: true })]);
  });

  it('should refuse `me` without a token with UNAUTHENTICATED and the domain code', async () => {
    const res = await gql('{ me { username } }');
    expect(res.data).toBeNull();
    expect(res.errors?.[0].extensions).toMatchObject({
      code: 'UNAUTHENTICATED',
      domainCode: 'AUTH.UNAUTHENTICATED',
      statusCode: 401,
    });
  });

  it('should update the profile and map validation and conflict errors', async () => {
    const u = await registerUser(t);
    const other = await registerUser(t);
    const mutation =
      'mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { bio username } }';
    const ok = await gql<{ updateProfile: { bio: string } }>(
      mutation,
      { input: { bio: 'graph bio' } },
      u.token,
    );
    expect(ok.data?.updateProfile.bio).toBe('graph bio');
    const bad = await gql(mutation, { input: { image: 'javascript:alert(1)' } }, u.token);
    expect(bad.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      statusCode: 422,
      errors: { image: expect.any(Array) },
    });
    const taken = await gql(mutation, { input: { username: other.username } }, u.token);
    expect(taken.errors?.[0].extensions).toMatchObject({
      domainCode: 'USERS.USERNAME_TAKEN',
      statusCode: 409,
    });
  });

  it('should reject NUL characters in arguments as bad input', async () => {
    const u = await registerUser(t);
    const res = await gql(
      'mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { bio } }',
      { input: { bio: 'a\u0000b' } },
      u.token,
    );
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', statusCode: 422 });
  });

  it('should price a field by its cost, so aliasing it many times is refused', async () => {
    const u = await registerUser(t);
    const aliases = Array.from({ length: 3 }, (_, i) => `s${i}: sessions { id }`).join(' ');
    const res = await t
      .http()
      .post('/graphql')
      .set('Authorization', `Bearer ${u.token}`)
      .send({ query: `{ me { ${aliases} } }` })
      .expect(400);
    expect((res.body as GqlResponse<unknown>).errors?.[0].extensions.code).toBe(
      'QUERY_TOO_COMPLEX',
    );
  });

  it('should reject queries above the complexity limit', async () => {
    const u = await registerUser(t);
    const fields = Array.from({ length: 25 }, (_, i) => `a${i}: username`).join(' ');
    const res = await gql(`{ me { ${fields} } }`, {}, u.token);
    expect(res.errors?.[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
  });
});

describe('GraphQL depth limit (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { GRAPHQL_MAX_DEPTH: '1' } });
  });

  afterAll(async () => {
    await t.close();
  });

  it('should reject operations deeper than the limit before resolving them', async () => {
    const u = await registerUser(t);
    const auth = { Authorization: `Bearer ${u.token}` };
    await t.http().post('/graphql').set(auth).send({ query: '{ me { username } }' }).expect(200);
    const res = await t
      .http()
      .post('/graphql')
      .set(auth)
      .send({ query: '{ me { sessions { id } } }' })
      .expect(400);
    const body = res.body as GqlResponse<unknown>;
    expect(body.errors?.[0]).toMatchObject({
      message: 'operation depth 2 exceeds the maximum of 1',
      extensions: { code: 'QUERY_TOO_DEEP' },
    });
  });

  it('should answer malformed operations with 400, never 500', async () => {
    const u = await registerUser(t);
    const auth = { Authorization: `Bearer ${u.token}` };
    const cyclic =
      'query { me { ...A } } fragment A on Account { id ...B } fragment B on Account { id ...A }';
    for (const query of [cyclic, '{ me { ...Nope } }', '{ me { nope } }', '{ me {']) {
      const res = await t.http().post('/graphql').set(auth).send({ query });
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
    }
    const badVariable = await t
      .http()
      .post('/graphql')
      .set(auth)
      .send({
        query: 'mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { bio } }',
        variables: { input: { bio: 42 } },
      });
    expect(badVariable.status).toBe(400);
  });
});
