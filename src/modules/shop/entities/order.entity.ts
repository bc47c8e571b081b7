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
import { Cart } from './cart.entity';
import { Coupon } from './coupon.entity';
import { MoneyColumn } from './money.column';
import { Variant } from './variant.entity';

export type OrderStatus =
  | 'pending_payment'
  | 'paid'
  | 'fulfilled'
  | 'delivered'
  | 'cancelled'
  | 'refunded'
  | 'partially_refunded';

export interface ShippingAddress {
  name: string;
  line1: string;
  line2?: string;
  city: string;
  postalCode: string;
  country: string;
}

/**
 * An order. Totals are computed by the server at checkout and frozen here; the CHECKs make an
 * inconsistent total, a capture above the total or a refund above the capture impossible.
 * One order per cart (`cart_id` unique): a retried checkout finds the order it already made.
 */
@Entity('shop_orders')
@Unique('shop_orders_number_key', ['number'])
@Unique('shop_orders_cart_id_key', ['cartId'])
@Check(
  'shop_orders_status_check',
  `status IN ('pending_payment', 'paid', 'fulfilled', 'delivered', 'cancelled', 'refunded', 'partially_refunded')`,
)
@Check(
  'shop_orders_amounts_check',
  'subtotal_minor >= 0 AND shipping_minor >= 0 AND tax_minor >= 0 AND discount_minor BETWEEN 0 AND subtotal_minor',
)
@Check(
  'shop_orders_total_check',
  'total_minor = subtotal_minor - discount_minor + shipping_minor + tax_minor',
)
@Check('shop_orders_captured_check', 'captured_minor BETWEEN 0 AND total_minor')
@Check('shop_orders_refunded_check', 'refunded_minor BETWEEN 0 AND captured_minor')
@Index('shop_orders_customer_id_idx', { synchronize: false })
@Index('shop_orders_created_at_idx', { synchronize: false })
@Index('shop_orders_reserved_until_idx', { synchronize: false })
@Index('shop_orders_coupon_id_idx', { synchronize: false })
export class Order {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Public order number from a CSPRNG (not guessable, not a count of our orders). */
  @Column({ type: 'varchar', length: 20 })
  number: string;

  @Column({ type: 'uuid', nullable: true })
  customerId: string | null;

  @Column({ type: 'uuid' })
  cartId: string;

  @Column({ type: 'varchar', length: 254 })
  email: string;

  @Column({ type: 'varchar', length: 24, default: 'pending_payment' })
  status: OrderStatus;

  @Column({ type: 'char', length: 3 })
  currency: string;

  @MoneyColumn()
  subtotalMinor: number;

  @MoneyColumn({ default: 0 })
  discountMinor: number;

  @MoneyColumn({ default: 0 })
  shippingMinor: number;

  @MoneyColumn({ default: 0 })
  taxMinor: number;

  @MoneyColumn()
  totalMinor: number;

  @MoneyColumn({ default: 0 })
  capturedMinor: number;

  @MoneyColumn({ default: 0 })
  refundedMinor: number;

  @Column({ type: 'uuid', nullable: true })
  couponId: string | null;

  @Column({ type: 'jsonb' })
  shippingAddress: ShippingAddress;

  /** Until when the stock of an unpaid order is held. */
  @Column({ type: 'timestamptz', nullable: true })
  reservedUntil: Date | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  idempotencyKey: string | null;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @ManyToOne('User', { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'customer_id', foreignKeyConstraintName: 'shop_orders_customer_id_fkey' })
  customer?: never;

  @ManyToOne(() => Cart, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'cart_id', foreignKeyConstraintName: 'shop_orders_cart_id_fkey' })
  cart?: never;

  @ManyToOne(() => Coupon, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'coupon_id', foreignKeyConstraintName: 'shop_orders_coupon_id_fkey' })
  coupon?: never;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}

/** A frozen line of an order: price and title as they were when the order was placed. */
@Entity('shop_order_lines')
@Check('shop_order_lines_quantity_check', 'quantity BETWEEN 1 AND 999')
@Check(
  'shop_order_lines_amounts_check',
  'unit_price_minor >= 0 AND discount_minor BETWEEN 0 AND unit_price_minor * quantity',
)
@Check('shop_order_lines_total_check', 'total_minor = unit_price_minor * quantity - discount_minor')
@Index('shop_order_lines_order_id_idx', ['orderId'])
export class OrderLine {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'uuid' })
  orderId: string;

  @Column({ type: 'uuid' })
  variantId: string;

  @Column({ type: 'varchar', length: 64 })
  sku: string;

  @Column({ type: 'varchar', length: 400 })
  title: string;

  @MoneyColumn()
  unitPriceMinor: number;

  @Column({ type: 'integer' })
  quantity: number;

  @MoneyColumn({ default: 0 })
  discountMinor: number;

  @MoneyColumn()
  totalMinor: number;

  @ManyToOne(() => Order, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'order_id', foreignKeyConstraintName: 'shop_order_lines_order_id_fkey' })
  order?: never;

  @ManyToOne(() => Variant, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'variant_id', foreignKeyConstraintName: 'shop_order_lines_variant_id_fkey' })
  variant?: never;
}

/** The order's history: one row per status transition, with who made it. */
@Entity('shop_order_events')
@Index('shop_order_events_order_id_idx', ['orderId', 'id'])
export class OrderEvent {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'uuid' })
  orderId: string;

  @Column({ type: 'varchar', length: 24, nullable: true })
  fromStatus: OrderStatus | null;

  @Column({ type: 'varchar', length: 24 })
  toStatus: OrderStatus;

  @Column({ type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  note: string | null;

  @ManyToOne(() => Order, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'order_id', foreignKeyConstraintName: 'shop_order_events_order_id_fkey' })
  order?: never;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
