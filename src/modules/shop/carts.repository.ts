import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { CartStatus } from './entities/cart.entity';
import { CartNotFoundError } from './shop.errors';

export interface CartHeader {
  id: string;
  customerId: string | null;
  status: CartStatus;
  couponCode: string | null;
}

/** A cart line with the live price and stock of its variant. */
export interface CartLine {
  variantId: string;
  sku: string;
  title: string;
  options: Record<string, string>;
  unitPriceMinor: number;
  weightGrams: number;
  quantity: number;
  available: number;
  /** `false` when the product was unpublished or archived since it was added. */
  purchasable: boolean;
}

/** A line as checkout reads it: also the product's slug, whose cached page it makes stale. */
export interface CheckoutLine extends CartLine {
  productSlug: string;
}

const LINE_COLUMNS = `
  i.variant_id AS "variantId", v.sku, p.title || ' — ' || v.title AS title, v.options,
  v.price_minor::float8 AS "unitPriceMinor", v.weight_grams AS "weightGrams", i.quantity,
  v.on_hand - v.reserved AS available, p.status = 'active' AS purchasable`;

@Injectable()
export class CartsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** A new guest cart, or the customer's open cart (created on first use). */
  async open(customerId: string | null): Promise<string> {
    const [row] = await this.dataSource.query<{ id: string }[]>(
      customerId
        ? `INSERT INTO shop_carts (customer_id) VALUES ($1)
           ON CONFLICT (customer_id) WHERE status = 'open' DO UPDATE SET updated_at = now()
           RETURNING id`
        : 'INSERT INTO shop_carts DEFAULT VALUES RETURNING id',
      customerId ? [customerId] : [],
    );
    return row.id;
  }

  async header(cartId: string): Promise<CartHeader | undefined> {
    const [row] = await this.dataSource.query<CartHeader[]>(
      `SELECT id, customer_id AS "customerId", status, coupon_code AS "couponCode"
       FROM shop_carts WHERE id = $1`,
      [cartId],
    );
    return row;
  }

  async lines(cartId: string): Promise<CartLine[]> {
    return this.dataSource.query<CartLine[]>(
      `SELECT ${LINE_COLUMNS}
       FROM shop_cart_items i JOIN shop_variants v ON v.id = i.variant_id
       JOIN shop_products p ON p.id = v.product_id
       WHERE i.cart_id = $1 ORDER BY i.added_at, i.variant_id`,
      [cartId],
    );
  }

  /**
   * Checkout's first statement: locks the cart row (a second checkout of the same cart waits,
   * then sees it ordered) and reads its lines with live prices, in one round trip.
   */
  async lockWithLines(
    manager: EntityManager,
    cartId: string,
  ): Promise<{ cart: CartHeader; lines: CheckoutLine[] } | undefined> {
    const rows = await manager.query<(CartHeader & { line: CheckoutLine | null })[]>(
      `SELECT c.id, c.customer_id AS "customerId", c.status, c.coupon_code AS "couponCode",
              CASE WHEN i.variant_id IS NULL THEN NULL ELSE json_build_object(
                'variantId', i.variant_id, 'sku', v.sku, 'title', p.title || ' — ' || v.title,
                'options', v.options, 'unitPriceMinor', v.price_minor, 'weightGrams', v.weight_grams,
                'quantity', i.quantity, 'available', v.on_hand - v.reserved,
                'purchasable', p.status = 'active', 'productSlug', p.slug) END AS line
       FROM shop_carts c
       LEFT JOIN shop_cart_items i ON i.cart_id = c.id
       LEFT JOIN shop_variants v ON v.id = i.variant_id
       LEFT JOIN shop_products p ON p.id = v.product_id
       WHERE c.id = $1
       ORDER BY i.added_at, i.variant_id
       FOR UPDATE OF c`,
      [cartId],
    );
    if (!rows.length) return undefined;
    const { line: _line, ...cart } = rows[0];
    return { cart, lines: rows.flatMap((r) => (r.line ? [r.line] : [])) };
  }

  /** Variant facts needed to accept a line: live price, stock and whether it is for sale. */
  async variantForSale(
    variantId: string,
  ): Promise<{ sku: string; available: number; purchasable: boolean } | undefined> {
    const [row] = await this.dataSource.query<
      { sku: string; available: number; purchasable: boolean }[]
    >(
      `SELECT v.sku, v.on_hand - v.reserved AS available, p.status = 'active' AS purchasable
       FROM shop_variants v JOIN shop_products p ON p.id = v.product_id WHERE v.id = $1`,
      [variantId],
    );
    return row;
  }

  async setQuantity(cartId: string, variantId: string, quantity: number): Promise<void> {
    try {
      await this.dataSource.query(
        `INSERT INTO shop_cart_items (cart_id, variant_id, quantity) VALUES ($1, $2, $3)
         ON CONFLICT (cart_id, variant_id) DO UPDATE SET quantity = EXCLUDED.quantity`,
        [cartId, variantId, quantity],
      );
    } catch (error) {
      // The idle-cart cleanup deleted the cart between the read and this write.
      const { constraint } = (error as { driverError?: { constraint?: string } }).driverError ?? {};
      if (constraint === 'shop_cart_items_cart_id_fkey') throw new CartNotFoundError();
      throw error;
    }
    await this.touch(cartId);
  }

  async removeItem(cartId: string, variantId: string): Promise<void> {
    await this.dataSource.query(
      'DELETE FROM shop_cart_items WHERE cart_id = $1 AND variant_id = $2',
      [cartId, variantId],
    );
    await this.touch(cartId);
  }

  async setCoupon(cartId: string, code: string | null): Promise<void> {
    await this.dataSource.query(
      'UPDATE shop_carts SET coupon_code = $2, updated_at = now() WHERE id = $1',
      [cartId, code],
    );
  }

  /**
   * Moves a guest cart's lines into the customer's open cart (quantities add up, capped at the
   * line maximum) and marks the guest cart merged. One transaction; the guest cart is locked so
   * a concurrent checkout of it cannot interleave.
   */
  async merge(manager: EntityManager, guestCartId: string, customerCartId: string): Promise<void> {
    await manager.query(
      `INSERT INTO shop_cart_items (cart_id, variant_id, quantity)
       SELECT $2, variant_id, quantity FROM shop_cart_items WHERE cart_id = $1
       ON CONFLICT (cart_id, variant_id)
       DO UPDATE SET quantity = LEAST(999, shop_cart_items.quantity + EXCLUDED.quantity)`,
      [guestCartId, customerCartId],
    );
    await manager.query(
      `UPDATE shop_carts c SET coupon_code = coalesce(c.coupon_code, g.coupon_code), updated_at = now()
       FROM shop_carts g WHERE c.id = $2 AND g.id = $1`,
      [guestCartId, customerCartId],
    );
    await manager.query(
      "UPDATE shop_carts SET status = 'merged', updated_at = now() WHERE id = $1",
      [guestCartId],
    );
  }

  /** Locks a cart for a state change; `undefined` when unknown. */
  async lock(manager: EntityManager, cartId: string): Promise<CartHeader | undefined> {
    const [row] = await manager.query<CartHeader[]>(
      `SELECT id, customer_id AS "customerId", status, coupon_code AS "couponCode"
       FROM shop_carts WHERE id = $1 FOR UPDATE`,
      [cartId],
    );
    return row;
  }

  /**
   * Deletes up to `limit` guest carts untouched for `days` (their lines go with them); ordered
   * carts stay, since their orders refer to them. Answers how many went.
   */
  async deleteIdleGuestCarts(days: number, limit: number): Promise<number> {
    const [{ n }] = await this.dataSource.query<{ n: number }[]>(
      `WITH doomed AS (
         SELECT id FROM shop_carts
         WHERE customer_id IS NULL AND status IN ('open', 'merged')
           AND updated_at < now() - make_interval(days => $1)
         ORDER BY updated_at LIMIT $2
         FOR UPDATE SKIP LOCKED
       ), gone AS (
         DELETE FROM shop_carts c USING doomed WHERE c.id = doomed.id RETURNING 1
       )
       SELECT count(*)::int AS n FROM gone`,
      [days, limit],
    );
    return n;
  }

  private async touch(cartId: string): Promise<void> {
    await this.dataSource.query('UPDATE shop_carts SET updated_at = now() WHERE id = $1', [cartId]);
  }
}
