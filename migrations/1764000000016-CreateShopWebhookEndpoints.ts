import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Outbound webhooks: subscribers to shop events, and the log of every delivery attempt. */
export class CreateShopWebhookEndpoints1764000000016 implements MigrationInterface {
  name = 'CreateShopWebhookEndpoints1764000000016';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE shop_webhook_endpoints (
        id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        url        varchar(2000) NOT NULL,
        secret     varchar(100)  NOT NULL,
        events     text[]        NOT NULL,
        active     boolean       NOT NULL DEFAULT true,
        created_at timestamptz   NOT NULL DEFAULT now(),
        CONSTRAINT shop_webhook_endpoints_events_check CHECK (cardinality(events) > 0)
      )`);
    await q.query(`
      CREATE TABLE shop_webhook_deliveries (
        id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        endpoint_id      uuid         NOT NULL,
        event_key        varchar(200) NOT NULL,
        topic            varchar(100) NOT NULL,
        payload          jsonb        NOT NULL,
        status           varchar(16)  NOT NULL DEFAULT 'pending',
        attempts         integer      NOT NULL DEFAULT 0,
        last_status_code integer,
        last_error       varchar(500),
        delivered_at     timestamptz,
        created_at       timestamptz  NOT NULL DEFAULT now(),
        updated_at       timestamptz  NOT NULL DEFAULT now(),
        CONSTRAINT shop_webhook_deliveries_event_key UNIQUE (endpoint_id, event_key),
        CONSTRAINT shop_webhook_deliveries_status_check
          CHECK (status IN ('pending', 'delivered', 'failed')),
        CONSTRAINT shop_webhook_deliveries_endpoint_id_fkey FOREIGN KEY (endpoint_id)
          REFERENCES shop_webhook_endpoints (id) ON DELETE CASCADE
      )`);
    await q.query(
      'CREATE INDEX shop_webhook_deliveries_endpoint_id_idx ON shop_webhook_deliveries (endpoint_id, id DESC)',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE shop_webhook_deliveries');
    await q.query('DROP TABLE shop_webhook_endpoints');
  }
}
