import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Every saved version of an article: who changed what, and when. */
export class CreateArticleRevisions1764000000009 implements MigrationInterface {
  name = 'CreateArticleRevisions1764000000009';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE article_revisions (
        id             integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        article_id     uuid         NOT NULL,
        version        integer      NOT NULL,
        editor_id      uuid,
        changed_fields text[]       NOT NULL,
        title          varchar(200) NOT NULL,
        description    varchar(500) NOT NULL,
        body           text         NOT NULL,
        tag_list       text[]       NOT NULL,
        status         varchar(16)  NOT NULL,
        created_at     timestamptz  NOT NULL DEFAULT now(),
        CONSTRAINT article_revisions_article_id_fkey FOREIGN KEY (article_id) REFERENCES articles (id) ON DELETE CASCADE,
        CONSTRAINT article_revisions_editor_id_fkey FOREIGN KEY (editor_id) REFERENCES users (id) ON DELETE SET NULL,
        CONSTRAINT article_revisions_version_key UNIQUE (article_id, version)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE article_revisions');
  }
}
