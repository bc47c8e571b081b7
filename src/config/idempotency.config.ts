import { defineConfig, type ConfigOf } from './config.loader';
import { EnvInt } from './env.decorators';

class IdempotencyEnv {
  /** How long a stored response is replayed for the same key (Stripe keeps keys 24 h). */
  @EnvInt(1, 720)
  IDEMPOTENCY_TTL_HOURS?: number;

  /**
   * How long a claim may stay in flight before another request may take it over: a process that
   * died mid-request must not block its key until it expires. Longer than the slowest handler.
   */
  @EnvInt(1_000, 3_600_000)
  IDEMPOTENCY_LOCK_TIMEOUT_MS?: number;
}

export const idempotencyConfig = defineConfig('idempotency', IdempotencyEnv, (env) => ({
  ttlHours: env.IDEMPOTENCY_TTL_HOURS ?? 24,
  lockTimeoutMs: env.IDEMPOTENCY_LOCK_TIMEOUT_MS ?? 30_000,
}));
export type IdempotencyConfig = ConfigOf<typeof idempotencyConfig>;
