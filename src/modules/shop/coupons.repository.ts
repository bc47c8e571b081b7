import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
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
}

const COLUMNS = `id, code, kind, amount::float8 AS amount, starts_at AS "startsAt", ends_at AS "endsAt",
  max_redemptions AS "maxRedemptions", max_per_customer AS "maxPerCustomer", redemptions, active`;

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

  async create(input: {
    code: string;
    kind: CouponKind;
    amount: number;
    startsAt?: string;
    endsAt?: string;
    maxRedemptions?: number;
    maxPerCustomer?: number;
  }): Promise<CouponRow> {
    const [row] = await this.dataSource.query<CouponRow[]>(
      `INSERT INTO shop_coupons (code, kind, amount, starts_at, ends_at, max_redemptions, max_per_customer)
       VALUES (upper($1), $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
      [
        input.code,
        input.kind,
        input.amount,
        input.startsAt ?? null,
        input.endsAt ?? null,
        input.maxRedemptions ?? null,
        input.maxPerCustomer ?? null,
      ],
    );
    return row;
  }
}
