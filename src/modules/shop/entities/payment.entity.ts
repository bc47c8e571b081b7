import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';
import { MoneyColumn } from './money.column';
import { Order } from './order.entity';

export type PaymentStatus = 'requires_payment' | 'succeeded' | 'failed' | 'cancelled';

/** A payment intent at the provider. At most one live one per order (partial unique index). */
@Entity('shop_payments')
@Unique('shop_payments_provider_payment_id_key', ['provider', 'providerPaymentId'])
@Check('shop_payments_amount_check', 'amount_minor > 0')
@Check(
  'shop_payments_status_check',
  `status IN ('requires_payment', 'succeeded', 'failed', 'cancelled')`,
)
@Index('shop_payments_order_live_key', { synchronize: false })
@Index('shop_payments_pending_idx', { synchronize: false })
export class Payment {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  orderId: string;

  @Column({ type: 'varchar', length: 32 })
  provider: string;

  @Column({ type: 'varchar', length: 255 })
  providerPaymentId: string;

  @MoneyColumn()
  amountMinor: number;

  @Column({ type: 'char', length: 3 })
  currency: string;

  @Column({ type: 'varchar', length: 24, default: 'requires_payment' })
  status: PaymentStatus;

  /** When reconciliation last asked the provider about this (still pending) payment. */
  @Column({ type: 'timestamptz', nullable: true })
  checkedAt: Date | null;

  @ManyToOne(() => Order, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'order_id', foreignKeyConstraintName: 'shop_payments_order_id_fkey' })
  order?: never;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}

/** A refund of (part of) a captured payment; the order's CHECK caps the sum at the capture. */
@Entity('shop_refunds')
@Check('shop_refunds_amount_check', 'amount_minor > 0')
@Unique('shop_refunds_idempotency_key', ['orderId', 'idempotencyKey'])
export class Refund {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  orderId: string;

  @Column({ type: 'uuid' })
  paymentId: string;

  @MoneyColumn()
  amountMinor: number;

  @Column({ type: 'varchar', length: 500, nullable: true })
  reason: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  providerRefundId: string | null;

  @Column({ type: 'varchar', length: 255 })
  idempotencyKey: string;

  @Column({ type: 'uuid', nullable: true })
  actorId: string | null;

  @ManyToOne(() => Order, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'order_id', foreignKeyConstraintName: 'shop_refunds_order_id_fkey' })
  order?: never;

  @ManyToOne(() => Payment, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'payment_id', foreignKeyConstraintName: 'shop_refunds_payment_id_fkey' })
  payment?: never;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

/** An inbound provider event, stored once (unique per provider and event id), then processed. */
@Entity('shop_webhook_events')
@Unique('shop_webhook_events_event_key', ['provider', 'eventId'])
export class WebhookEvent {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'varchar', length: 32 })
  provider: string;

  @Column({ type: 'varchar', length: 255 })
  eventId: string;

  @Column({ type: 'varchar', length: 100 })
  type: string;

  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  @CreateDateColumn({ type: 'timestamptz' })
  receivedAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  processedAt: Date | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  outcome: string | null;
}
