import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { Variant } from './variant.entity';

export type StockReason = 'adjustment' | 'reserve' | 'release' | 'sale' | 'return';

/**
 * The stock ledger: one row per change of a variant's `on_hand` or `reserved`, written in the
 * same statement as the change. Append-only — a trigger refuses UPDATE and DELETE — so the sum
 * of the deltas always explains the current stock.
 */
@Entity('shop_stock_movements')
@Check(
  'shop_stock_movements_reason_check',
  `reason IN ('adjustment', 'reserve', 'release', 'sale', 'return')`,
)
@Check('shop_stock_movements_nonzero_check', 'on_hand_delta <> 0 OR reserved_delta <> 0')
@Index('shop_stock_movements_variant_id_idx', ['variantId', 'id'])
export class StockMovement {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'uuid' })
  variantId: string;

  @Column({ type: 'integer' })
  onHandDelta: number;

  @Column({ type: 'integer' })
  reservedDelta: number;

  @Column({ type: 'varchar', length: 16 })
  reason: StockReason;

  @Column({ type: 'varchar', length: 500, nullable: true })
  note: string | null;

  @Column({ type: 'uuid', nullable: true })
  orderId: string | null;

  @Column({ type: 'uuid', nullable: true })
  actorId: string | null;

  @ManyToOne(() => Variant, { onDelete: 'RESTRICT' })
  @JoinColumn({
    name: 'variant_id',
    foreignKeyConstraintName: 'shop_stock_movements_variant_id_fkey',
  })
  variant?: never;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
