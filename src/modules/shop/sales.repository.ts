import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface SalesDayRow {
  day: string;
  ordersPlaced: number;
  ordersPaid: number;
  unitsSold: number;
  grossMinor: number;
  refundedMinor: number;
}

/**
 * The fact an event adds to one day, as SQL over the shop's own tables (so a replayed event
 * reads the same numbers): `$2` is the order id, or the refund id for a refund. Each yields
 * at most one row of (day, currency, placed, paid, units, gross, refunded).
 */
const FACTS = {
  placed: `SELECT (o.created_at AT TIME ZONE 'UTC')::date, o.currency, 1, 0, 0, 0::bigint, 0::bigint
           FROM shop_orders o WHERE o.id = $2`,
  paid: `SELECT (e.created_at AT TIME ZONE 'UTC')::date, o.currency, 0, 1,
                (SELECT coalesce(sum(l.quantity), 0)::int FROM shop_order_lines l WHERE l.order_id = o.id),
                o.total_minor, 0::bigint
         FROM shop_orders o
         JOIN LATERAL (SELECT created_at FROM shop_order_events
                       WHERE order_id = o.id AND to_status = 'paid' ORDER BY id LIMIT 1) e ON true
         WHERE o.id = $2`,
  refunded: `SELECT (r.created_at AT TIME ZONE 'UTC')::date, o.currency, 0, 0, 0, 0::bigint, r.amount_minor
             FROM shop_refunds r JOIN shop_orders o ON o.id = r.order_id WHERE r.id = $2`,
} as const;

export type SalesFact = keyof typeof FACTS;

/** The daily sales rollup: counted once per event, read as a dense series of days. */
@Injectable()
export class SalesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Adds one event's fact to its day, once: the event key is claimed in the same statement, so
   * a redelivered event (or two workers racing on it) counts nothing the second time.
   * Returns whether it counted.
   */
  async apply(fact: SalesFact, eventKey: string, id: string): Promise<boolean> {
    const rows = await this.dataSource.query<{ applied: boolean }[]>(
      `WITH claimed AS (
         INSERT INTO shop_sales_applied_events (event_key) VALUES ($1)
         ON CONFLICT DO NOTHING RETURNING event_key
       ), fact (day, currency, placed, paid, units, gross, refunded) AS (
         ${FACTS[fact]}
       ), counted AS (
         INSERT INTO shop_sales_daily AS s
           (day, currency, orders_placed, orders_paid, units_sold, gross_minor, refunded_minor)
         SELECT day, currency, placed, paid, units, gross, refunded
         FROM fact WHERE EXISTS (SELECT 1 FROM claimed)
         ON CONFLICT (day, currency) DO UPDATE SET
           orders_placed  = s.orders_placed + EXCLUDED.orders_placed,
           orders_paid    = s.orders_paid + EXCLUDED.orders_paid,
           units_sold     = s.units_sold + EXCLUDED.units_sold,
           gross_minor    = s.gross_minor + EXCLUDED.gross_minor,
           refunded_minor = s.refunded_minor + EXCLUDED.refunded_minor,
           updated_at     = now()
         RETURNING 1
       )
       SELECT EXISTS (SELECT 1 FROM counted) AS applied`,
      [eventKey, id],
    );
    return rows[0].applied;
  }

  /** Every day of the range, oldest first, zeros where nothing happened. */
  async days(from: string, to: string, currency: string): Promise<SalesDayRow[]> {
    return this.dataSource.query<SalesDayRow[]>(
      `SELECT to_char(d, 'YYYY-MM-DD') AS day,
              coalesce(s.orders_placed, 0) AS "ordersPlaced",
              coalesce(s.orders_paid, 0) AS "ordersPaid",
              coalesce(s.units_sold, 0) AS "unitsSold",
              coalesce(s.gross_minor, 0)::float8 AS "grossMinor",
              coalesce(s.refunded_minor, 0)::float8 AS "refundedMinor"
       FROM generate_series($1::date, $2::date, interval '1 day') AS d
       LEFT JOIN shop_sales_daily s ON s.day = d::date AND s.currency = $3
       ORDER BY d`,
      [from, to, currency],
    );
  }
}
