import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { isoTimestamp } from '@/core/database/sql';
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
   * Places the order in one statement: the order row, its lines, the first history entry and
   * the cart marked as ordered. (Stock is reserved just before, in the same transaction.)
   */
  async insertPlaced(manager: EntityManager, o: NewOrder): Promise<void> {
    await manager.query(
      `WITH placed AS (
         INSERT INTO shop_orders (id, number, customer_id, cart_id, email, currency, subtotal_minor,
                                  discount_minor, shipping_minor, tax_minor, total_minor, coupon_id,
                                  shipping_address, reserved_until, idempotency_key)
         VALUES ($1, $2, $3, $4, coalesce($5, (SELECT email FROM users WHERE id = $3)), $6, $7, $8,
                 $9, $10, $11, $12, $13, $14, $15)
         RETURNING id
       ), lines AS (
         INSERT INTO shop_order_lines (order_id, variant_id, sku, title, unit_price_minor, quantity,
                                       discount_minor, total_minor)
         SELECT (SELECT id FROM placed), l.variant_id, l.sku, l.title, l.unit_price, l.quantity,
                l.discount, l.unit_price * l.quantity - l.discount
         FROM unnest($16::uuid[], $17::text[], $18::text[], $19::bigint[], $20::int[], $21::bigint[])
              AS l(variant_id, sku, title, unit_price, quantity, discount)
       ), history AS (
         INSERT INTO shop_order_events (order_id, from_status, to_status, actor_id)
         SELECT id, NULL, 'pending_payment', $3 FROM placed
       )
       UPDATE shop_carts SET status = 'ordered', updated_at = now() WHERE id = $4`,
      [
        o.id,
        o.number,
        o.customerId,
        o.cartId,
        o.email,
        o.currency,
        o.subtotalMinor,
        o.discountMinor,
        o.shippingMinor,
        o.taxMinor,
        o.totalMinor,
        o.couponId,
        JSON.stringify(o.shippingAddress),
        o.reservedUntil,
        o.idempotencyKey,
        o.lines.map((l) => l.variantId),
        o.lines.map((l) => l.sku),
        o.lines.map((l) => l.title),
        o.lines.map((l) => l.unitPriceMinor),
        o.lines.map((l) => l.quantity),
        o.lines.map((l) => l.discountMinor),
      ],
    );
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
