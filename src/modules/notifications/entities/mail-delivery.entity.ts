import { Check, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

/**
 * One row per logical mail (`welcome:<userId>`): the idempotency record that makes a retried or
 * duplicated job send the mail at most once.
 */
@Entity('mail_deliveries')
@Unique('mail_deliveries_key_key', ['key'])
@Check('mail_deliveries_status_check', `status IN ('pending', 'sent')`)
export class MailDelivery {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 200 })
  key: string;

  @Column({ type: 'varchar', length: 64 })
  template: string;

  @Column({ type: 'varchar', length: 254 })
  recipient: string;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status: 'pending' | 'sent';

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ type: 'varchar', length: 512, nullable: true })
  messageId: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  sentAt: Date | null;
}
