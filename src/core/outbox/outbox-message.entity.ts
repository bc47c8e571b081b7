import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * An event written in the same transaction as the state change it announces (transactional
 * outbox). The relay publishes it after commit, so "saved but never announced" cannot happen,
 * and a rolled-back change is never announced.
 */
@Entity('outbox')
@Index('outbox_pending_idx', ['id'], { where: 'published_at IS NULL' })
export class OutboxMessage {
  /** Monotonic: the relay publishes in commit-ish order. */
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  /** The event name, e.g. `users.registered`. */
  @Column({ type: 'varchar', length: 100 })
  topic: string;

  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  publishedAt: Date | null;

  /** Failed publish attempts; the relay keeps retrying (with the error logged). */
  @Column({ type: 'integer', default: 0 })
  attempts: number;
}
