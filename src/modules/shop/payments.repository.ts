import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { PaymentStatus } from './entities/payment.entity';

export interface PaymentRow {
  id: string;
  orderId: string;
  provider: string;
  providerPaymentId: string;
  amountMinor: number;
  currency: string;
  status: PaymentStatus;
}

export interface WebhookEventRow {
  id: string;
  provider: string;
  eventId: string;
  type: string;
  payload: unknown;
  processedAt: string | null;
}

const PAYMENT = `id, order_id AS "orderId", provider, provider_payment_id AS "providerPaymentId",
  amount_minor::float8 AS "amountMinor", currency, status`;

/** Payments, refunds and stored provider events. */
@Injectable()
export class PaymentsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The order's payment that is pending or succeeded, if any (at most one, by index). */
  async live(manager: EntityManager, orderId: string): Promise<PaymentRow | undefined> {
    const [row] = await manager.query<PaymentRow[]>(
      `SELECT ${PAYMENT} FROM shop_payments
       WHERE order_id = $1 AND status IN ('requires_payment', 'succeeded')`,
      [orderId],
    );
    return row;
  }

  async attempts(manager: EntityManager, orderId: string): Promise<number> {
    const [row] = await manager.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM shop_payments WHERE order_id = $1',
      [orderId],
    );
    return row.n;
  }

  async insert(manager: EntityManager, p: Omit<PaymentRow, 'id'>): Promise<PaymentRow> {
    const [row] = await manager.query<PaymentRow[]>(
      `INSERT INTO shop_payments (order_id, provider, provider_payment_id, amount_minor, currency, status)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${PAYMENT}`,
      [p.orderId, p.provider, p.providerPaymentId, p.amountMinor, p.currency, p.status],
    );
    return row;
  }

  /**
   * A pending payment for an existing order that has no live one (the partial unique index
   * decides, under concurrency too); `undefined` when the order has one or does not exist.
   */
  async insertIfNoLive(
    manager: EntityManager,
    p: Omit<PaymentRow, 'id' | 'status'>,
  ): Promise<PaymentRow | undefined> {
    const [row] = await manager.query<PaymentRow[]>(
      `INSERT INTO shop_payments (order_id, provider, provider_payment_id, amount_minor, currency)
       SELECT id, $2, $3, $4, $5 FROM shop_orders WHERE id = $1 AND $4::bigint > 0
       ON CONFLICT DO NOTHING RETURNING ${PAYMENT}`,
      [p.orderId, p.provider, p.providerPaymentId, p.amountMinor, p.currency],
    );
    return row;
  }

  async lockByProviderId(
    manager: EntityManager,
    provider: string,
    providerPaymentId: string,
  ): Promise<PaymentRow | undefined> {
    const [row] = await manager.query<PaymentRow[]>(
      `SELECT ${PAYMENT} FROM shop_payments WHERE provider = $1 AND provider_payment_id = $2 FOR UPDATE`,
      [provider, providerPaymentId],
    );
    return row;
  }

  async setStatus(manager: EntityManager, id: string, status: PaymentStatus): Promise<void> {
    await manager.query('UPDATE shop_payments SET status = $2, updated_at = now() WHERE id = $1', [
      id,
      status,
    ]);
  }

  /** Stores a verified event once; `undefined` when this event id was already received. */
  async storeEvent(e: {
    provider: string;
    eventId: string;
    type: string;
    payload: unknown;
  }): Promise<string | undefined> {
    const [row] = await this.dataSource.query<{ id: string }[]>(
      `INSERT INTO shop_webhook_events (provider, event_id, type, payload) VALUES ($1, $2, $3, $4)
       ON CONFLICT (provider, event_id) DO NOTHING RETURNING id::text`,
      [e.provider, e.eventId, e.type, JSON.stringify(e.payload)],
    );
    return row?.id;
  }

  async lockEvent(manager: EntityManager, id: string): Promise<WebhookEventRow | undefined> {
    const [row] = await manager.query<WebhookEventRow[]>(
      `SELECT id::text, provider, event_id AS "eventId", type, payload, processed_at AS "processedAt"
       FROM shop_webhook_events WHERE id = $1 FOR UPDATE`,
      [id],
    );
    return row;
  }

  async markProcessed(manager: EntityManager, id: string, outcome: string): Promise<void> {
    await manager.query(
      'UPDATE shop_webhook_events SET processed_at = now(), outcome = $2 WHERE id = $1',
      [id, outcome.slice(0, 500)],
    );
  }

  /**
   * Pending payments to look up at the provider, marked as checked in the same statement. Due
   * once older than `afterSeconds`, then again after a quarter of their age (5 min, …, hours:
   * an abandoned payment is asked about a few dozen times, not every minute), for three days —
   * as long as a provider retries its webhooks.
   */
  async dueForReconciliation(
    provider: string,
    afterSeconds: number,
    limit: number,
  ): Promise<string[]> {
    const rows = await this.dataSource.query<{ providerPaymentId: string }[]>(
      `WITH due AS (
         SELECT id FROM shop_payments
         WHERE status = 'requires_payment' AND provider = $1
           AND created_at < now() - make_interval(secs => $2)
           AND created_at > now() - interval '3 days'
           AND (checked_at IS NULL
                OR checked_at < now() - greatest(make_interval(secs => $2), (now() - created_at) / 4))
         ORDER BY created_at
         LIMIT $3
         FOR UPDATE SKIP LOCKED
       ), marked AS (
         UPDATE shop_payments p SET checked_at = now() FROM due WHERE p.id = due.id
         RETURNING p.provider_payment_id
       )
       SELECT provider_payment_id AS "providerPaymentId" FROM marked`,
      [provider, afterSeconds, limit],
    );
    return rows.map((r) => r.providerPaymentId);
  }

  /**
   * Pending payments of the last three days (reconciliation's window; older ones are abandoned),
   * split at `afterSeconds` of age, down the partial index of pending ones.
   */
  async pendingCounts(afterSeconds: number): Promise<{ fresh: number; overdue: number }> {
    const [row] = await this.dataSource.query<{ fresh: number; overdue: number }[]>(
      `SELECT count(*) FILTER (WHERE created_at >= now() - make_interval(secs => $1))::int AS fresh,
              count(*) FILTER (WHERE created_at < now() - make_interval(secs => $1))::int AS overdue
       FROM shop_payments
       WHERE status = 'requires_payment' AND created_at > now() - interval '3 days'`,
      [afterSeconds],
    );
    return row;
  }

  /** Events received but not processed (their job was lost); the sweep re-enqueues them. */
  async unprocessedEvents(olderThanSeconds: number, limit: number): Promise<string[]> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      `SELECT id::text FROM shop_webhook_events
       WHERE processed_at IS NULL AND received_at < now() - make_interval(secs => $1)
       ORDER BY id LIMIT $2`,
      [olderThanSeconds, limit],
    );
    return rows.map((r) => r.id);
  }

  async findRefund(
    manager: EntityManager,
    orderId: string,
    key: string,
  ): Promise<{ id: string; amountMinor: number } | undefined> {
    const [row] = await manager.query<{ id: string; amountMinor: number }[]>(
      `SELECT id, amount_minor::float8 AS "amountMinor" FROM shop_refunds
       WHERE order_id = $1 AND idempotency_key = $2`,
      [orderId, key],
    );
    return row;
  }

  async insertRefund(
    manager: EntityManager,
    r: {
      orderId: string;
      paymentId: string;
      amountMinor: number;
      reason: string | null;
      providerRefundId: string;
      idempotencyKey: string;
      actorId: string | null;
    },
  ): Promise<string> {
    const [row] = await manager.query<{ id: string }[]>(
      `INSERT INTO shop_refunds (order_id, payment_id, amount_minor, reason, provider_refund_id,
                                 idempotency_key, actor_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [
        r.orderId,
        r.paymentId,
        r.amountMinor,
        r.reason,
        r.providerRefundId,
        r.idempotencyKey,
        r.actorId,
      ],
    );
    return row.id;
  }
}
