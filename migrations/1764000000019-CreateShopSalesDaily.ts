import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sales figures per UTC day, kept up to date by the consumer of the shop's outbox events (the
 * analytics side of `shop.orderPlaced` / `orderPaid` / `orderRefunded`), so a report over a year
 * reads at most 366 rows instead of scanning every order. Events are delivered at least once:
 * `shop_sales_applied_events` remembers each one applied, in the same statement that counts it.
 */
export class CreateShopSalesDaily1764000000019 implements MigrationInterface {
  name = 'CreateShopSalesDaily1764000000019';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE shop_sales_daily (
        day            date        NOT NULL,
        currency       char(3)     NOT NULL,
        orders_placed  integer     NOT NULL DEFAULT 0,
        orders_paid    integer     NOT NULL DEFAULT 0,
        units_sold     integer     NOT NULL DEFAULT 0,
        gross_minor    bigint      NOT NULL DEFAULT 0,
        refunded_minor bigint      NOT NULL DEFAULT 0,
        updated_at     timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT shop_sales_daily_pkey PRIMARY KEY (day, currency),
        CONSTRAINT shop_sales_daily_counts_check CHECK (
          orders_placed >= 0 AND orders_paid >= 0 AND units_sold >= 0
          AND gross_minor >= 0 AND refunded_minor >= 0)
      )`);
    await q.query(`
      CREATE TABLE shop_sales_applied_events (
        event_key  varchar(100) PRIMARY KEY,
        applied_at timestamptz  NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE shop_sales_applied_events');
    await q.query('DROP TABLE shop_sales_daily');
  }
}
