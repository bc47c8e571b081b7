import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Readers flag comments; moderators review the reports. One report per reader and comment. */
export class CreateCommentReports1764000000010 implements MigrationInterface {
  name = 'CreateCommentReports1764000000010';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE comment_reports (
        id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        comment_id  integer      NOT NULL,
        reporter_id uuid         NOT NULL,
        reason      varchar(500) NOT NULL,
        created_at  timestamptz  NOT NULL DEFAULT now(),
        CONSTRAINT comment_reports_comment_id_fkey FOREIGN KEY (comment_id) REFERENCES comments (id) ON DELETE CASCADE,
        CONSTRAINT comment_reports_reporter_id_fkey FOREIGN KEY (reporter_id) REFERENCES users (id) ON DELETE CASCADE,
        CONSTRAINT comment_reports_once_key UNIQUE (comment_id, reporter_id)
      )`);
    await q.query(
      'CREATE INDEX comment_reports_created_at_idx ON comment_reports (created_at DESC)',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE comment_reports');
  }
}
