import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Full-text search over articles: a weighted tsvector (title A, description B, body C) kept up
 * to date by a trigger, and a GIN index for `@@` matches.
 */
export class AddArticleSearch1764000000008 implements MigrationInterface {
  name = 'AddArticleSearch1764000000008';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE articles ADD COLUMN search_vector tsvector');
    await q.query(`
      CREATE FUNCTION articles_search_vector_update() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.search_vector :=
          setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A') ||
          setweight(to_tsvector('english', coalesce(NEW.description, '')), 'B') ||
          setweight(to_tsvector('english', coalesce(NEW.body, '')), 'C');
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER articles_search_vector_trigger
        BEFORE INSERT OR UPDATE OF title, description, body ON articles
        FOR EACH ROW EXECUTE FUNCTION articles_search_vector_update()`);
    // Fill existing rows (the trigger fires on this UPDATE).
    await q.query('UPDATE articles SET title = title');
    await q.query('CREATE INDEX articles_search_idx ON articles USING gin (search_vector)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TRIGGER articles_search_vector_trigger ON articles');
    await q.query('DROP FUNCTION articles_search_vector_update()');
    await q.query('ALTER TABLE articles DROP COLUMN search_vector');
  }
}
