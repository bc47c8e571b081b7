import type { INestApplicationContext } from '@nestjs/common';
import { MailService } from '@/core/mail/mail.service';
import { OutboxRelay } from '@/core/outbox/outbox.relay';
import { BlogPublishingSweep } from '@/modules/blog';
import { Role } from '@/core/auth/permissions';
import { createUserWithRole, registerUser, type RegisteredUser } from '../factories/user.factory';
import { createTestApp, type TestApp } from '../helpers/test-app';

interface Author {
  username: string;
  bio: string | null;
  image: string | null;
  following: boolean;
}
interface Article {
  slug: string;
  title: string;
  description: string;
  body?: string;
  bodyHtml?: string;
  tagList: string[];
  createdAt: string;
  updatedAt: string;
  favorited: boolean;
  favoritesCount: number;
  status: 'draft' | 'scheduled' | 'published';
  publishAt: string | null;
  author: Author;
}
interface ArticleList {
  articles: Article[];
  articlesCount: number;
}
interface Comment {
  id: number;
  body: string;
  createdAt: string;
  updatedAt: string;
  author: Author;
}

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** The RealWorld API contract, including the details conforming servers often get wrong. */
describe('Blog — RealWorld articles, comments, favorites, tags, feed (e2e)', () => {
  let t: TestApp;
  let jake: RegisteredUser;
  let jane: RegisteredUser;

  beforeAll(async () => {
    t = await createTestApp();
    jake = await registerUser(t);
    jane = await registerUser(t);
  });

  afterAll(async () => {
    await t.close();
  });

  const as = (u?: RegisteredUser) => (u ? { Authorization: `Token ${u.token}` } : {});
  const create = async (
    u: RegisteredUser,
    fields: Partial<Omit<Article, 'status'>> & { title: string; status?: 'draft' | 'published' },
  ) =>
    (
      (
        await t
          .http()
          .post('/api/v1/articles')
          .set(as(u))
          .send({ article: { description: 'd', body: 'b', ...fields } })
          .expect(201)
      ).body as { article: Article }
    ).article;

  describe('articles', () => {
    it('should create an article in the RealWorld shape', async () => {
      const article = await create(jake, {
        title: 'How to train your dragon',
        description: 'Ever wonder how?',
        body: 'You have to believe',
        tagList: ['training', 'dragons', 'training'],
      });
      expect(article).toEqual({
        slug: expect.stringMatching(/^how-to-train-your-dragon-[0-9a-f]{8}$/),
        title: 'How to train your dragon',
        description: 'Ever wonder how?',
        body: 'You have to believe',
        bodyHtml: '<p>You have to believe</p>\n',
        tagList: ['dragons', 'training'],
        createdAt: expect.stringMatching(ISO_MS),
        updatedAt: expect.stringMatching(ISO_MS),
        favorited: false,
        favoritesCount: 0,
        status: 'published',
        publishAt: null,
        author: { username: jake.username, bio: null, image: null, following: false },
      });
    });

    it('should serve Markdown as sanitized HTML, re-rendered on edit', async () => {
      const article = await create(jake, {
        title: 'Markdown',
        body: '## Hi\n\n<script>alert(1)</script> [x](javascript:alert(1)) [ok](https://example.com)',
      });
      expect(article.bodyHtml).toContain('<h2>Hi</h2>');
      expect(article.bodyHtml).not.toMatch(/<script|href="javascript:/i);
      expect(article.bodyHtml).toContain(
        '<a href="https://example.com" rel="nofollow noopener noreferrer">ok</a>',
      );
      const updated = (
        (
          await t
            .http()
            .put(`/api/v1/articles/${article.slug}`)
            .set(as(jake))
            .send({ article: { body: '*edited*' } })
            .expect(200)
        ).body as { article: Article }
      ).article;
      expect(updated.bodyHtml).toBe('<p><em>edited</em></p>\n');
    });

    it('should send an ETag and refuse a stale edit with 412 (If-Match)', async () => {
      const article = await create(jake, { title: 'Concurrent edits' });
      const read = await t.http().get(`/api/v1/articles/${article.slug}`).expect(200);
      const etag = read.headers.etag;
      expect(etag).toMatch(/^"v\d+"$/);
      expect(read.body).not.toHaveProperty('article.version');
      const first = await t
        .http()
        .put(`/api/v1/articles/${article.slug}`)
        .set(as(jake))
        .set('If-Match', etag)
        .send({ article: { body: 'first edit' } })
        .expect(200);
      expect(first.headers.etag).not.toBe(etag);
      const stale = await t
        .http()
        .put(`/api/v1/articles/${article.slug}`)
        .set(as(jake))
        .set('If-Match', etag)
        .send({ article: { body: 'second edit from an old copy' } })
        .expect(412);
      expect(stale.body).toMatchObject({ code: 'BLOG.STALE_ARTICLE', statusCode: 412 });
      await t
        .http()
        .put(`/api/v1/articles/${article.slug}`)
        .set(as(jake))
        .set('If-Match', 'garbage')
        .send({ article: { body: 'x' } })
        .expect(412);
      const now = (await t.http().get(`/api/v1/articles/${article.slug}`).expect(200)).body as {
        article: Article;
      };
      expect(now.article.body).toBe('first edit');
    });

    it('should keep a revision per save: who changed what, visible to the author only', async () => {
      const article = await create(jake, { title: 'Revised', body: 'v1', tagList: ['x'] });
      await t
        .http()
        .put(`/api/v1/articles/${article.slug}`)
        .set(as(jake))
        .send({ article: { body: 'v2', tagList: ['x', 'y'] } })
        .expect(200);
      const res = await t
        .http()
        .get(`/api/v1/articles/${article.slug}/revisions`)
        .set(as(jake))
        .expect(200);
      const { revisions } = res.body as {
        revisions: {
          version: number;
          changedFields: string[];
          body: string;
          tagList: string[];
          editor: string;
        }[];
      };
      expect(
        revisions.map((r) => [r.version, r.changedFields, r.body, r.tagList, r.editor]),
      ).toEqual([
        [2, ['body', 'tagList'], 'v2', ['x', 'y'], jake.username],
        [1, ['created'], 'v1', ['x'], jake.username],
      ]);
      await t.http().get(`/api/v1/articles/${article.slug}/revisions`).set(as(jane)).expect(403);
      await t.http().get(`/api/v1/articles/${article.slug}/revisions`).expect(401);
    });

    it('should give repeated titles unique slugs', async () => {
      const [a, b] = [
        await create(jake, { title: 'Same title' }),
        await create(jake, { title: 'Same title' }),
      ];
      expect(a.slug).not.toBe(b.slug);
    });

    it('should validate with 422 per field and require a token to write', async () => {
      const res = await t
        .http()
        .post('/api/v1/articles')
        .set(as(jake))
        .send({ article: { title: '', tagList: 'x' } })
        .expect(422);
      expect(Object.keys((res.body as { errors: object }).errors).sort()).toEqual([
        'body',
        'description',
        'tagList',
        'title',
      ]);
      await t
        .http()
        .post('/api/v1/articles')
        .send({ article: { title: 't', description: 'd', body: 'b' } })
        .expect(401);
    });

    it('should read with optional auth: 200 without a token, viewer-relative flags with one', async () => {
      const article = await create(jake, { title: 'Readable' });
      const anonymous = await t.http().get(`/api/v1/articles/${article.slug}`).expect(200);
      expect((anonymous.body as { article: Article }).article.author.following).toBe(false);
      await t.http().post(`/api/v1/profiles/${jake.username}/follow`).set(as(jane)).expect(200);
      await t.http().post(`/api/v1/articles/${article.slug}/favorite`).set(as(jane)).expect(200);
      const seen = (
        (await t.http().get(`/api/v1/articles/${article.slug}`).set(as(jane)).expect(200)).body as {
          article: Article;
        }
      ).article;
      expect(seen).toMatchObject({
        favorited: true,
        favoritesCount: 1,
        author: { following: true },
      });
      await t.http().get('/api/v1/articles/no-such-slug').expect(404);
    });

    it('should let only the author update and delete; a new title gives a new slug', async () => {
      const article = await create(jake, { title: 'Original title' });
      await t
        .http()
        .put(`/api/v1/articles/${article.slug}`)
        .set(as(jane))
        .send({ article: { body: 'hijack' } })
        .expect(403);
      const updated = (
        (
          await t
            .http()
            .put(`/api/v1/articles/${article.slug}`)
            .set(as(jake))
            .send({ article: { title: 'New title', tagList: ['z', 'a'] } })
            .expect(200)
        ).body as { article: Article }
      ).article;
      expect(updated).toMatchObject({ title: 'New title', tagList: ['a', 'z'], body: 'b' });
      expect(updated.slug).toMatch(/^new-title-/);
      // The old slug keeps working for readers: a permanent redirect to the new one.
      const moved = await t.http().get(`/api/v1/articles/${article.slug}`).redirects(0).expect(301);
      expect(moved.headers.location).toBe(`/api/v1/articles/${updated.slug}`);
      await t.http().delete(`/api/v1/articles/${updated.slug}`).set(as(jane)).expect(403);
      await t.http().delete(`/api/v1/articles/${updated.slug}`).set(as(jake)).expect(204);
      await t.http().get(`/api/v1/articles/${updated.slug}`).expect(404);
    });

    it('should accept and ignore the read-only fields a frontend echoes back on edit', async () => {
      const article = await create(jake, { title: 'Echoed fields' });
      const edited = (
        await t
          .http()
          .put(`/api/v1/articles/${article.slug}`)
          .set(as(jake))
          .send({ article: { ...article, title: 'Echoed and renamed', favoritesCount: 99 } })
          .expect(200)
      ).body as { article: Article };
      expect(edited.article.slug).toMatch(/^echoed-and-renamed-/);
      expect(edited.article.favoritesCount).toBe(0);
      await t
        .http()
        .put(`/api/v1/articles/${edited.article.slug}`)
        .set(as(jake))
        .send({ article: { hijack: true } })
        .expect(422);
    });
  });

  describe('lists and feed', () => {
    let author: RegisteredUser;
    let fan: RegisteredUser;

    beforeAll(async () => {
      author = await registerUser(t);
      fan = await registerUser(t);
      for (let i = 0; i < 3; i++)
        await create(author, { title: `List ${i}`, tagList: [`tag-${author.username}`] });
      const [first] = (
        (await t.http().get(`/api/v1/articles?author=${author.username}&limit=1`).expect(200))
          .body as ArticleList
      ).articles;
      await t.http().post(`/api/v1/articles/${first.slug}/favorite`).set(as(fan)).expect(200);
    });

    it('should list newest first without bodies, with the total before paging', async () => {
      const res = (
        await t
          .http()
          .get(`/api/v1/articles?author=${author.username}&limit=2&offset=0`)
          .expect(200)
      ).body as ArticleList;
      expect(res.articlesCount).toBe(3);
      expect(res.articles.map((a) => a.title)).toEqual(['List 2', 'List 1']);
      expect(res.articles.every((a) => a.body === undefined && a.bodyHtml === undefined)).toBe(
        true,
      );
      const next = (
        await t
          .http()
          .get(`/api/v1/articles?author=${author.username}&limit=2&offset=2`)
          .expect(200)
      ).body as ArticleList;
      expect(next.articles.map((a) => a.title)).toEqual(['List 0']);
      expect(next.articlesCount).toBe(3);
    });

    it('should filter by tag and by favoriting user; unknown names give an empty 200', async () => {
      const byTag = (await t.http().get(`/api/v1/articles?tag=tag-${author.username}`).expect(200))
        .body as ArticleList;
      expect(byTag.articlesCount).toBe(3);
      const fav = (await t.http().get(`/api/v1/articles?favorited=${fan.username}`).expect(200))
        .body as ArticleList;
      expect(fav.articles.map((a) => a.title)).toEqual(['List 2']);
      expect(fav.articles[0].favoritesCount).toBe(1);
      for (const q of ['author=nobody_at_all', 'favorited=nobody_at_all', 'tag=no-such-tag']) {
        expect((await t.http().get(`/api/v1/articles?${q}`).expect(200)).body).toEqual({
          articles: [],
          articlesCount: 0,
        });
      }
      await t.http().get('/api/v1/articles?limit=101').expect(422);
      await t.http().get('/api/v1/articles?offset=-1').expect(422);
    });

    it('should build the feed from followed authors (routed before :slug) and need a token', async () => {
      const reader = await registerUser(t);
      const empty = (await t.http().get('/api/v1/articles/feed').set(as(reader)).expect(200))
        .body as ArticleList;
      expect(empty).toEqual({ articles: [], articlesCount: 0 });
      await t.http().post(`/api/v1/profiles/${author.username}/follow`).set(as(reader)).expect(200);
      const feed = (await t.http().get('/api/v1/articles/feed?limit=2').set(as(reader)).expect(200))
        .body as ArticleList;
      expect(feed.articlesCount).toBe(3);
      expect(feed.articles).toHaveLength(2);
      expect(
        feed.articles.every((a) => a.author.username === author.username && a.author.following),
      ).toBe(true);
      await t.http().get('/api/v1/articles/feed').expect(401);
    });

    it('should answer a list with one SQL statement', async () => {
      const query = jest.spyOn(t.dataSource.manager, 'query');
      try {
        await t.http().get(`/api/v1/articles?tag=tag-${author.username}`).set(as(fan)).expect(200);
        expect(query).toHaveBeenCalledTimes(1);
      } finally {
        query.mockRestore();
      }
    });

    it('should search by relevance with escaped, highlighted snippets', async () => {
      const writer = await registerUser(t);
      await create(writer, {
        title: 'Zebra migrations explained',
        description: 'all about herds',
        body: 'The <b>zebra</b> crosses rivers.',
      });
      await create(writer, {
        title: 'Lions',
        description: 'predators',
        body: 'A zebra appears once.',
      });
      const res = (await t.http().get('/api/v1/articles/search?q=zebra&limit=10').expect(200))
        .body as ArticleList & { articles: (Article & { snippet: string })[] };
      expect(res.articlesCount).toBe(2);
      expect(res.articles[0].title).toBe('Zebra migrations explained'); // a title match ranks first
      expect(res.articles[0].snippet).toContain('<mark>Zebra</mark>');
      expect(res.articles[0].snippet).not.toContain('<b>'); // article text never becomes markup
      const none = (await t.http().get('/api/v1/articles/search?q=unicornxyz').expect(200))
        .body as ArticleList;
      expect(none).toEqual({ articles: [], articlesCount: 0 });
      await t.http().get('/api/v1/articles/search?q=%20').expect(422);
      await t.http().get('/api/v1/articles/search').expect(422);
      // websearch syntax never errors, whatever the input
      await t.http().get('/api/v1/articles/search?q=%22unclosed%20-%20or%20%26%26').expect(200);
    });

    it('should list tags in use, cached, with writes visible on the next read', async () => {
      const { tags } = (await t.http().get('/api/v1/tags').expect(200)).body as { tags: string[] };
      expect(tags).toContain(`tag-${author.username}`);
      const fresh = `fresh-${Date.now()}`;
      const article = await create(author, { title: 'Tagged later', tagList: [fresh] });
      const after = (await t.http().get('/api/v1/tags').expect(200)).body as { tags: string[] };
      expect(after.tags).toContain(fresh);
      await t.http().delete(`/api/v1/articles/${article.slug}`).set(as(author)).expect(204);
      const gone = (await t.http().get('/api/v1/tags').expect(200)).body as { tags: string[] };
      expect(gone.tags).not.toContain(fresh);
    });
  });

  describe('favorites and comments', () => {
    it('should favorite and unfavorite idempotently with integer counts', async () => {
      const article = await create(jake, { title: 'Favorite me' });
      for (let i = 0; i < 2; i++) {
        const fav = (
          (
            await t
              .http()
              .post(`/api/v1/articles/${article.slug}/favorite`)
              .set(as(jane))
              .expect(200)
          ).body as {
            article: Article;
          }
        ).article;
        expect(fav).toMatchObject({ favorited: true, favoritesCount: 1 });
      }
      const unfav = (
        (
          await t
            .http()
            .delete(`/api/v1/articles/${article.slug}/favorite`)
            .set(as(jane))
            .expect(200)
        ).body as {
          article: Article;
        }
      ).article;
      expect(unfav).toMatchObject({ favorited: false, favoritesCount: 0 });
      await t.http().post('/api/v1/articles/nope/favorite').set(as(jane)).expect(404);
    });

    it('should let readers report a comment and editors review reports and hide it', async () => {
      const editor = await createUserWithRole(t, Role.Editor);
      const article = await create(jake, { title: 'Moderated' });
      const comment = (
        (
          await t
            .http()
            .post(`/api/v1/articles/${article.slug}/comments`)
            .set(as(jane))
            .send({ comment: { body: 'buy cheap watches' } })
            .expect(200)
        ).body as { comment: Comment }
      ).comment;
      const path = `/api/v1/articles/${article.slug}/comments/${comment.id}`;
      await t.http().post(`${path}/report`).set(as(jake)).send({ reason: 'spam' }).expect(204);
      await t
        .http()
        .post(`${path}/report`)
        .set(as(jake))
        .send({ reason: 'spam again' })
        .expect(204); // once
      await t.http().post(`${path}/report`).send({ reason: 'spam' }).expect(401);
      await t.http().post(`${path}/report`).set(as(jake)).send({ reason: ' ' }).expect(422);

      await t.http().get('/api/v1/admin/comment-reports').set(as(jake)).expect(403);
      const editorAuth = { Authorization: `Token ${editor.token}` };
      const { reports } = (
        await t.http().get('/api/v1/admin/comment-reports').set(editorAuth).expect(200)
      ).body as {
        reports: { commentId: number; reason: string; reporter: string }[];
      };
      expect(reports.filter((r) => r.commentId === comment.id)).toEqual([
        expect.objectContaining({ reason: 'spam', reporter: jake.username }),
      ]);

      await t.http().post(`${path}/hide`).set(as(jake)).expect(403);
      await t.http().post(`${path}/hide`).set(editorAuth).expect(204);
      const list = (await t.http().get(`/api/v1/articles/${article.slug}/comments`).expect(200))
        .body as {
        comments: Comment[];
      };
      expect(list.comments.map((c) => c.id)).not.toContain(comment.id);
      const after = (
        await t.http().get('/api/v1/admin/comment-reports').set(editorAuth).expect(200)
      ).body as {
        reports: { commentId: number }[];
      };
      expect(after.reports.map((r) => r.commentId)).not.toContain(comment.id);

      // Editors may also unpublish anyone's article.
      await t
        .http()
        .put(`/api/v1/articles/${article.slug}`)
        .set(editorAuth)
        .send({ article: { status: 'draft' } })
        .expect(200);
      await t.http().get(`/api/v1/articles/${article.slug}`).expect(404);
    });

    it('should add, list and delete comments; only their author may delete', async () => {
      const article = await create(jake, { title: 'Discuss' });
      const created = (
        (
          await t
            .http()
            .post(`/api/v1/articles/${article.slug}/comments`)
            .set(as(jane))
            .send({ comment: { body: 'Thank you so much!' } })
            .expect(200)
        ).body as { comment: Comment }
      ).comment;
      expect(created).toEqual({
        id: expect.any(Number),
        body: 'Thank you so much!',
        createdAt: expect.stringMatching(ISO_MS),
        updatedAt: expect.stringMatching(ISO_MS),
        author: { username: jane.username, bio: null, image: null, following: false },
      });
      const list = (await t.http().get(`/api/v1/articles/${article.slug}/comments`).expect(200))
        .body as {
        comments: Comment[];
      };
      expect(list.comments.map((c) => c.id)).toEqual([created.id]);
      await t
        .http()
        .delete(`/api/v1/articles/${article.slug}/comments/${created.id}`)
        .set(as(jake))
        .expect(403);
      await t
        .http()
        .delete(`/api/v1/articles/${article.slug}/comments/999999`)
        .set(as(jane))
        .expect(404);
      await t
        .http()
        .delete(`/api/v1/articles/${article.slug}/comments/${created.id}`)
        .set(as(jane))
        .expect(204);
      await t
        .http()
        .post(`/api/v1/articles/${article.slug}/comments`)
        .set(as(jane))
        .send({ comment: { body: '' } })
        .expect(422);
    });
  });

  describe('RSS and sitemap', () => {
    it('should publish RSS for the blog, an author and a tag, with conditional GET', async () => {
      const writer = await registerUser(t);
      const article = await create(writer, {
        title: 'Feeds & <friends>',
        description: 'RSS "escaping"',
        tagList: [`rss-${writer.username}`],
      });
      const blog = await t.http().get('/feeds/articles.rss').expect(200);
      expect(blog.headers['content-type']).toMatch(/application\/rss\+xml/);
      expect(blog.text).toContain('<rss version="2.0">');
      expect(blog.text).toContain('<title>Feeds &amp; &lt;friends&gt;</title>');
      expect(blog.text).toContain(`/article/${article.slug}</link>`);
      expect(blog.headers['last-modified']).toBeDefined();
      const etag = blog.headers.etag;
      await t.http().get('/feeds/articles.rss').set('If-None-Match', etag).expect(304);

      const byAuthor = await t
        .http()
        .get(`/feeds/authors/${writer.username}/articles.rss`)
        .expect(200);
      expect(byAuthor.text.match(/<item>/g)).toHaveLength(1);
      const byTag = await t
        .http()
        .get(`/feeds/tags/rss-${writer.username}/articles.rss`)
        .expect(200);
      expect(byTag.text).toContain(`<category>rss-${writer.username}</category>`);
    });

    it('should list every article in sitemap.xml', async () => {
      const writer = await registerUser(t);
      const article = await create(writer, { title: 'Crawl me' });
      const sitemap = await t.http().get('/sitemap.xml').expect(200);
      expect(sitemap.headers['content-type']).toMatch(/application\/xml/);
      expect(sitemap.text).toContain(
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
      );
      expect(sitemap.text).toContain(`/article/${article.slug}</loc>`);
      await t.http().get('/sitemap.xml').set('If-None-Match', sitemap.headers.etag).expect(304);
    });
  });

  describe('drafts and scheduled publishing', () => {
    it('should keep drafts away from everyone but their author, everywhere', async () => {
      const writer = await registerUser(t);
      const draft = await create(writer, {
        title: 'Secret draft zanzibar',
        status: 'draft',
        tagList: [`draft-${writer.username}`],
      });
      expect(draft.status).toBe('draft');
      const visibleTo = async (u?: RegisteredUser) => ({
        get: (await t.http().get(`/api/v1/articles/${draft.slug}`).set(as(u))).status,
        list: (
          (await t.http().get(`/api/v1/articles?author=${writer.username}`).set(as(u)))
            .body as ArticleList
        ).articlesCount,
        search: (
          (await t.http().get('/api/v1/articles/search?q=zanzibar').set(as(u))).body as ArticleList
        ).articlesCount,
        comments: (await t.http().get(`/api/v1/articles/${draft.slug}/comments`).set(as(u))).status,
      });
      expect(await visibleTo(undefined)).toEqual({ get: 404, list: 0, search: 0, comments: 404 });
      expect(await visibleTo(jane)).toEqual({ get: 404, list: 0, search: 0, comments: 404 });
      expect((await visibleTo(writer)).get).toBe(200);
      await t.http().post(`/api/v1/articles/${draft.slug}/favorite`).set(as(jane)).expect(404);
      const mine = (await t.http().get('/api/v1/articles?status=draft').set(as(writer)).expect(200))
        .body as ArticleList;
      expect(mine.articles.map((a) => a.slug)).toEqual([draft.slug]);
      await t.http().get('/api/v1/articles?status=draft').expect(401);
      const others = (await t.http().get('/api/v1/articles?status=draft').set(as(jane)).expect(200))
        .body as ArticleList;
      expect(others.articles.map((a) => a.slug)).not.toContain(draft.slug);
      expect((await t.http().get('/feeds/articles.rss')).text).not.toContain(draft.slug);
      expect((await t.http().get('/sitemap.xml')).text).not.toContain(draft.slug);
      expect(((await t.http().get('/api/v1/tags')).body as { tags: string[] }).tags).not.toContain(
        `draft-${writer.username}`,
      );

      // Publishing makes it visible to all.
      await t
        .http()
        .put(`/api/v1/articles/${draft.slug}`)
        .set(as(writer))
        .send({ article: { status: 'published' } })
        .expect(200);
      expect(await visibleTo(jane)).toMatchObject({ get: 200, list: 1, search: 1, comments: 200 });
    });

    it('should refuse a publication time in the past', async () => {
      await t
        .http()
        .post('/api/v1/articles')
        .set(as(jake))
        .send({
          article: {
            title: 'Late',
            description: 'd',
            body: 'b',
            publishAt: '2001-01-01T00:00:00Z',
          },
        })
        .expect(422);
    });
  });
});

describe('Blog — scheduled publishing with a real worker (e2e)', () => {
  let t: TestApp;
  let worker: INestApplicationContext;

  beforeAll(async () => {
    t = await createTestApp();
    worker = await t.startWorker();
  });

  afterAll(async () => {
    await t.close();
  });

  it('should publish at the scheduled time, once, and ignore a rescheduled job', async () => {
    const writer = await registerUser(t);
    const as = { Authorization: `Token ${writer.token}` };
    const soon = new Date(Date.now() + 1_500).toISOString();
    const res = await t
      .http()
      .post('/api/v1/articles')
      .set(as)
      .send({ article: { title: 'Scheduled', description: 'd', body: 'b', publishAt: soon } })
      .expect(201);
    const { slug, status } = (res.body as { article: Article }).article;
    expect(status).toBe('scheduled');
    await t.http().get(`/api/v1/articles/${slug}`).expect(404);

    // A second article is rescheduled far away: its first job must not publish it.
    const other = (
      (
        await t
          .http()
          .post('/api/v1/articles')
          .set(as)
          .send({ article: { title: 'Moved', description: 'd', body: 'b', publishAt: soon } })
          .expect(201)
      ).body as { article: Article }
    ).article;
    await t
      .http()
      .put(`/api/v1/articles/${other.slug}`)
      .set(as)
      .send({ article: { publishAt: new Date(Date.now() + 3_600_000).toISOString() } })
      .expect(200);

    const deadline = Date.now() + 15_000;
    let published = 0;
    while (published !== 200 && Date.now() < deadline) {
      published = (await t.http().get(`/api/v1/articles/${slug}`)).status;
      if (published !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    expect(published).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    await t.http().get(`/api/v1/articles/${other.slug}`).expect(404);
    const [row] = await t.dataSource.query<{ status: string }[]>(
      'SELECT status FROM articles WHERE slug = $1',
      [other.slug],
    );
    expect(row.status).toBe('scheduled');
  });

  it('should let the sweep publish a due article whose job was lost', async () => {
    const writer = await registerUser(t);
    const [row] = await t.dataSource.query<{ slug: string }[]>(
      `INSERT INTO articles (slug, title, description, body, body_html, author_id, status, publish_at)
       SELECT 'lost-job', 'Lost job', 'd', 'b', '<p>b</p>', id, 'scheduled', now() - interval '1 minute'
       FROM users WHERE username = $1 RETURNING slug`,
      [writer.username],
    );
    await t.http().get(`/api/v1/articles/${row.slug}`).expect(404);
    expect(await worker.get(BlogPublishingSweep).run()).toBeGreaterThanOrEqual(1);
    await t.http().get(`/api/v1/articles/${row.slug}`).expect(200);
    expect(await worker.get(BlogPublishingSweep).run()).toBe(0);
  });

  it('should mail each follower once when an article is published, through the outbox', async () => {
    const author = await registerUser(t);
    const fans = [await registerUser(t), await registerUser(t)];
    const stranger = await registerUser(t);
    for (const fan of fans) {
      await t
        .http()
        .post(`/api/v1/profiles/${author.username}/follow`)
        .set('Authorization', `Token ${fan.token}`)
        .expect(200);
    }
    const send = jest.spyOn(worker.get(MailService), 'send');
    const draft = (
      (
        await t
          .http()
          .post('/api/v1/articles')
          .set('Authorization', `Token ${author.token}`)
          .send({
            article: { title: 'News for fans', description: 'd', body: 'b', status: 'draft' },
          })
          .expect(201)
      ).body as { article: Article }
    ).article;
    // A draft announces nothing; publishing it does, once.
    await t
      .http()
      .put(`/api/v1/articles/${draft.slug}`)
      .set('Authorization', `Token ${author.token}`)
      .send({ article: { status: 'published' } })
      .expect(200);
    const mailsAbout = () =>
      send.mock.calls
        .map(([mail]) => mail)
        .filter((m) => m.template === 'article-published' && m.context.title === 'News for fans');
    const deadline = Date.now() + 15_000;
    while (mailsAbout().length < 2 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    await worker.get(OutboxRelay).drain(); // a second relay round must not resend anything
    await new Promise((r) => setTimeout(r, 500));
    expect(
      mailsAbout()
        .map((m) => m.to)
        .sort(),
    ).toEqual(fans.map((f) => f.email).sort());
    expect(mailsAbout().some((m) => m.to === stranger.email)).toBe(false);

    // The same event leaves one in-app notification per follower, nothing for the stranger.
    interface Inbox {
      notifications: { id: string; type: string; payload: { slug: string }; read: boolean }[];
      unreadCount: number;
      nextCursor: string | null;
    }
    const inboxOf = async (u: RegisteredUser, query = '') =>
      (
        await t
          .http()
          .get(`/api/v1/notifications${query}`)
          .set('Authorization', `Token ${u.token}`)
          .expect(200)
      ).body as Inbox;
    const fanInbox = await inboxOf(fans[0]);
    expect(fanInbox.unreadCount).toBe(1);
    expect(fanInbox.notifications).toEqual([
      expect.objectContaining({
        type: 'article-published',
        read: false,
        payload: expect.objectContaining({ slug: draft.slug }),
      }),
    ]);
    expect((await inboxOf(stranger)).notifications).toEqual([]);
    await t
      .http()
      .post(`/api/v1/notifications/${fanInbox.notifications[0].id}/read`)
      .set('Authorization', `Token ${fans[0].token}`)
      .expect(204);
    expect((await inboxOf(fans[0])).unreadCount).toBe(0);
    await t
      .http()
      .post('/api/v1/notifications/read-all')
      .set('Authorization', `Token ${fans[1].token}`)
      .expect(204);
    expect((await inboxOf(fans[1])).unreadCount).toBe(0);
    // Keyset pages: a full page gives a cursor to the older ones; a bad cursor is a 422.
    const firstPage = await inboxOf(fans[0], '?limit=1');
    expect(firstPage.nextCursor).toEqual(expect.any(String));
    const cursor = firstPage.nextCursor ?? '';
    expect((await inboxOf(fans[0], `?limit=1&cursor=${cursor}`)).notifications).toEqual([]);
    await t
      .http()
      .get('/api/v1/notifications?cursor=bm9wZQ')
      .set('Authorization', `Token ${fans[0].token}`)
      .expect(422);
  });
});
