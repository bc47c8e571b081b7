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

/**
 * One login = one session = one refresh-token family. The refresh token is
 * `<session id>.<secret>`; only the SHA-256 of the current secret is stored, and it changes on
 * every refresh (rotation).
 */
@Entity('sessions')
@Index('sessions_user_id_idx', ['userId'])
@Index('sessions_expires_at_idx', ['expiresAt'])
@Check('sessions_generation_check', 'generation >= 0')
export class Session {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  userId: string;

  /**
   * The foreign key to users(id), declared by entity *name* so this module never imports the
   * users module's entity class (module boundary) while the schema stays fully described.
   */
  @ManyToOne('User', { onDelete: 'CASCADE', createForeignKeyConstraints: true })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'sessions_user_id_fkey' })
  user?: never;

  @Column({ type: 'char', length: 64 })
  tokenHash: string;

  /** The token before the last rotation: presenting it again is how reuse is detected. */
  @Column({ type: 'char', length: 64, nullable: true })
  previousTokenHash: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  rotatedAt: Date | null;

  /** How many times the refresh token was rotated. */
  @Column({ type: 'integer', default: 0 })
  generation: number;

  @Column({ type: 'varchar', length: 512, nullable: true })
  userAgent: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz' })
  lastUsedAt: Date;

  @Column({ type: 'timestamptz' })
  expiresAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  revokedReason: string | null;
}
