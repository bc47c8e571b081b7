import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { isoTimestamp } from '@/core/database/sql';
import { OUTBOX_CHANNEL } from '@/core/outbox/outbox.service';
import { redeemCtes } from './coupons.repository';
import { reserveCtes, stockParams } from './inventory.repository';
import type { OrderStatus, ShippingAddress } from './entities/order.entity';

export interface NewOrder {
  id: string;
  number: string;
  customerId: string | null;
  cartId: string;
  /** Guests give one; customers default to their account's. */
  email: string | null;
  currency: string;
  subtotalMinor: number;
  discountMinor: number;
  shippingMinor: number;
  taxMinor: number;
  totalMinor: number;
  couponId: string | null;
  shippingAddress: ShippingAddress;
  reservedUntil: Date;
  idempotencyKey: string | null;
  lines: {
    variantId: string;
    sku: string;
    title: string;
    unitPriceMinor: number;
    quantity: number;
    discountMinor: number;
  }[];
}

/** What `place` decided: the order's stored facts, or why it was not placed. */
export type PlaceResult =
  | {
      placed: true;
      email: string;
      shippingAddress: ShippingAddress;
      reservedUntil: string;
      createdAt: string;
      updatedAt: string;
      /** When the first history entry was written (the transaction's `now()`). */
      historyAt: string;
    }
  | {
      placed: false;
      /** Variants without enough stock (empty when only the coupon refused). */
      short: string[];
      /** Why the coupon gave no use, if that is why. */
      coupon?: 'exhausted' | 'customer_limit';
    };

/** An order as its API shows it (amounts in minor units; the controller adds the currency). */
export interface OrderView {
  id: string;
  number: string;
  status: OrderStatus;
  email: string;
  customerId: string | null;
  cartId: string;
  currency: string;
  subtotalMinor: number;
  discountMinor: number;
  shippingMinor: number;
  taxMinor: number;
  totalMinor: number;
  capturedMinor: number;
  refundedMinor: number;
  couponCode: string | null;
  couponId: string | null;
  shippingAddress: ShippingAddress;
  reservedUntil: string | null;
  idempotencyKey: string | null;
  createdAt: string;
  updatedAt: string;
  lines: {
    variantId: string;
    sku: string;
    title: string;
    unitPriceMinor: number;
    quantity: number;
    discountMinor: number;
    totalMinor: number;
  }[];
  history: { from: OrderStatus | null; to: OrderStatus; note: string | null; at: string }[];
}

const VIEW = `
  SELECT o.id, o.number, o.status, o.email, o.customer_id AS "customerId", o.cart_id AS "cartId",
         o.currency, o.subtotal_minor::float8 AS "subtotalMinor",
         o.discount_minor::float8 AS "discountMinor", o.shipping_minor::float8 AS "shippingMinor",
         o.tax_minor::float8 AS "taxMinor", o.total_minor::float8 AS "totalMinor",
         o.captured_minor::float8 AS "capturedMinor", o.refunded_minor::float8 AS "refundedMinor",
         cp.code AS "couponCode", o.coupon_id AS "couponId", o.shipping_address AS "shippingAddress",
         ${isoTimestamp('o.reserved_until')} AS "reservedUntil", o.idempotency_key AS "idempotencyKey",
         ${isoTimestamp('o.created_at')} AS "createdAt", ${isoTimestamp('o.updated_at')} AS "updatedAt",
         coalesce((SELECT json_agg(json_build_object(
                     'variantId', l.variant_id, 'sku', l.sku, 'title', l.title,
                     'unitPriceMinor', l.unit_price_minor, 'quantity', l.quantity,
                     'discountMinor', l.discount_minor, 'totalMinor', l.total_minor) ORDER BY l.id)
                   FROM shop_order_lines l WHERE l.order_id = o.id), '[]') AS lines,
         coalesce((SELECT json_agg(json_build_object(
                     'from', e.from_status, 'to', e.to_status, 'note', e.note,
                     'at', ${isoTimestamp('e.created_at')}) ORDER BY e.id)
                   FROM shop_order_events e WHERE e.order_id = o.id), '[]') AS history
  FROM shop_orders o LEFT JOIN shop_coupons cp ON cp.id = o.coupon_id`;

