import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes shaped like the blog's list queries, chosen from EXPLAIN (ANALYZE, BUFFERS) at 100k
 * articles (bench/results/blog-explain-100k-*.md, src/modules/blog/README.md):
 *
 * - every list counts and pages *published* articles newest first: with `status` leading, the
 *   count is an index-only scan instead of a sequential scan of the whole table (bodies and
 *   search vectors included), and the page walks the index and stops after `limit` rows;
 * - the feed (`author_id IN <followed>`) reads (author, published, newest first) per followed
 *   author from the index alone, where the old (author_id, created_at) index lost to a
 *   sequential scan once the feed held a tenth of the table;
 * - a tag filter reads the article ids of a tag from the index alone (it was a bitmap heap scan
 *   of article_tags).
 *
 * Ascending columns: a backward scan serves "newest first" equally well, and plain column lists
 * let the entities declare these indexes and the schema test compare them. Each replaces the
 * index it extends: every query that used the old one (and the foreign keys' cascades) still
 * finds its leading columns. Plain CREATE INDEX, as in every migration so far: it blocks writes
 * to the table while it builds (CONCURRENTLY cannot run inside the migration's transaction).
 */
export class AddBlogListIndexes1764000000012 implements MigrationInterface {
  name = 'AddBlogListIndexes1764000000012';

  async up(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX articles_created_at_idx');
    await q.query(
      'CREATE INDEX articles_status_created_at_idx ON articles (status, created_at, id)',
    );
    await q.query('DROP INDEX articles_author_id_created_at_idx');
    await q.query(
      'CREATE INDEX articles_author_id_status_created_at_idx ON articles (author_id, status, created_at, id)',
    );
    await q.query('DROP INDEX article_tags_tag_id_idx');
    await q.query(
      'CREATE INDEX article_tags_tag_id_article_id_idx ON article_tags (tag_id, article_id)',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX article_tags_tag_id_article_id_idx');
    await q.query('CREATE INDEX article_tags_tag_id_idx ON article_tags (tag_id)');
    await q.query('DROP INDEX articles_author_id_status_created_at_idx');
    await q.query(
      'CREATE INDEX articles_author_id_created_at_idx ON articles (author_id, created_at DESC)',
    );
    await q.query('DROP INDEX articles_status_created_at_idx');
    await q.query('CREATE INDEX articles_created_at_idx ON articles (created_at DESC, id DESC)');
  }
}
