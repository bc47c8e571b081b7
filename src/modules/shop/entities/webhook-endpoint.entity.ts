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

/** A subscriber to shop events: we POST them to `url`, signed with its own `secret`. */
@Entity('shop_webhook_endpoints')
@Check('shop_webhook_endpoints_events_check', 'cardinality(events) > 0')
export class WebhookEndpoint {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 2000 })
  url: string;

  /** Shown once, when the endpoint is created; used to sign every delivery. */
  @Column({ type: 'varchar', length: 100 })
  secret: string;

  @Column({ type: 'text', array: true })
  events: string[];

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** One event for one endpoint, with the outcome of its latest attempt (the delivery log). */
@Entity('shop_webhook_deliveries')
@Unique('shop_webhook_deliveries_event_key', ['endpointId', 'eventKey'])
@Check('shop_webhook_deliveries_status_check', `status IN ('pending', 'delivered', 'failed')`)
@Index('shop_webhook_deliveries_endpoint_id_idx', { synchronize: false })
export class WebhookDelivery {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'uuid' })
  endpointId: string;

  /** The event's identity: a redelivered event finds its row instead of sending again. */
  @Column({ type: 'varchar', length: 200 })
  eventKey: string;

  @Column({ type: 'varchar', length: 100 })
  topic: string;

  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status: DeliveryStatus;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ type: 'integer', nullable: true })
  lastStatusCode: number | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  lastError: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  deliveredAt: Date | null;

  @ManyToOne(() => WebhookEndpoint, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'endpoint_id',
    foreignKeyConstraintName: 'shop_webhook_deliveries_endpoint_id_fkey',
  })
  endpoint?: never;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
