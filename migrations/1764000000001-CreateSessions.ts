import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateSessions1764000000001 implements MigrationInterface {
  name = 'CreateSessions1764000000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sessions (
        id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id        uuid        NOT NULL,
        token_hash     char(64)    NOT NULL,
        previous_token_hash char(64),
        rotated_at     timestamptz,
        generation     integer     NOT NULL DEFAULT 0,
        user_agent     varchar(512),
        ip             varchar(64),
        created_at     timestamptz NOT NULL DEFAULT now(),
        last_used_at   timestamptz NOT NULL,
        expires_at     timestamptz NOT NULL,
        revoked_at     timestamptz,
        revoked_reason varchar(32),
        CONSTRAINT sessions_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
        CONSTRAINT sessions_generation_check CHECK (generation >= 0)
      )`);
    await q.query('CREATE INDEX sessions_user_id_idx ON sessions (user_id)');
    await q.query('CREATE INDEX sessions_expires_at_idx ON sessions (expires_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE sessions');
  }
}
