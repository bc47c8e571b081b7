import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';
import { Product } from './product.entity';

/** A hand-picked set of products ("Summer sale"), independent of the category tree. */
@Entity('shop_collections')
@Unique('shop_collections_slug_key', ['slug'])
export class Collection {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 140 })
  slug: string;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Column({ type: 'text', default: '' })
  description: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}

@Entity('shop_collection_products')
@Index('shop_collection_products_product_id_idx', ['productId'])
export class CollectionProduct {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'shop_collection_products_pkey' })
  collectionId: string;

  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'shop_collection_products_pkey' })
  productId: string;

  @Column({ type: 'integer', default: 0 })
  position: number;

  @ManyToOne(() => Collection, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'collection_id',
    foreignKeyConstraintName: 'shop_collection_products_collection_id_fkey',
  })
  collection?: never;

  @ManyToOne(() => Product, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'product_id',
    foreignKeyConstraintName: 'shop_collection_products_product_id_fkey',
  })
  product?: never;
}
