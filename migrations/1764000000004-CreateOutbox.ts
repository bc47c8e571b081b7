import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateOutbox1764000000004 implements MigrationInterface {
  name = 'CreateOutbox1764000000004';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE outbox (
        id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        topic        varchar(100) NOT NULL,
        payload      jsonb        NOT NULL,
        created_at   timestamptz  NOT NULL DEFAULT now(),
        published_at timestamptz,
        attempts     integer      NOT NULL DEFAULT 0
      )`);
    // The relay only ever scans unpublished rows; keep that index small.
    await q.query('CREATE INDEX outbox_pending_idx ON outbox (id) WHERE published_at IS NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE outbox');
  }
}
