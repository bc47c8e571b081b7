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
import { Category } from './category.entity';
import { MoneyColumn } from './money.column';

export type ProductStatus = 'draft' | 'active' | 'archived';

/** A product; what is sold is one of its variants. Only `active` products are public. */
@Entity('shop_products')
@Unique('shop_products_slug_key', ['slug'])
@Check('shop_products_status_check', `status IN ('draft', 'active', 'archived')`)
@Check('shop_products_price_range_check', 'price_min <= price_max')
@Check('shop_products_active_priced_check', `status <> 'active' OR price_min IS NOT NULL`)
@Index('shop_products_status_created_at_idx', { synchronize: false })
@Index('shop_products_status_price_idx', { synchronize: false })
@Index('shop_products_category_id_idx', ['categoryId'])
@Index('shop_products_search_idx', { synchronize: false })
export class Product {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 200 })
  slug: string;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Column({ type: 'text', default: '' })
  description: string;

  @Column({ type: 'varchar', length: 16, default: 'draft' })
  status: ProductStatus;

  @Column({ type: 'uuid', nullable: true })
  categoryId: string | null;

  /** Image URLs, in display order (the files module's storage driver replaces them later). */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  images: string[];

  /** Cheapest and dearest variant, kept by every variant write (list sort and filter). */
  @MoneyColumn({ nullable: true })
  priceMin: number | null;

  @MoneyColumn({ nullable: true })
  priceMax: number | null;

  /** Bumped by every write: the product's ETag. */
  @Column({ type: 'integer', default: 1 })
  version: number;

  @ManyToOne(() => Category, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'category_id', foreignKeyConstraintName: 'shop_products_category_id_fkey' })
  category?: never;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
