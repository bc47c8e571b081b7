// A fast, repeatable blog data set for bench/blog.mjs, written with generate_series into the
// schema Stoa's migrations created (so every constraint, trigger and index is the real one):
// users, articles with tags, favorites and follows. "Random" picks are hashes of the row
// number (hashint8), so the same sizes give the same data on every run and machine — only ids
// (gen_random_uuid) differ, and nothing orders by them alone.

import { log } from './harness.mjs';

/**
 * Words for titles, bodies and search; the first ones double as tag names. With about a hundred
 * words every one of them is in a good share of the articles; `autovacuum` (in one article of
 * 997) is the selective search term.
 */
const WORDS = (
  'postgresql nestjs typescript node security performance testing architecture caching redis ' +
  'queues observability design api graphql websockets docker kubernetes devops databases ' +
  'indexes transactions migrations authentication authorization jwt sessions oauth logging ' +
  'metrics tracing scaling sharding replication backups search frontend react css accessibility ' +
  'careers writing open source community rust golang python java linux networking http cdn ' +
  'latency throughput consistency availability partition events outbox idempotency retries ' +
  'backoff pagination cursor offset keyset refactoring monolith modules boundaries contracts ' +
  'schemas validation errors deployment rollback feature flags canary blue green incidents ' +
  'postmortem oncall alerting dashboards budgets capacity planning profiling flamegraph memory ' +
  'garbage collector event loop workers threads streams buffers compression encryption hashing'
).split(' ');

/**
 * Seeds `users` writers, `articles` articles (2 % drafts, 0.5 % scheduled, the rest published;
 * one every 5 minutes, newest first by number), 1–4 tags each out of `tags` (skewed: a few tags
 * are on many articles, as on real blogs), about 20 favorites and 20 follows per writer, and
 * makes `viewerId` follow `feedFollows` writers and favorite some of their articles, so the
 * viewer's feed is large and shows `favorited`/`following` both ways. Then VACUUM ANALYZE, so
 * the planner and the visibility map look like a database that has been running a while.
 */