@Injectable()
export class OrdersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Checkout's write, all in one statement: reserve the stock of every line (variants locked in
   * id order, ledger rows appended), take the coupon use if there is one, and — only if every
   * line was reserved and the coupon allowed it — insert the order, its lines and first history
   * entry, mark the cart ordered and write `event` to the outbox (its NOTIFY is sent at commit).
   * Data-modifying CTEs all see one snapshot, so each later step is made conditional on the
   * RETURNING rows of the earlier ones rather than on the tables.
   *
   * When something was short the order is not written, but the lines that could be reserved
   * are: the caller throws and the transaction rolls back. The answer carries what PostgreSQL
   * decided (timestamps, the stored email and address), so the caller can build the order's
   * view without reading it back.
   */
  async place(
    manager: EntityManager,
    o: NewOrder,
    event: { topic: string; payload: Record<string, unknown> },
  ): Promise<PlaceResult> {
    const params: unknown[] = [];
    const p = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const stock = stockParams(o.lines);
    const orderId = `${p(o.id)}::uuid`;
    const customerId = `${p(o.customerId)}::uuid`;
    const couponId = o.couponId ? `${p(o.couponId)}::uuid` : undefined;
    const line = <K extends keyof NewOrder['lines'][number]>(key: K) =>
      p(o.lines.map((l) => l[key]));
    const ctes = [
      reserveCtes({ ids: p(stock.ids), quantities: p(stock.quantities), orderId }),
      `short AS (
         SELECT variant_id AS id FROM wanted WHERE variant_id NOT IN (SELECT id FROM changed)
       )`,
      ...(couponId ? [redeemCtes({ couponId, customerId, email: p(o.email ?? '') })] : []),
      `placed AS (
         INSERT INTO shop_orders (id, number, customer_id, cart_id, email, currency, subtotal_minor,
                                  discount_minor, shipping_minor, tax_minor, total_minor, coupon_id,
                                  shipping_address, reserved_until, idempotency_key)
         SELECT ${orderId}, ${p(o.number)}::text, ${customerId}, ${p(o.cartId)}::uuid,
                coalesce(${p(o.email)}::text, (SELECT email FROM users WHERE id = ${customerId})),
                ${p(o.currency)}::text, ${p(o.subtotalMinor)}::bigint, ${p(o.discountMinor)}::bigint,
                ${p(o.shippingMinor)}::bigint, ${p(o.taxMinor)}::bigint, ${p(o.totalMinor)}::bigint,
                ${couponId ?? 'NULL::uuid'}, ${p(JSON.stringify(o.shippingAddress))}::jsonb,
                ${p(o.reservedUntil)}::timestamptz, ${p(o.idempotencyKey)}::text
         WHERE NOT EXISTS (SELECT 1 FROM short)
               ${couponId ? 'AND EXISTS (SELECT 1 FROM redeemed)' : ''}
         RETURNING id, cart_id, email, shipping_address, reserved_until, created_at, updated_at
       )`,
      `order_lines AS (
         INSERT INTO shop_order_lines (order_id, variant_id, sku, title, unit_price_minor, quantity,
                                       discount_minor, total_minor)
         SELECT placed.id, l.variant_id, l.sku, l.title, l.unit_price, l.quantity, l.discount,
                l.unit_price * l.quantity - l.discount
         FROM placed CROSS JOIN unnest(${line('variantId')}::uuid[], ${line('sku')}::text[],
                                       ${line('title')}::text[], ${line('unitPriceMinor')}::bigint[],
                                       ${line('quantity')}::int[], ${line('discountMinor')}::bigint[])
              AS l(variant_id, sku, title, unit_price, quantity, discount)
       )`,
      `history AS (
         INSERT INTO shop_order_events (order_id, from_status, to_status, actor_id)
         SELECT id, NULL, 'pending_payment', ${customerId} FROM placed
         RETURNING created_at
       )`,
      `ordered_cart AS (
         UPDATE shop_carts c SET status = 'ordered', updated_at = now()
         FROM placed WHERE c.id = placed.cart_id
       )`,
      `announced AS (
         INSERT INTO outbox (topic, payload)
         SELECT ${p(event.topic)}::text, ${p(JSON.stringify(event.payload))}::jsonb FROM placed
         RETURNING topic
       )`,
    ];
    const [row] = await manager.query<
      {
        short: string[];
        couponTotalOk?: boolean;
        couponCustomerOk?: boolean;
        placed: Omit<Extract<PlaceResult, { placed: true }>, 'placed'> | null;
        notified: unknown;
      }[]
    >(
      `WITH ${ctes.join(', ')}
       SELECT coalesce((SELECT json_agg(id) FROM short), '[]'::json) AS short,
              ${couponId ? '(SELECT total_ok FROM coupon_limits) AS "couponTotalOk", (SELECT customer_ok FROM coupon_limits) AS "couponCustomerOk",' : ''}
              CASE WHEN placed.id IS NOT NULL THEN json_build_object(
                'email', placed.email, 'shippingAddress', placed.shipping_address,
                'reservedUntil', ${isoTimestamp('placed.reserved_until')},
                'createdAt', ${isoTimestamp('placed.created_at')},
                'updatedAt', ${isoTimestamp('placed.updated_at')},
                'historyAt', (SELECT ${isoTimestamp('created_at')} FROM history)) END AS placed,
              -- Queued now, delivered at commit (NOTIFY is transactional): wakes the outbox relay.
              (SELECT pg_notify(${p(OUTBOX_CHANNEL)}, topic) FROM announced) AS notified
       FROM (SELECT 1) one LEFT JOIN placed ON true`,
      params,
    );
    if (row.placed) return { placed: true, ...row.placed };
    const coupon =
      row.couponTotalOk === false
        ? 'exhausted'
        : row.couponCustomerOk === false
          ? 'customer_limit'
          : undefined;
    return { placed: false, short: row.short, coupon };
  }

  /**
   * Moves an order to `to` if its current status allows it (see order-status.ts), in one
   * statement with its history row: the row is locked, the status checked on the latest
   * version, and the change and the history entry written together. Returns the status it came
   * from, or `{ current }` when the transition was not allowed (or the order does not exist).
   */
  async transition(
    manager: EntityManager,
    t: {
      orderId: string;
      to: OrderStatus;
      from: readonly OrderStatus[];
      actorId: string | null;
      note?: string;
      /** Also clear the stock hold (paid or cancelled orders hold nothing). */
      endHold?: boolean;
      /** Set the captured amount (payment). */
      capturedMinor?: number;
      /** Add to the refunded amount (refund). */
      refundedMinor?: number;
    },
  ): Promise<{ ok: true; from: OrderStatus } | { ok: false; current: OrderStatus | undefined }> {
    const [row] = await manager.query<
      { current: OrderStatus | null; from_status: OrderStatus | null }[]
    >(
      `WITH before AS (
         SELECT id, status FROM shop_orders WHERE id = $1 FOR UPDATE
       ), changed AS (
         UPDATE shop_orders o
         SET status = $2, updated_at = now(), version = o.version + 1,
             reserved_until = CASE WHEN $6 THEN NULL ELSE o.reserved_until END,
             captured_minor = coalesce($7, o.captured_minor),
             refunded_minor = o.refunded_minor + coalesce($8, 0)
         FROM before b
         WHERE o.id = b.id AND b.status = ANY($3::varchar[])
         RETURNING o.id, b.status AS from_status
       ), logged AS (
         INSERT INTO shop_order_events (order_id, from_status, to_status, actor_id, note)
         SELECT id, from_status, $2, $4, $5 FROM changed
       )
       SELECT (SELECT status FROM before) AS current, (SELECT from_status FROM changed) AS from_status`,
      [
        t.orderId,
        t.to,
        t.from,
        t.actorId,
        t.note ?? null,
        t.endHold ?? false,
        t.capturedMinor ?? null,
        t.refundedMinor ?? null,
      ],
    );
    return row?.from_status
      ? { ok: true, from: row.from_status }
      : { ok: false, current: row?.current ?? undefined };
  }

  /** Locks the order row and reads what payments and refunds check. */
  async lockMoney(
    manager: EntityManager,
    id: string,
  ): Promise<
    | { status: OrderStatus; totalMinor: number; capturedMinor: number; refundedMinor: number }
    | undefined
  > {
    const [row] = await manager.query<
      { status: OrderStatus; totalMinor: number; capturedMinor: number; refundedMinor: number }[]
    >(
      `SELECT status, total_minor::float8 AS "totalMinor", captured_minor::float8 AS "capturedMinor",
              refunded_minor::float8 AS "refundedMinor"
       FROM shop_orders WHERE id = $1 FOR UPDATE`,
      [id],
    );
    return row;
  }

  /** Unpaid orders whose stock hold has run out (the sweep behind the delayed jobs). */
  async expiredHolds(limit: number): Promise<string[]> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      `SELECT id FROM shop_orders
       WHERE status = 'pending_payment' AND reserved_until <= now()
       ORDER BY reserved_until LIMIT $1`,
      [limit],
    );
    return rows.map((r) => r.id);
  }

  async findById(id: string, manager?: EntityManager): Promise<OrderView | undefined> {
    const [row] = await (manager ?? this.dataSource.manager).query<OrderView[]>(
      `${VIEW} WHERE o.id = $1`,
      [id],
    );
    return row;
  }

  async findByNumber(number: string): Promise<OrderView | undefined> {
    const [row] = await this.dataSource.query<OrderView[]>(`${VIEW} WHERE o.number = $1`, [number]);
    return row;
  }

  async findByCart(cartId: string, manager?: EntityManager): Promise<OrderView | undefined> {
    const [row] = await (manager ?? this.dataSource.manager).query<OrderView[]>(
      `${VIEW} WHERE o.cart_id = $1`,
      [cartId],
    );
    return row;
  }

  /** A page of orders, newest first; one customer's, or everyone's for staff. */
  async list(page: {
    customerId?: string;
    status?: OrderStatus;
    limit: number;
    offset: number;
  }): Promise<{ orders: OrderView[]; total: number }> {
    const params: unknown[] = [page.customerId ?? null, page.status ?? null];
    const where = `($1::uuid IS NULL OR o.customer_id = $1) AND ($2::text IS NULL OR o.status = $2)`;
    const [result] = await this.dataSource.query<{ orders: OrderView[]; total: number }[]>(
      `SELECT (SELECT count(*) FROM shop_orders o WHERE ${where})::int AS total,
              coalesce((SELECT json_agg(v ORDER BY v."createdAt" DESC, v.id) FROM (
                ${VIEW} WHERE ${where} ORDER BY o.created_at DESC, o.id LIMIT $3 OFFSET $4
              ) v), '[]') AS orders`,
      [...params, page.limit, page.offset],
    );
    return result;
  }
}
