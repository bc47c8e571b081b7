import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateFollows1764000000005 implements MigrationInterface {
  name = 'CreateFollows1764000000005';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE follows (
        follower_id uuid        NOT NULL,
        followee_id uuid        NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT follows_pkey PRIMARY KEY (follower_id, followee_id),
        CONSTRAINT follows_follower_id_fkey FOREIGN KEY (follower_id) REFERENCES users (id) ON DELETE CASCADE,
        CONSTRAINT follows_followee_id_fkey FOREIGN KEY (followee_id) REFERENCES users (id) ON DELETE CASCADE,
        CONSTRAINT follows_not_self_check CHECK (follower_id <> followee_id)
      )`);
    // "Who follows X" (fan-out of notifications); the primary key serves "whom does X follow".
    await q.query('CREATE INDEX follows_followee_id_idx ON follows (followee_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE follows');
  }
}
