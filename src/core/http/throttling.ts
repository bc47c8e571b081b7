import { Injectable, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  ThrottlerGuard,
  ThrottlerStorage,
  type ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
} from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import type { HttpConfig } from '@/config';
import { requestOf, responseOf } from '@/core/auth/request-context';
import { KeyValueStore } from '@/core/redis/key-value.store';
import { DomainError, ErrorKind } from './domain-error';

export const STRICT_THROTTLE = 'stoa:strictThrottle';

/**
 * Puts a route under the stricter `auth` limit (login, register, refresh, token) on top of the
 * default one.
 */
export const StrictThrottle = () => SetMetadata(STRICT_THROTTLE, true);

export class RateLimitedError extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super('HTTP.RATE_LIMITED', 'too many requests, retry later', ErrorKind.RateLimited);
  }
}

/**
 * Fixed-window counters in the shared {@link KeyValueStore}: Redis with several instances,
 * memory with one. (The community Redis storage supports Nest ≤ 11 only.)
 */
@Injectable()
export class KeyValueThrottlerStorage implements ThrottlerStorage {
  constructor(private readonly store: KeyValueStore) {}

  async increment(key: string, ttl: number, limit: number): Promise<ThrottlerStorageRecord> {
    const { count, ttlMs } = await this.store.hit(`throttle:${key}`, ttl);
    const seconds = Math.max(1, Math.ceil(ttlMs / 1000));
    return {
      totalHits: count,
      timeToExpire: seconds,
      isBlocked: count > limit,
      timeToBlockExpire: count > limit ? seconds : 0,
    };
  }
}

export function throttlerOptions(
  http: HttpConfig,
  storage: ThrottlerStorage,
  reflector: Reflector,
): ThrottlerModuleOptions {
  const ttl = http.throttleTtlSeconds * 1000;
  return {
    storage,
    throttlers: [
      { name: 'default', ttl, limit: http.throttleLimit },
      {
        name: 'auth',
        ttl,
        limit: http.authThrottleLimit,
        skipIf: (ctx) =>
          !reflector.getAllAndOverride<boolean>(STRICT_THROTTLE, [
            ctx.getHandler(),
            ctx.getClass(),
          ]),
      },
    ],
  };
}

/**
 * The throttler guard for REST and GraphQL alike (the stock guard only reads HTTP contexts).
 * Rejections carry `Retry-After` and use the common error body.
 */
@Injectable()
export class AppThrottlerGuard extends ThrottlerGuard {
  protected override getRequestResponse(context: ExecutionContext) {
    const req = requestOf(context);
    const res = responseOf(context);
    return {
      req: req as unknown as Record<string, unknown>,
      res: res as unknown as Record<string, unknown>,
    };
  }

  /**
   * The strict `auth` budget is per client across all credential routes (login, token, pages,
   * refresh), so spreading guesses over several endpoints does not multiply it. The default
   * budget stays per route.
   */
  protected override generateKey(context: ExecutionContext, tracker: string, name: string): string {
    return name === 'auth' ? `auth:${tracker}` : super.generateKey(context, tracker, name);
  }

  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    // Other transports (WebSocket) apply their own limits.
    return Promise.resolve(requestOf(context) === undefined);
  }

  protected override async throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    responseOf(context)?.setHeader('Retry-After', String(detail.timeToBlockExpire));
    return Promise.reject(new RateLimitedError(detail.timeToBlockExpire));
  }
}
