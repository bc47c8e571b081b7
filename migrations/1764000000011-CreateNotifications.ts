import type { MigrationInterface, QueryRunner } from 'typeorm';

/** In-app notifications: one row per recipient and subject, read or not. */
export class CreateNotifications1764000000011 implements MigrationInterface {
  name = 'CreateNotifications1764000000011';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE notifications (
        id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        user_id    uuid         NOT NULL,
        type       varchar(64)  NOT NULL,
        subject_id varchar(100) NOT NULL,
        payload    jsonb        NOT NULL,
        read_at    timestamptz,
        created_at timestamptz  NOT NULL DEFAULT now(),
        CONSTRAINT notifications_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
        CONSTRAINT notifications_once_key UNIQUE (user_id, type, subject_id)
      )`);
    // The inbox: newest first per user (keyset pagination on id).
    await q.query('CREATE INDEX notifications_user_id_id_idx ON notifications (user_id, id DESC)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE notifications');
  }
}
