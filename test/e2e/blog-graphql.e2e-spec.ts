import { registerUser, type RegisteredUser } from '../factories/user.factory';
import { createTestApp, type TestApp } from '../helpers/test-app';

interface Gql<T> {
  data?: T;
  errors?: { message: string; extensions: { domainCode?: string; statusCode?: number } }[];
}

const ARTICLE_FIELDS =
  'slug title description body bodyHtml tagList createdAt updatedAt favorited favoritesCount status publishAt author { username bio image following }';

/** GraphQL and REST run the same service: for the same data they must answer the same. */
describe('Blog over GraphQL, compared with REST (e2e)', () => {
  let t: TestApp;
  let writer: RegisteredUser;
  let reader: RegisteredUser;

  beforeAll(async () => {
    t = await createTestApp();
    writer = await registerUser(t);
    reader = await registerUser(t);
  });

  afterAll(async () => {
    await t.close();
  });

  const gql = async <T>(query: string, variables: object, as?: RegisteredUser): Promise<Gql<T>> => {
    const req = t.http().post('/graphql');
    if (as) req.set('Authorization', `Bearer ${as.token}`);
    return (await req.send({ query, variables })).body as Gql<T>;
  };

  it('should create, favorite, comment and read the same article through both APIs', async () => {
    const created = await gql<{ createArticle: { slug: string } }>(
      `mutation($input: CreateArticleInput!) { createArticle(input: $input) { ${ARTICLE_FIELDS} } }`,
      {
        input: {
          title: 'GraphQL parity',
          description: 'same data',
          body: '**bold**',
          tagList: ['b', 'a'],
        },
      },
      writer,
    );
    expect(created.errors).toBeUndefined();
    const slug = created.data!.createArticle.slug;
    await gql(
      `mutation($slug: String!) { favoriteArticle(slug: $slug) { favorited } }`,
      { slug },
      reader,
    );
    await gql(
      `mutation($slug: String!) { addComment(slug: $slug, input: { body: "nice" }) { id } }`,
      { slug },
      reader,
    );

    const viaGraphql = (
      await gql<{ article: object }>(
        `query($slug: String!) { article(slug: $slug) { ${ARTICLE_FIELDS} } }`,
        { slug },
        reader,
      )
    ).data!.article;
    const viaRest = (
      await t
        .http()
        .get(`/api/v1/articles/${slug}`)
        .set('Authorization', `Token ${reader.token}`)
        .expect(200)
    ).body as { article: object };
    expect(viaGraphql).toEqual(viaRest.article);

    const listGql = (
      await gql<{ articlesList: { articles: object[]; articlesCount: number } }>(
        `query($author: String) { articlesList(author: $author) { articlesCount articles { slug title tagList favorited favoritesCount author { username following } } } }`,
        { author: writer.username },
        reader,
      )
    ).data!.articlesList;
    const listRest = (
      await t
        .http()
        .get(`/api/v1/articles?author=${writer.username}`)
        .set('Authorization', `Token ${reader.token}`)
    ).body as {
      articles: {
        slug: string;
        title: string;
        tagList: string[];
        favorited: boolean;
        favoritesCount: number;
        author: { username: string; following: boolean };
      }[];
      articlesCount: number;
    };
    expect(listGql).toEqual({
      articlesCount: listRest.articlesCount,
      articles: listRest.articles.map(
        ({ slug: s, title, tagList, favorited, favoritesCount, author }) => ({
          slug: s,
          title,
          tagList,
          favorited,
          favoritesCount,
          author: { username: author.username, following: author.following },
        }),
      ),
    });

    const comments = (
      await gql<{ comments: { body: string }[] }>(
        `query($slug: String!) { comments(slug: $slug) { body author { username } } }`,
        { slug },
      )
    ).data!.comments;
    expect(comments).toEqual([{ body: 'nice', author: { username: reader.username } }]);
  });

  it('should apply the same rules: auth, ownership, validation, not found', async () => {
    const created = await gql<{ createArticle: { slug: string } }>(
      `mutation { createArticle(input: { title: "Mine", description: "d", body: "b" }) { slug } }`,
      {},
      writer,
    );
    const slug = created.data!.createArticle.slug;
    const noToken = await gql(
      `mutation { createArticle(input: { title: "x", description: "d", body: "b" }) { slug } }`,
      {},
    );
    expect(noToken.errors?.[0].extensions.statusCode).toBe(401);
    const notMine = await gql(
      `mutation($slug: String!) { deleteArticle(slug: $slug) }`,
      { slug },
      reader,
    );
    expect(notMine.errors?.[0].extensions).toMatchObject({
      domainCode: 'BLOG.NOT_THE_AUTHOR',
      statusCode: 403,
    });
    const invalid = await gql(
      `mutation { createArticle(input: { title: "", description: "d", body: "b" }) { slug } }`,
      {},
      writer,
    );
    expect(invalid.errors?.[0].extensions.statusCode).toBe(422);
    const missing = await gql(`query { article(slug: "nope") { slug } }`, {});
    expect(missing.errors?.[0].extensions).toMatchObject({
      domainCode: 'BLOG.ARTICLE_NOT_FOUND',
      statusCode: 404,
    });
    const feed = await gql<{ feed: { articlesCount: number } }>(
      `query { feed { articlesCount } }`,
      {},
      reader,
    );
    expect(feed.data?.feed.articlesCount).toBe(0);
  });
});
