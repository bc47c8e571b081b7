import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateMailDeliveries1764000000002 implements MigrationInterface {
  name = 'CreateMailDeliveries1764000000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE mail_deliveries (
        id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        key        varchar(200) NOT NULL,
        template   varchar(64)  NOT NULL,
        recipient  varchar(254) NOT NULL,
        status     varchar(16)  NOT NULL DEFAULT 'pending',
        attempts   integer      NOT NULL DEFAULT 0,
        message_id varchar(512),
        created_at timestamptz  NOT NULL DEFAULT now(),
        sent_at    timestamptz,
        CONSTRAINT mail_deliveries_key_key UNIQUE (key),
        CONSTRAINT mail_deliveries_status_check CHECK (status IN ('pending', 'sent'))
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE mail_deliveries');
  }
}
