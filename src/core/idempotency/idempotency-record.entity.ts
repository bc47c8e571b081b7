import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

export type IdempotencyStatus = 'in_flight' | 'completed';

/**
 * One `Idempotency-Key` as used by one principal on one route: first a claim (`in_flight`, held
 * since `locked_at` by the request carrying `claim_token`), then the stored response
 * (`completed`), replayed to every retry until `expires_at`. Rows past `expires_at` count as
 * absent; a worker cron deletes them. Accessed with SQL by `IdempotencyRepository`.
 */
@Entity('idempotency_keys')
@Index('idempotency_keys_expires_at_idx', ['expiresAt'])
@Check('idempotency_keys_key_check', `key ~ '^[ -~]{1,255}$'`)
@Check('idempotency_keys_response_status_check', 'response_status BETWEEN 100 AND 599')
@Check(
  'idempotency_keys_state_check',
  `(status = 'in_flight' AND claim_token IS NOT NULL AND locked_at IS NOT NULL AND response_status IS NULL)
   OR (status = 'completed' AND claim_token IS NULL AND response_status IS NOT NULL AND completed_at IS NOT NULL)`,
)
export class IdempotencyRecord {
  /** Who the key belongs to, e.g. `user:<uuid>`: keys of different callers never meet. */
  @PrimaryColumn({
    type: 'varchar',
    length: 200,
    primaryKeyConstraintName: 'idempotency_keys_pkey',
  })
  principal: string;

  /** `METHOD /route/:template`, e.g. `POST /api/v1/articles`. */
  @PrimaryColumn({
    type: 'varchar',
    length: 300,
    primaryKeyConstraintName: 'idempotency_keys_pkey',
  })
  route: string;

  @PrimaryColumn({
    type: 'varchar',
    length: 255,
    primaryKeyConstraintName: 'idempotency_keys_pkey',
  })
  key: string;

  /** sha256 (hex) of method, path + query and canonical JSON body of the first request. */
  @Column({ type: 'char', length: 64 })
  fingerprint: string;

  @Column({ type: 'varchar', length: 16 })
  status: IdempotencyStatus;

  /** Fences the claim: only the request holding it may complete or release it. */
  @Column({ type: 'uuid', nullable: true })
  claimToken: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  lockedAt: Date | null;

  @Column({ type: 'smallint', nullable: true })
  responseStatus: number | null;

  /** The replayed headers only (`content-type`, `etag`, `location`), lower-case names. */
  @Column({ type: 'jsonb', nullable: true })
  responseHeaders: Record<string, string> | null;

  /** The exact bytes sent (text, not jsonb: jsonb would reorder keys), `null` for no body. */
  @Column({ type: 'text', nullable: true })
  responseBody: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  completedAt: Date | null;

  @Column({ type: 'timestamptz' })
  expiresAt: Date;
}
