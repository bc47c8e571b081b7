import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { idempotencyConfig, type IdempotencyConfig } from '@/config';
import { IdempotencyKeyReusedError, IdempotentRequestInFlightError } from './idempotency.errors';
import {
  IdempotencyRepository,
  type IdempotencyScope,
  type StoredResponse,
} from './idempotency.repository';

/** A key this request holds: it runs the handler, then completes or releases the claim. */
export interface IdempotencyClaim {
  scope: IdempotencyScope;
  token: string;
}

export type IdempotencyOutcome =
  { kind: 'execute'; claim: IdempotencyClaim } | { kind: 'replay'; response: StoredResponse };

/** Rounds of claim → read → take over before giving up with 409 (each needs another racer). */
const MAX_ROUNDS = 3;

/**
 * The Idempotency-Key state machine, independent of HTTP:
 *
 * ```
 * absent/expired ──claim──▶ in_flight ──complete──▶ completed ──(ttl)──▶ expired
 *                              │  ▲ take over when stale
 *                              └──┴── release (5xx) ──▶ absent
 * ```
 */
@Injectable()
export class IdempotencyService {
  private readonly logger = new Logger(IdempotencyService.name);

  constructor(
    private readonly keys: IdempotencyRepository,
    @Inject(idempotencyConfig.KEY) private readonly config: IdempotencyConfig,
  ) {}

  /**
   * Decides what a request carrying a key does: run (it now holds the claim) or replay a stored
   * response. Throws 422 `IDEMPOTENCY.KEY_REUSED` for a different request under the same key and
   * 409 `IDEMPOTENCY.IN_FLIGHT` while the first one is still running.
   */
  async begin(scope: IdempotencyScope, fingerprint: string): Promise<IdempotencyOutcome> {
    const { ttlHours, lockTimeoutMs } = this.config;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const token = randomUUID();
      const execute = { kind: 'execute', claim: { scope, token } } as const;
      if (await this.keys.claim(scope, fingerprint, token, ttlHours)) return execute;

      const existing = await this.keys.find(scope, lockTimeoutMs);
      // Released or cleaned up between the two statements: try to claim again.
      if (!existing) continue;
      if (existing.expired) {
        if (await this.keys.takeOverExpired(scope, fingerprint, token, ttlHours)) return execute;
        continue;
      }
      if (existing.fingerprint !== fingerprint) throw new IdempotencyKeyReusedError();
      if (existing.status === 'completed' && existing.response) {
        return { kind: 'replay', response: existing.response };
      }
      if (!existing.stale) throw new IdempotentRequestInFlightError();
      if (await this.keys.takeOverStale(scope, token, lockTimeoutMs)) {
        this.logger.warn(
          `${scope.route}: took over a claim in flight for more than ${lockTimeoutMs} ms (its request presumably died); running it again`,
        );
        return execute;
      }
      // Another request took the stale claim first: the next round reports it as in flight.
    }
    throw new IdempotentRequestInFlightError();
  }

  /** Stores the final response for replay. Never throws: the caller's response matters more. */
  async complete(claim: IdempotencyClaim, response: StoredResponse): Promise<void> {
    try {
      const stored = await this.keys.complete(claim.scope, claim.token, response);
      if (!stored) {
        this.logger.warn(
          `${claim.scope.route}: the claim was taken over while the request ran (slower than the lock timeout); its response is not stored`,
        );
      }
    } catch (error) {
      // Unstored, the claim would block the key until it goes stale; give it back instead, so a
      // retry runs again (the business write's own key makes that safe where it matters).
      this.logger.error({ err: error }, `${claim.scope.route}: storing the response failed`);
      await this.release(claim);
    }
  }

  /** Deletes the claim so the client may retry with the same key. Never throws. */
  async release(claim: IdempotencyClaim): Promise<void> {
    try {
      await this.keys.release(claim.scope, claim.token);
    } catch (error) {
      this.logger.error(
        { err: error },
        `${claim.scope.route}: releasing the claim failed; it frees itself after the lock timeout`,
      );
    }
  }
}
