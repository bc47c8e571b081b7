import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Former slugs of renamed articles, so old links answer 301 instead of 404. */
export class CreateArticleSlugs1764000000007 implements MigrationInterface {
  name = 'CreateArticleSlugs1764000000007';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE article_slugs (
        slug       varchar(300) PRIMARY KEY,
        article_id uuid         NOT NULL,
        created_at timestamptz  NOT NULL DEFAULT now(),
        CONSTRAINT article_slugs_article_id_fkey FOREIGN KEY (article_id) REFERENCES articles (id) ON DELETE CASCADE
      )`);
    await q.query('CREATE INDEX article_slugs_article_id_idx ON article_slugs (article_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE article_slugs');
  }
}
