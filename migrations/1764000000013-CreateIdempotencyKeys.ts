import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Idempotency-Key claims and stored responses (src/core/idempotency). */
export class CreateIdempotencyKeys1764000000013 implements MigrationInterface {
  name = 'CreateIdempotencyKeys1764000000013';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE idempotency_keys (
        principal        varchar(200) NOT NULL,
        route            varchar(300) NOT NULL,
        key              varchar(255) NOT NULL,
        fingerprint      char(64)     NOT NULL,
        status           varchar(16)  NOT NULL,
        claim_token      uuid,
        locked_at        timestamptz,
        response_status  smallint,
        response_headers jsonb,
        response_body    text,
        created_at       timestamptz  NOT NULL DEFAULT now(),
        completed_at     timestamptz,
        expires_at       timestamptz  NOT NULL,
        CONSTRAINT idempotency_keys_pkey PRIMARY KEY (principal, route, key),
        CONSTRAINT idempotency_keys_key_check CHECK (key ~ '^[ -~]{1,255}$'),
        CONSTRAINT idempotency_keys_response_status_check CHECK (response_status BETWEEN 100 AND 599),
        CONSTRAINT idempotency_keys_state_check CHECK (
          (status = 'in_flight' AND claim_token IS NOT NULL AND locked_at IS NOT NULL AND response_status IS NULL)
          OR (status = 'completed' AND claim_token IS NULL AND response_status IS NOT NULL AND completed_at IS NOT NULL)
        )
      )`);
    // The cleanup cron deletes expired keys in batches, oldest first.
    await q.query('CREATE INDEX idempotency_keys_expires_at_idx ON idempotency_keys (expires_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE idempotency_keys');
  }
}
