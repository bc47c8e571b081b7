import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { StockReason } from './entities/stock-movement.entity';

export interface StockLine {
  variantId: string;
  quantity: number;
}

/** How one kind of stock movement changes a variant, and when it may. */
interface StockMove {
  reason: StockReason;
  set: string;
  when: string;
  onHand: string;
  reserved: string;
}

/** Holding stock for an unpaid order (checkout). */
const RESERVE: StockMove = {
  reason: 'reserve',
  set: 'reserved = v.reserved + w.qty',
  when: 'v.on_hand - v.reserved >= w.qty',
  onHand: '0',
  reserved: 'w.qty',
};

/**
 * The lines as the statement's parameters: one entry per variant (quantities of repeated
 * variants added up), in id order — the order the rows are locked in.
 */
export function stockParams(lines: StockLine[]): { ids: string[]; quantities: number[] } {
  const merged = new Map<string, number>();
  for (const line of lines)
    merged.set(line.variantId, (merged.get(line.variantId) ?? 0) + line.quantity);
  const ids = [...merged.keys()].sort();
  return { ids, quantities: ids.map((id) => merged.get(id) ?? 0) };
}

/**
 * The CTEs of a stock movement: `wanted` (variant id, qty), `locked` (the variants, locked in
 * id order), `changed` (the variants updated because `when` held, with their qty) and `logged`
 * (their ledger rows). `$` names the placeholders of the ids (uuid[]), the quantities (int[])
 * and the order id.
 */
function stockMoveCtes(
  move: StockMove,
  $: { ids: string; quantities: string; orderId: string },
): string {
  return `wanted AS (
         SELECT * FROM unnest(${$.ids}::uuid[], ${$.quantities}::int[]) AS w(variant_id, qty)
       ), locked AS (
         SELECT v.id FROM shop_variants v WHERE v.id = ANY(${$.ids}::uuid[]) ORDER BY v.id FOR UPDATE
       ), changed AS (
         UPDATE shop_variants v SET ${move.set}, updated_at = now()
         FROM wanted w, locked l
         WHERE v.id = w.variant_id AND l.id = v.id AND ${move.when}
         RETURNING v.id, w.qty
       ), logged AS (
         INSERT INTO shop_stock_movements (variant_id, on_hand_delta, reserved_delta, reason, order_id)
         SELECT w.id, ${move.onHand}, ${move.reserved}, '${move.reason}', ${$.orderId} FROM changed w
       )`;
}

/**
 * The reservation as CTEs, for the checkout statement (`OrdersRepository.place`), which reserves
 * and places the order in one round trip; `changed` lists the variants reserved.
 */
export const reserveCtes = ($: { ids: string; quantities: string; orderId: string }) =>
  stockMoveCtes(RESERVE, $);

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
/** `on_hand` is an `integer`: a delivery may not take it past PostgreSQL's int4 range. */
export const MAX_ON_HAND = 2_147_483_647;

@Injectable()
export class InventoryRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Gives an unpaid order's hold back. (Checkout reserves: `OrdersRepository.place`.) */
  async release(manager: EntityManager, orderId: string, lines: StockLine[]): Promise<string[]> {
    return this.move(manager, lines, orderId, {
      reason: 'release',
      set: 'reserved = v.reserved - w.qty',
      when: 'v.reserved >= w.qty',
      onHand: '0',
      reserved: '-w.qty',
    });
  }

  /** Turns a paid order's hold into a sale: the units leave the warehouse. */
  async sell(manager: EntityManager, orderId: string, lines: StockLine[]): Promise<string[]> {
    return this.move(manager, lines, orderId, {
      reason: 'sale',
      set: 'on_hand = v.on_hand - w.qty, reserved = v.reserved - w.qty',
      when: 'v.reserved >= w.qty AND v.on_hand >= w.qty',
      onHand: '-w.qty',
      reserved: '-w.qty',
    });
  }

  /**
   * A stock count or delivery: `delta` units more (or fewer) on hand, never below what is
   * reserved nor past the column's range. `undefined` when either would be the case.
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
         UPDATE shop_variants SET on_hand = on_hand + $2::int, updated_at = now()
         WHERE id = $1 AND on_hand::bigint + $2::int BETWEEN reserved AND ${MAX_ON_HAND}
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
   * One statement: lock the variants in id order, apply the move where its condition holds,
   * and append a ledger row per changed variant. Returns the variant ids that did not satisfy it.
   */
  private async move(
    manager: EntityManager,
    lines: StockLine[],
    orderId: string,
    move: StockMove,
  ): Promise<string[]> {
    const { ids, quantities } = stockParams(lines);
    const rows = await manager.query<{ id: string }[]>(
      `WITH ${stockMoveCtes(move, { ids: '$1', quantities: '$2', orderId: '$3' })}
       SELECT variant_id AS id FROM wanted WHERE variant_id NOT IN (SELECT id FROM changed)`,
      [ids, quantities, orderId],
    );
    return rows.map((r) => r.id);
  }
}