export async function seedBlog(client, { users, articles, tags, feedFollows, viewerId }) {
  const started = Date.now();
  await client.query('BEGIN');
  // Session-local helpers (pg_temp): a stable pick in [0, n) and a uniform in [0, 1).
  await client.query(`CREATE FUNCTION pg_temp.pick(seed bigint, n integer) RETURNS integer
    LANGUAGE sql IMMUTABLE AS $$ SELECT ((hashint8(seed)::bigint + 2147483648) % n)::integer $$`);
  await client.query(`CREATE FUNCTION pg_temp.unit(seed bigint) RETURNS double precision
    LANGUAGE sql IMMUTABLE AS $$ SELECT (hashint8(seed)::double precision + 2147483648) / 4294967296 $$`);

  await client.query(
    `INSERT INTO users (email, username, password_hash, bio, image, role, created_at, updated_at)
     SELECT format('writer%s@bench.example', i), format('writer%s', i),
            'not-a-hash: nobody logs in as a seeded writer',
            CASE WHEN i % 4 <> 0 THEN format('Writes about %s and %s.',
                 w[1 + pg_temp.pick(i * 8, cardinality(w))], w[1 + pg_temp.pick(i * 8 + 1, cardinality(w))]) END,
            CASE WHEN i % 3 <> 0 THEN format('https://images.example/avatars/%s.png', i) END,
            'author', ts, ts
     FROM generate_series(1, $2::int) i, (SELECT $1::text[] AS w) v,
          LATERAL (SELECT timestamptz '2023-01-01T00:00:00Z' + i * interval '1 hour') t(ts)`,
    [WORDS, users],
  );
  await client.query(
    `CREATE TEMP TABLE bench_users ON COMMIT DROP AS
     SELECT id, substring(username from 7)::int AS n FROM users WHERE username LIKE 'writer%'`,
  );
  await client.query('CREATE UNIQUE INDEX ON bench_users (n)');

  await client.query(
    `INSERT INTO tags (name)
     SELECT CASE WHEN i <= cardinality(w) THEN w[i] ELSE format('topic-%s', i) END
     FROM generate_series(1, $2::int) i, (SELECT $1::text[] AS w) v`,
    [WORDS, tags],
  );
  await client.query(
    `CREATE TEMP TABLE bench_tags ON COMMIT DROP AS
     SELECT id, row_number() OVER (ORDER BY id)::int AS n FROM tags`,
  );
  await client.query('CREATE UNIQUE INDEX ON bench_tags (n)');

  // Article n = 1 is the newest. The search_vector trigger fires for every row, as in production.
  await client.query(
    `INSERT INTO articles (slug, title, description, body, body_html, author_id, status,
                           publish_at, published_at, created_at, updated_at)
     SELECT lower(replace(title, ' ', '-')) || '-b' || i, title, description, body,
            '<p>' || body || E'</p>\\n', u.id, status,
            CASE WHEN status = 'scheduled' THEN now() + interval '30 days' END,
            CASE WHEN status = 'published' THEN ts END, ts, ts
     FROM generate_series(1, $2::int) i, (SELECT $1::text[] AS w) v,
          LATERAL (SELECT timestamptz '2024-01-01T00:00:00Z' + ($2::int - i) * interval '5 minutes',
                          CASE WHEN i % 50 = 7 THEN 'draft' WHEN i % 200 = 3 THEN 'scheduled'
                               ELSE 'published' END) s(ts, status),
          LATERAL (SELECT initcap(string_agg(w[1 + pg_temp.pick(i * 100 + k, cardinality(w))], ' '))
                   FROM generate_series(1, 3 + pg_temp.pick(i * 100, 4)) k) t(title),
          LATERAL (SELECT 'On ' || string_agg(w[1 + pg_temp.pick(i * 100 + 10 + k, cardinality(w))], ', ')
                   FROM generate_series(1, 4) k) d(description),
          LATERAL (SELECT string_agg(w[1 + pg_temp.pick(i * 100 + 20 + k, cardinality(w))], ' ')
                          -- one article in 997 mentions a rare word: a selective search term
                          || CASE WHEN i % 997 = 0 THEN ' autovacuum' ELSE '' END
                   FROM generate_series(1, 60) k) b(body),
          bench_users u
     WHERE u.n = 1 + pg_temp.pick(i * 100 + 1, $3::int)`,
    [WORDS, articles, users],
  );
  await client.query(
    `CREATE TEMP TABLE bench_articles ON COMMIT DROP AS
     SELECT id, author_id, substring(slug from '-b([0-9]+)$')::int AS n FROM articles`,
  );
  await client.query('CREATE UNIQUE INDEX ON bench_articles (n)');

  // 1–4 tags per article; tag k is picked with probability falling like 1/sqrt(k).
  await client.query(
    `INSERT INTO article_tags (article_id, tag_id)
     SELECT a.id, t.id
     FROM bench_articles a
     CROSS JOIN LATERAL generate_series(1, 1 + pg_temp.pick(a.n * 10, 4)) k
     JOIN bench_tags t ON t.n = 1 + floor($1::int * pg_temp.unit(a.n * 10 + k) ^ 2)::int
     ON CONFLICT DO NOTHING`,
    [tags],
  );

  // About 20 favorites per writer, leaning to recent articles (so the front page has counts).
  await client.query(
    `INSERT INTO favorites (user_id, article_id, created_at)
     SELECT u.id, a.id, now()
     FROM bench_users u
     CROSS JOIN generate_series(1, 20) k
     JOIN bench_articles a ON a.n = 1 + floor($1::int * pg_temp.unit(u.n * 100 + k) ^ 3)::int
     ON CONFLICT DO NOTHING`,
    [articles],
  );
  // About 20 follows per writer.
  await client.query(
    `INSERT INTO follows (follower_id, followee_id)
     SELECT u.id, f.id
     FROM bench_users u
     CROSS JOIN generate_series(1, 20) k
     JOIN bench_users f ON f.n = 1 + pg_temp.pick(u.n * 100 + k, $1::int)
     WHERE f.id <> u.id
     ON CONFLICT DO NOTHING`,
    [users],
  );

  // The viewer: follows `feedFollows` writers and favorites every 7th of their articles.
  await client.query(
    `INSERT INTO follows (follower_id, followee_id)
     SELECT $1::uuid, id FROM bench_users WHERE n <= $2::int`,
    [viewerId, feedFollows],
  );
  await client.query(
    `INSERT INTO favorites (user_id, article_id)
     SELECT $1::uuid, a.id FROM bench_articles a JOIN bench_users u ON u.id = a.author_id
     WHERE u.n <= $2::int AND a.n % 7 = 0`,
    [viewerId, feedFollows],
  );
  await client.query('COMMIT');
  await client.query('VACUUM ANALYZE');

  const { rows } = await client.query(
    `SELECT
      (SELECT count(*) FROM users)::int AS users,
      (SELECT count(*) FROM articles)::int AS articles,
      (SELECT count(*) FROM articles WHERE status = 'published')::int AS published,
      (SELECT count(*) FROM tags)::int AS tags,
      (SELECT count(*) FROM article_tags)::int AS "articleTags",
      (SELECT count(*) FROM favorites)::int AS favorites,
      (SELECT count(*) FROM follows)::int AS follows,
      (SELECT count(*) FROM articles a JOIN follows f ON f.followee_id = a.author_id
        WHERE f.follower_id = $1 AND a.status = 'published')::int AS "viewerFeed"`,
    [viewerId],
  );
  const counts = rows[0];
  log(
    `seeded in ${((Date.now() - started) / 1000).toFixed(1)} s: ` +
      Object.entries(counts)
        .map(([k, v]) => `${v} ${k}`)
        .join(', '),
  );
  return counts;
}

/** The most used tag and a writer with many articles and favorites: realistic filter values. */
export async function filterValues(client) {
  const { rows } = await client.query(`SELECT
    (SELECT t.name FROM tags t JOIN article_tags at ON at.tag_id = t.id
      GROUP BY t.name ORDER BY count(*) DESC, t.name LIMIT 1) AS tag,
    (SELECT u.username FROM users u JOIN articles a ON a.author_id = u.id
      GROUP BY u.username ORDER BY count(*) DESC, u.username LIMIT 1) AS author,
    (SELECT u.username FROM users u JOIN favorites f ON f.user_id = u.id
      GROUP BY u.username ORDER BY count(*) DESC, u.username LIMIT 1) AS favorited`);
  return rows[0];
}
