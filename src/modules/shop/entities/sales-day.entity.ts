import { Check, Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { MoneyColumn } from './money.column';

/** One UTC day's sales in the store currency, maintained by the outbox consumer. */
@Entity('shop_sales_daily')
@Check(
  'shop_sales_daily_counts_check',
  `orders_placed >= 0 AND orders_paid >= 0 AND units_sold >= 0
          AND gross_minor >= 0 AND refunded_minor >= 0`,
)
export class SalesDay {
  @PrimaryColumn({ type: 'date', primaryKeyConstraintName: 'shop_sales_daily_pkey' })
  day: string;

  @PrimaryColumn({ type: 'char', length: 3, primaryKeyConstraintName: 'shop_sales_daily_pkey' })
  currency: string;

  @Column({ type: 'integer', default: 0 })
  ordersPlaced: number;

  @Column({ type: 'integer', default: 0 })
  ordersPaid: number;

  @Column({ type: 'integer', default: 0 })
  unitsSold: number;

  /** Order totals (tax and shipping included) of the orders paid that day. */
  @MoneyColumn({ default: 0 })
  grossMinor: number;

  /** Refunds made that day, whatever day their order was paid. */
  @MoneyColumn({ default: 0 })
  refundedMinor: number;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}

/** An outbox event already counted in `shop_sales_daily` (events arrive at least once). */
@Entity('shop_sales_applied_events')
export class SalesAppliedEvent {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  eventKey: string;

  @CreateDateColumn({ type: 'timestamptz' })
  appliedAt: Date;
}
