import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryFailedError, type EntityManager } from 'typeorm';
import { ValidationFailedError } from '@/core/http/domain-error';
import { sortWhitelist } from '@/core/http/pagination.dto';
import { CouponCodeTakenError } from './shop.errors';
import type { CouponKind } from './entities/coupon.entity';

export interface CouponRow {
  id: string;
  code: string;
  kind: CouponKind;
  amount: number;
  startsAt: Date | null;
  endsAt: Date | null;
  maxRedemptions: number | null;
  maxPerCustomer: number | null;
  redemptions: number;
  active: boolean;
  createdAt: Date;
}

export interface CouponInput {
  code: string;
  kind: CouponKind;
  amount: number;
  startsAt?: string;
  endsAt?: string | null;
  maxRedemptions?: number | null;
  maxPerCustomer?: number | null;
  active?: boolean;
}

export type CouponChanges = Partial<
  Pick<CouponInput, 'endsAt' | 'maxRedemptions' | 'maxPerCustomer' | 'active'>
>;

/** The staff list's orders (`-` for descending); ties are broken by id the same way. */
export const COUPON_SORT = sortWhitelist({ code: 'code', createdAt: 'created_at' });
const CHANGE_COLUMNS: Record<keyof CouponChanges, string> = {
  endsAt: 'ends_at',
  maxRedemptions: 'max_redemptions',
  maxPerCustomer: 'max_per_customer',
  active: 'active',
};

/** Constraint violations of coupon writes that mean "your input conflicts", as domain errors. */
function couponConflict(error: unknown): Error | undefined {
  if (!(error instanceof QueryFailedError)) return undefined;
  const { constraint } = error.driverError as { constraint?: string };
  if (constraint === 'shop_coupons_code_key') return new CouponCodeTakenError();
  if (constraint === 'shop_coupons_window_check') {
    return new ValidationFailedError({ endsAt: ['must be after startsAt'] });
  }
  if (constraint === 'shop_coupons_redemptions_check') {
    return new ValidationFailedError({ maxRedemptions: ['is below the uses already taken'] });
  }
  return undefined;
}

const COLUMNS = `id, code, kind, amount::float8 AS amount, starts_at AS "startsAt", ends_at AS "endsAt",
  max_redemptions AS "maxRedemptions", max_per_customer AS "maxPerCustomer", redemptions, active,
  created_at AS "createdAt"`;

/**
 * Taking one use of a coupon locked earlier in the transaction (`lock`), as CTEs for the
 * checkout statement (`OrdersRepository.place`): `coupon_limits` says whether the total and the
 * per-customer limit allow one more use, and `redeemed` takes it only if both do. This must be
 * a statement after `lock`, so that its snapshot includes every order committed by whoever held
 * the lock before — counting inside the locking statement would miss them (READ COMMITTED
 * snapshots per statement). The CHECK on `redemptions` backs the total limit. `$` names the
 * placeholders of the coupon id, and of the customer id or (for a guest) the email.
 */
export function redeemCtes($: { couponId: string; customerId: string; email: string }): string {
  return `coupon_limits AS (
         SELECT (max_redemptions IS NULL OR redemptions < max_redemptions) AS total_ok,
                (max_per_customer IS NULL OR (
                   SELECT count(*) FROM shop_orders o
                   WHERE o.coupon_id = c.id AND o.status <> 'cancelled'
                     AND (o.customer_id = ${$.customerId}
                          OR (${$.customerId}::uuid IS NULL AND lower(o.email) = lower(${$.email})))
                 ) < max_per_customer) AS customer_ok
         FROM shop_coupons c WHERE id = ${$.couponId}
       ), redeemed AS (
         UPDATE shop_coupons SET redemptions = redemptions + 1
         WHERE id = ${$.couponId} AND (SELECT total_ok AND customer_ok FROM coupon_limits)
         RETURNING id
       )`;
}

