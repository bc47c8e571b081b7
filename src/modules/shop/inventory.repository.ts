import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { StockReason } from './entities/stock-movement.entity';

export interface StockLine {
  variantId: string;
  quantity: number;
}

/**
 * Every change of stock, each as one statement that changes the variants **and** appends the
 * matching ledger rows, so the ledger can never disagree with the counters.
 *
 * Concurrency: rows are locked in variant-id order (`ORDER BY id FOR UPDATE`), so two checkouts
 * that share variants queue behind each other instead of deadlocking, and each change is a
 * conditional UPDATE re-evaluated on the latest committed row (READ COMMITTED re-checks the WHERE
 * after waiting for a lock). The `shop_variants_stock_check` constraint is the last line: even a
 * buggy statement cannot leave `reserved > on_hand` or a negative count.
 */
@Injectable()
export class InventoryRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Holds stock for an order: all lines or none. Returns the variant ids that could not be
   * reserved (empty on success; the caller rolls back otherwise).
   */
  async reserve(manager: EntityManager, orderId: string, lines: StockLine[]): Promise<string[]> {
    return this.move(manager, lines, {
      orderId,
      reason: 'reserve',
      set: 'reserved = v.reserved + w.qty',
      when: 'v.on_hand - v.reserved >= w.qty',
      onHand: '0',
      reserved: 'w.qty',
    });
  }

  /** Gives an unpaid order's hold back. */
  async release(manager: EntityManager, orderId: string, lines: StockLine[]): Promise<string[]> {
    return this.move(manager, lines, {
      orderId,
      reason: 'release',
      set: 'reserved = v.reserved - w.qty',
      when: 'v.reserved >= w.qty',
      onHand: '0',
      reserved: '-w.qty',
    });
  }

  /** Turns a paid order's hold into a sale: the units leave the warehouse. */
  async sell(manager: EntityManager, orderId: string, lines: StockLine[]): Promise<string[]> {
    return this.move(manager, lines, {
      orderId,
      reason: 'sale',
      set: 'on_hand = v.on_hand - w.qty, reserved = v.reserved - w.qty',
      when: 'v.reserved >= w.qty AND v.on_hand >= w.qty',
      onHand: '-w.qty',
      reserved: '-w.qty',
    });
  }

  /**
   * A stock count or delivery: `delta` units more (or fewer) on hand, never below what is
   * reserved. `false` when that would be the case.
   */
  async adjust(
    variantId: string,
    delta: number,
    note: string,
    actorId: string,
    reason: Extract<StockReason, 'adjustment' | 'return'> = 'adjustment',
  ): Promise<{ onHand: number; reserved: number } | undefined> {
    const rows = await this.dataSource.query<{ on_hand: number; reserved: number }[]>(
      `WITH changed AS (
         UPDATE shop_variants SET on_hand = on_hand + $2, updated_at = now()
         WHERE id = $1 AND on_hand + $2 >= reserved
         RETURNING id, on_hand, reserved
       ), logged AS (
         INSERT INTO shop_stock_movements (variant_id, on_hand_delta, reserved_delta, reason, note, actor_id)
         SELECT id, $2, 0, $3, $4, $5 FROM changed
       )
       SELECT on_hand, reserved FROM changed`,
      [variantId, delta, reason, note, actorId],
    );
    return rows[0] ? { onHand: rows[0].on_hand, reserved: rows[0].reserved } : undefined;
  }

  /** The ledger of one variant, newest first. */
  movements(variantId: string, page: { limit: number; offset: number }) {
    return this.dataSource.query<
      {
        id: string;
        onHandDelta: number;
        reservedDelta: number;
        reason: StockReason;
        note: string | null;
        orderId: string | null;
        createdAt: string;
      }[]
    >(
      `SELECT id::text, on_hand_delta AS "onHandDelta", reserved_delta AS "reservedDelta", reason,
              note, order_id AS "orderId", created_at AS "createdAt"
       FROM shop_stock_movements WHERE variant_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3`,
      [variantId, page.limit, page.offset],
    );
  }

  /**
   * One statement: lock the variants in id order, apply `set` where `when` holds, and append a
   * ledger row per changed variant. Returns the variant ids that did not satisfy `when`.
   */
  private async move(
    manager: EntityManager,
    lines: StockLine[],
    op: {
      orderId: string;
      reason: StockReason;
      set: string;
      when: string;
      onHand: string;
      reserved: string;
    },
  ): Promise<string[]> {
    const merged = new Map<string, number>();
    for (const line of lines)
      merged.set(line.variantId, (merged.get(line.variantId) ?? 0) + line.quantity);
    const ids = [...merged.keys()].sort();
    const rows = await manager.query<{ id: string }[]>(
      `WITH wanted AS (
         SELECT * FROM unnest($1::uuid[], $2::int[]) AS w(variant_id, qty)
       ), locked AS (
         SELECT v.id FROM shop_variants v WHERE v.id = ANY($1::uuid[]) ORDER BY v.id FOR UPDATE
       ), changed AS (
         UPDATE shop_variants v SET ${op.set}, updated_at = now()
         FROM wanted w, locked l
         WHERE v.id = w.variant_id AND l.id = v.id AND ${op.when}
         RETURNING v.id, w.qty
       ), logged AS (
         INSERT INTO shop_stock_movements (variant_id, on_hand_delta, reserved_delta, reason, order_id)
         SELECT w.id, ${op.onHand}, ${op.reserved}, $3, $4 FROM changed w
       )
       SELECT variant_id AS id FROM wanted WHERE variant_id NOT IN (SELECT id FROM changed)`,
      [ids, ids.map((id) => merged.get(id)), op.reason, op.orderId],
    );
    return rows.map((r) => r.id);
  }
}
