import { Check, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { MoneyColumn } from './money.column';

export type CouponKind = 'percentage' | 'fixed';

/**
 * A promotion code. `redemptions` counts orders holding it; the CHECK keeps it within
 * `max_redemptions` even if two checkouts race for the last use.
 */
@Entity('shop_coupons')
@Unique('shop_coupons_code_key', ['code'])
@Check('shop_coupons_code_check', 'code = upper(code)')
@Check('shop_coupons_kind_check', `kind IN ('percentage', 'fixed')`)
@Check('shop_coupons_amount_check', `amount > 0 AND (kind <> 'percentage' OR amount <= 100)`)
@Check('shop_coupons_window_check', 'ends_at > starts_at')
@Check('shop_coupons_limits_check', 'max_redemptions > 0 AND max_per_customer > 0')
@Check(
  'shop_coupons_redemptions_check',
  'redemptions >= 0 AND (max_redemptions IS NULL OR redemptions <= max_redemptions)',
)
export class Coupon {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Stored upper-case; customers may type it in any case. */
  @Column({ type: 'varchar', length: 64 })
  code: string;

  @Column({ type: 'varchar', length: 16 })
  kind: CouponKind;

  /** Percent (1–100) for `percentage`, minor units for `fixed`. */
  @MoneyColumn()
  amount: number;

  @Column({ type: 'timestamptz', nullable: true })
  startsAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  endsAt: Date | null;

  @Column({ type: 'integer', nullable: true })
  maxRedemptions: number | null;

  @Column({ type: 'integer', nullable: true })
  maxPerCustomer: number | null;

  @Column({ type: 'integer', default: 0 })
  redemptions: number;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
