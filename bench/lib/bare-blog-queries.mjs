// The bare baseline's blog SQL, one hand-written statement per endpoint, in its own module so
// that bench/blog.mjs can EXPLAIN and time exactly what bench/baseline-server.mjs runs.
//
// Each statement returns the page and the total before paging. The total is counted in a
// one-row derived table, and the page is a LATERAL subquery with its own ORDER BY … LIMIT, so
// PostgreSQL can walk an index newest-first and stop after `limit` rows. An empty page still
// yields the total, as one row of NULLs.

const iso = (column) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** The columns of one article as RealWorld shows it to viewer $1 (NULL: anonymous). */
const ARTICLE_COLUMNS = `
  a.slug, a.title, a.description, a.status,
  ${iso('a.publish_at')} AS publish_at, ${iso('a.created_at')} AS created_at,
  ${iso('a.updated_at')} AS updated_at,
  ARRAY(SELECT t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id
        WHERE at.article_id = a.id ORDER BY t.name) AS tag_list,
  (SELECT count(*) FROM favorites f WHERE f.article_id = a.id)::int AS favorites_count,
  EXISTS (SELECT 1 FROM favorites f WHERE f.article_id = a.id AND f.user_id = $1) AS favorited,
  u.username, u.bio, u.image,
  EXISTS (SELECT 1 FROM follows fo WHERE fo.follower_id = $1 AND fo.followee_id = a.author_id)
    AS following`;

const page = (where) => `
  SELECT c.total, p.*
  FROM (SELECT count(*)::int AS total FROM articles a WHERE ${where}) c
  LEFT JOIN LATERAL (
    SELECT ${ARTICLE_COLUMNS}
    FROM articles a JOIN users u ON u.id = a.author_id
    WHERE ${where}
    ORDER BY a.created_at DESC, a.id DESC
    LIMIT $2 OFFSET $3
  ) p ON true`;

/** `GET /articles`: published articles, newest first. Params: viewer id or NULL, limit, offset. */
export const LIST_SQL = page(`a.status = 'published'`);

/** `GET /articles/feed`: published articles by authors viewer $1 follows. Same params. */
export const FEED_SQL = page(
  `a.status = 'published' AND a.author_id IN (SELECT followee_id FROM follows WHERE follower_id = $1)`,
);

/** Rows → the RealWorld body, keys in the order Stoa writes them (the bodies are byte-equal). */
export function toArticleList(rows) {
  return {
    articles: rows
      .filter((r) => r.slug !== null)
      .map((r) => ({
        slug: r.slug,
        title: r.title,
        description: r.description,
        status: r.status,
        publishAt: r.publish_at,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
        tagList: r.tag_list,
        favoritesCount: r.favorites_count,
        favorited: r.favorited,
        author: { username: r.username, bio: r.bio, image: r.image, following: r.following },
      })),
    articlesCount: rows[0]?.total ?? 0,
  };
}
