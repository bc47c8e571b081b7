import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateUsers1764000000000 implements MigrationInterface {
  name = 'CreateUsers1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE EXTENSION IF NOT EXISTS pgcrypto');
    await q.query(`
      CREATE TABLE users (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email         varchar(254) NOT NULL,
        username      varchar(40)  NOT NULL,
        password_hash text         NOT NULL,
        bio           text,
        image         text,
        role          varchar(16)  NOT NULL DEFAULT 'author',
        created_at    timestamptz  NOT NULL DEFAULT now(),
        updated_at    timestamptz  NOT NULL DEFAULT now(),
        CONSTRAINT users_role_check CHECK (role IN ('admin', 'editor', 'author', 'customer'))
      )`);
    // Case-insensitive uniqueness lives in the database, not in a racy pre-check.
    await q.query('CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email))');
    await q.query('CREATE UNIQUE INDEX users_username_lower_key ON users (lower(username))');
    await q.query('CREATE INDEX users_created_at_idx ON users (created_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE users');
  }
}
