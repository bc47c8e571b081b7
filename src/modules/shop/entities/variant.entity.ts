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
import { Product } from './product.entity';

/**
 * A sellable variant (one SKU) with its stock. `onHand` is what the warehouse holds; `reserved`
 * is held for unpaid orders; available = onHand − reserved. The CHECK makes overselling
 * impossible whatever the code does: no write can leave reserved above on hand or either below 0.
 */
@Entity('shop_variants')
@Unique('shop_variants_sku_key', ['sku'])
@Unique('shop_variants_product_options_key', ['productId', 'options'])
@Check('shop_variants_price_check', 'price_minor BETWEEN 0 AND 9007199254740991')
@Check('shop_variants_weight_check', 'weight_grams >= 0')
@Check('shop_variants_stock_check', 'on_hand >= 0 AND reserved >= 0 AND reserved <= on_hand')
@Index('shop_variants_product_id_idx', ['productId', 'position'])
@Index('shop_variants_options_idx', { synchronize: false })
export class Variant {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  productId: string;

  @Column({ type: 'varchar', length: 64 })
  sku: string;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  /** Option values, e.g. `{ "size": "M", "colour": "red" }` (facets and filters). */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  options: Record<string, string>;

  @MoneyColumn()
  priceMinor: number;

  @Column({ type: 'integer', default: 0 })
  weightGrams: number;

  @Column({ type: 'integer', default: 0 })
  onHand: number;

  @Column({ type: 'integer', default: 0 })
  reserved: number;

  @Column({ type: 'integer', default: 0 })
  position: number;

  @ManyToOne(() => Product, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'product_id', foreignKeyConstraintName: 'shop_variants_product_id_fkey' })
  product?: never;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
