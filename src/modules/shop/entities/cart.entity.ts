import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { Variant } from './variant.entity';

export type CartStatus = 'open' | 'ordered' | 'merged';

/**
 * A shopping cart. A guest's cart id is its only credential: a v4 UUID from PostgreSQL's
 * CSPRNG (122 random bits), never listed anywhere. A customer has at most one open cart.
 */
@Entity('shop_carts')
@Check('shop_carts_status_check', `status IN ('open', 'ordered', 'merged')`)
@Index('shop_carts_customer_open_key', { synchronize: false })
@Index('shop_carts_guest_idle_idx', { synchronize: false })
export class Cart {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', nullable: true })
  customerId: string | null;

  @Column({ type: 'varchar', length: 16, default: 'open' })
  status: CartStatus;

  @Column({ type: 'varchar', length: 64, nullable: true })
  couponCode: string | null;

  @ManyToOne('User', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'customer_id', foreignKeyConstraintName: 'shop_carts_customer_id_fkey' })
  customer?: never;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}

@Entity('shop_cart_items')
@Check('shop_cart_items_quantity_check', 'quantity BETWEEN 1 AND 999')
export class CartItem {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'shop_cart_items_pkey' })
  cartId: string;

  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'shop_cart_items_pkey' })
  variantId: string;

  @Column({ type: 'integer' })
  quantity: number;

  @CreateDateColumn({ type: 'timestamptz' })
  addedAt: Date;

  @ManyToOne(() => Cart, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'cart_id', foreignKeyConstraintName: 'shop_cart_items_cart_id_fkey' })
  cart?: never;

  @ManyToOne(() => Variant, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'variant_id', foreignKeyConstraintName: 'shop_cart_items_variant_id_fkey' })
  variant?: never;
}
