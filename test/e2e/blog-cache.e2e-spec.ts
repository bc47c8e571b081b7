import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner.js';
import { registerUser, type RegisteredUser } from '../factories/user.factory';
import { createTestApp, type TestApp } from '../helpers/test-app';

interface Article {
  slug: string;
  title: string;
  body: string;
  favorited: boolean;
  favoritesCount: number;
  author: { username: string; bio: string | null; following: boolean };
}

const as = (u?: RegisteredUser) => (u ? { Authorization: `Token ${u.token}` } : {});

/** Counts every SQL statement the app sends while `run` runs (all queries pass a query runner). */
async function countQueries(run: () => Promise<unknown>): Promise<number> {
  const spy = jest.spyOn(PostgresQueryRunner.prototype, 'query');
  try {
    await run();
    return spy.mock.calls.length;
  } finally {
    spy.mockRestore();
  }
}

/**
 * Hot article reads come from the shared cache, and every write is visible on the next read —
 * with Redis (shared by every instance) and with the in-memory store of a single instance.
 */
describe.each([
  ['Redis', false],
  ['memory', true],
])('Blog — article cache with the %s store (e2e)', (_store, withoutRedis) => {
  let t: TestApp;
  let author: RegisteredUser;
  let reader: RegisteredUser;

  beforeAll(async () => {
    t = await createTestApp({ withoutRedis });
    author = await registerUser(t);
    reader = await registerUser(t);
  });

  afterAll(async () => {
    await t.close();
  });

  const read = async (slug: string, user?: RegisteredUser) =>
    (await t.http().get(`/api/v1/articles/${slug}`).set(as(user)).expect(200)).body as {
      article: Article;
    };

  const write = async (title: string, extra: Record<string, unknown> = {}) =>
    (
      await t
        .http()
        .post('/api/v1/articles')
        .set(as(author))
        .send({ article: { title, description: 'd', body: 'first body', ...extra } })
        .expect(201)
    ).body as { article: Article };

  it('should answer a repeated anonymous read without touching the database', async () => {
    const { article } = await write('Cached once');
    const first = await read(article.slug);
    let second: unknown;
    expect(await countQueries(async () => (second = await read(article.slug)))).toBe(0);
    expect(second).toEqual(first);
  });

  it('should add only the viewer-relative flags for a signed-in reader', async () => {
    const { article } = await write('Viewer flags');
    await t.http().post(`/api/v1/articles/${article.slug}/favorite`).set(as(reader)).expect(200);
    await t.http().post(`/api/v1/profiles/${author.username}/follow`).set(as(reader)).expect(200);
    await read(article.slug); // warm
    let mine: { article: Article } | undefined;
    expect(await countQueries(async () => (mine = await read(article.slug, reader)))).toBe(1);
    expect(mine?.article).toMatchObject({
      favorited: true,
      favoritesCount: 1,
      author: { following: true },
    });
    expect((await read(article.slug)).article).toMatchObject({
      favorited: false,
      favoritesCount: 1,
      author: { following: false },
    });
    await t.http().delete(`/api/v1/profiles/${author.username}/follow`).set(as(reader)).expect(200);
    expect((await read(article.slug, reader)).article.author.following).toBe(false);
  });

  it('should show a favorite, an edit and a rename on the next read', async () => {
    const { article } = await write('Before the edit');
    await read(article.slug);
    await t.http().post(`/api/v1/articles/${article.slug}/favorite`).set(as(reader)).expect(200);
    expect((await read(article.slug)).article.favoritesCount).toBe(1);
    await t.http().delete(`/api/v1/articles/${article.slug}/favorite`).set(as(reader)).expect(200);
    expect((await read(article.slug)).article.favoritesCount).toBe(0);

    const before = await t.http().get(`/api/v1/articles/${article.slug}`).expect(200);
    await t
      .http()
      .put(`/api/v1/articles/${article.slug}`)
      .set(as(author))
      .send({ article: { body: 'second body' } })
      .expect(200);
    const after = await t.http().get(`/api/v1/articles/${article.slug}`).expect(200);
    expect((after.body as { article: Article }).article.body).toBe('second body');
    expect(after.headers.etag).not.toBe(before.headers.etag);

    const renamed = (
      await t
        .http()
        .put(`/api/v1/articles/${article.slug}`)
        .set(as(author))
        .send({ article: { title: 'After the rename' } })
        .expect(200)
    ).body as { article: Article };
    await t.http().get(`/api/v1/articles/${article.slug}`).expect(301);
    expect((await read(renamed.article.slug)).article.title).toBe('After the rename');
  });

  it("should show the author's new profile on the next read", async () => {
    const { article } = await write('Profile copy');
    expect((await read(article.slug)).article.author.bio).toBeNull();
    await t
      .http()
      .put('/api/v1/user')
      .set(as(author))
      .send({ user: { bio: 'Now with a bio' } })
      .expect(200);
    expect((await read(article.slug)).article.author.bio).toBe('Now with a bio');
  });

  it('should forget a cached 404 when the article is published, and a cached article when deleted', async () => {
    const { article } = await write('Draft first', { status: 'draft' });
    await t.http().get(`/api/v1/articles/${article.slug}`).expect(404); // cached as unknown
    expect((await read(article.slug, author)).article.title).toBe('Draft first'); // own draft
    await t.http().get(`/api/v1/articles/${article.slug}`).set(as(reader)).expect(404);
    await t
      .http()
      .put(`/api/v1/articles/${article.slug}`)
      .set(as(author))
      .send({ article: { status: 'published' } })
      .expect(200);
    await read(article.slug);
    await t.http().delete(`/api/v1/articles/${article.slug}`).set(as(author)).expect(204);
    await t.http().get(`/api/v1/articles/${article.slug}`).expect(404);
  });

  it('should show a new tag in the tag list on the next read', async () => {
    await t.http().get('/api/v1/tags').expect(200);
    const tag = `fresh-${Date.now()}`;
    await write('Tagged', { tagList: [tag] });
    const { tags } = (await t.http().get('/api/v1/tags').expect(200)).body as { tags: string[] };
    expect(tags).toContain(tag);
  });
});
