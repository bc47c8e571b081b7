import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Articles, tags, favorites and comments: the RealWorld data model. */
export class CreateBlog1764000000006 implements MigrationInterface {
  name = 'CreateBlog1764000000006';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE articles (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        slug        varchar(300) NOT NULL,
        title       varchar(200) NOT NULL,
        description varchar(500) NOT NULL,
        body        text         NOT NULL,
        body_html   text         NOT NULL,
        author_id   uuid         NOT NULL,
        version     integer      NOT NULL DEFAULT 1,
        status      varchar(16)  NOT NULL DEFAULT 'published',
        publish_at  timestamptz,
        published_at timestamptz,
        created_at  timestamptz  NOT NULL DEFAULT now(),
        updated_at  timestamptz  NOT NULL DEFAULT now(),
        CONSTRAINT articles_slug_key UNIQUE (slug),
        CONSTRAINT articles_status_check CHECK (status IN ('draft', 'scheduled', 'published')),
        CONSTRAINT articles_scheduled_check CHECK (status <> 'scheduled' OR publish_at IS NOT NULL),
        CONSTRAINT articles_author_id_fkey FOREIGN KEY (author_id) REFERENCES users (id) ON DELETE CASCADE
      )`);
    // Newest first for the global list; per author for ?author= and the feed.
    await q.query('CREATE INDEX articles_created_at_idx ON articles (created_at DESC, id DESC)');
    await q.query(
      'CREATE INDEX articles_author_id_created_at_idx ON articles (author_id, created_at DESC)',
    );
    // The publishing sweep looks only at scheduled articles that are due.
    await q.query(
      "CREATE INDEX articles_publish_at_idx ON articles (publish_at) WHERE status = 'scheduled'",
    );

    await q.query(`
      CREATE TABLE tags (
        id   integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        name varchar(60) NOT NULL,
        CONSTRAINT tags_name_key UNIQUE (name)
      )`);
    await q.query(`
      CREATE TABLE article_tags (
        article_id uuid    NOT NULL,
        tag_id     integer NOT NULL,
        CONSTRAINT article_tags_pkey PRIMARY KEY (article_id, tag_id),
        CONSTRAINT article_tags_article_id_fkey FOREIGN KEY (article_id) REFERENCES articles (id) ON DELETE CASCADE,
        CONSTRAINT article_tags_tag_id_fkey FOREIGN KEY (tag_id) REFERENCES tags (id) ON DELETE CASCADE
      )`);
    await q.query('CREATE INDEX article_tags_tag_id_idx ON article_tags (tag_id)');

    await q.query(`
      CREATE TABLE favorites (
        user_id    uuid        NOT NULL,
        article_id uuid        NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT favorites_pkey PRIMARY KEY (user_id, article_id),
        CONSTRAINT favorites_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
        CONSTRAINT favorites_article_id_fkey FOREIGN KEY (article_id) REFERENCES articles (id) ON DELETE CASCADE
      )`);
    await q.query('CREATE INDEX favorites_article_id_idx ON favorites (article_id)');

    await q.query(`
      CREATE TABLE comments (
        id         integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        article_id uuid        NOT NULL,
        author_id  uuid        NOT NULL,
        body       text        NOT NULL,
        hidden_at  timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT comments_article_id_fkey FOREIGN KEY (article_id) REFERENCES articles (id) ON DELETE CASCADE,
        CONSTRAINT comments_author_id_fkey FOREIGN KEY (author_id) REFERENCES users (id) ON DELETE CASCADE
      )`);
    await q.query('CREATE INDEX comments_article_id_idx ON comments (article_id, created_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE comments, favorites, article_tags, tags, articles');
  }
}
