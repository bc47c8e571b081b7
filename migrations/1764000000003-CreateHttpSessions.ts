import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Store of cookie sessions for the HTML pages when Redis is absent (connect-pg-simple layout). */
export class CreateHttpSessions1764000000003 implements MigrationInterface {
  name = 'CreateHttpSessions1764000000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE http_sessions (
        sid    varchar      PRIMARY KEY,
        sess   json         NOT NULL,
        expire timestamp(6) NOT NULL
      )`);
    await q.query('CREATE INDEX http_sessions_expire_idx ON http_sessions (expire)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE http_sessions');
  }
}