@Injectable()
export class CouponsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findByCode(code: string, manager?: EntityManager): Promise<CouponRow | undefined> {
    const [row] = await (manager ?? this.dataSource.manager).query<CouponRow[]>(
      `SELECT ${COLUMNS} FROM shop_coupons WHERE code = upper($1)`,
      [code],
    );
    return row;
  }

  /** Locks the coupon row: concurrent redemptions of one coupon take turns from here. */
  async lock(manager: EntityManager, code: string): Promise<CouponRow | undefined> {
    const [row] = await manager.query<CouponRow[]>(
      `SELECT ${COLUMNS} FROM shop_coupons WHERE code = upper($1) FOR UPDATE`,
      [code],
    );
    return row;
  }

  /** Gives a use back (the order holding it was cancelled or expired). */
  async giveBack(manager: EntityManager, couponId: string): Promise<void> {
    await manager.query(
      'UPDATE shop_coupons SET redemptions = redemptions - 1 WHERE id = $1 AND redemptions > 0',
      [couponId],
    );
  }

  /** A new code; a taken code is `SHOP.COUPON_CODE_TAKEN`, an empty window a 422. */
  async create(input: CouponInput): Promise<CouponRow> {
    try {
      const [row] = await this.dataSource.query<CouponRow[]>(
        `INSERT INTO shop_coupons (code, kind, amount, starts_at, ends_at, max_redemptions,
                                   max_per_customer, active)
         VALUES (upper($1), $2, $3, $4, $5, $6, $7, $8) RETURNING ${COLUMNS}`,
        [
          input.code,
          input.kind,
          input.amount,
          input.startsAt ?? null,
          input.endsAt ?? null,
          input.maxRedemptions ?? null,
          input.maxPerCustomer ?? null,
          input.active ?? true,
        ],
      );
      return row;
    } catch (error) {
      throw couponConflict(error) ?? error;
    }
  }

  /** Changes the given fields only (`undefined` = keep, `null` = clear); `undefined` if no such code. */
  async update(code: string, changes: CouponChanges): Promise<CouponRow | undefined> {
    const sets: string[] = [];
    const params: unknown[] = [code];
    for (const [field, column] of Object.entries(CHANGE_COLUMNS)) {
      const value = changes[field as keyof CouponChanges];
      if (value === undefined) continue;
      params.push(value);
      sets.push(`${column} = $${params.length}`);
    }
    try {
      const [row] = await this.dataSource.query<CouponRow[]>(
        sets.length
          ? `WITH changed AS (UPDATE shop_coupons SET ${sets.join(', ')} WHERE code = upper($1)
             RETURNING *) SELECT ${COLUMNS} FROM changed`
          : `SELECT ${COLUMNS} FROM shop_coupons WHERE code = upper($1)`,
        params,
      );
      return row;
    } catch (error) {
      throw couponConflict(error) ?? error;
    }
  }

  /** A page of codes in a whitelisted order, with the count of all that match. */
  async page(q: {
    limit: number;
    offset: number;
    sort: string;
    active?: boolean;
  }): Promise<{ rows: CouponRow[]; total: number }> {
    const { column, direction } = COUPON_SORT.parse(q.sort);
    const rows = await this.dataSource.query<(CouponRow & { total: number })[]>(
      `SELECT ${COLUMNS}, count(*) OVER ()::int AS total FROM shop_coupons
       WHERE $3::boolean IS NULL OR active = $3
       ORDER BY ${column} ${direction}, id ${direction} LIMIT $1 OFFSET $2`,
      [q.limit, q.offset, q.active ?? null],
    );
    if (rows.length === 0 && q.offset > 0) {
      const [{ n }] = await this.dataSource.query<{ n: number }[]>(
        'SELECT count(*)::int AS n FROM shop_coupons WHERE $1::boolean IS NULL OR active = $1',
        [q.active ?? null],
      );
      return { rows: [], total: n };
    }
    return { rows: rows.map(({ total: _total, ...row }) => row), total: rows[0]?.total ?? 0 };
  }
}
