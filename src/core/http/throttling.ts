import { createHash } from 'node:crypto';
import { Injectable, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  ThrottlerGuard,
  ThrottlerStorage,
  type ThrottlerGenerateKeyFunction,
  type ThrottlerGetTrackerFunction,
  type ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
  type ThrottlerOptions,
} from '@nestjs/throttler';
import {
  THROTTLER_BLOCK_DURATION,
  THROTTLER_KEY_GENERATOR,
  THROTTLER_LIMIT,
  THROTTLER_SKIP,
  THROTTLER_TRACKER,
  THROTTLER_TTL,
} from '@nestjs/throttler/dist/throttler.constants';
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

/** What a throttler applies to one route: fixed per route, so looked up once. */
interface RouteThrottle {
  throttler: ThrottlerOptions;
  /** `@SkipThrottle()` for this throttler. */
  skip: boolean;
  limit: number;
  ttl: number;
  blockDuration: number;
  getTracker: ThrottlerGetTrackerFunction;
  generateKey: ThrottlerGenerateKeyFunction;
}

/**
 * The throttler guard for REST and GraphQL alike (the stock guard only reads HTTP contexts).
 * Rejections carry `Retry-After` and use the common error body.
 */
@Injectable()
export class AppThrottlerGuard extends ThrottlerGuard {
  /** Controller → handler → its throttles; `null` when a value is resolved per request. */
  private readonly routes = new WeakMap<object, Map<object, RouteThrottle[] | null>>();

  /**
   * The stock guard, minus its per-request lookups: it reads five decorator values per
   * throttler on every request (twenty `Reflect.getMetadata` calls here, and an `await` for
   * each value) although they only change with the route. They are read once per route;
   * `skipIf` still runs per request, and a route whose limits are functions of the request
   * takes the stock path.
   */
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    if (await this.shouldSkip(context)) return true;
    const route = this.routeThrottles(context);
    if (!route) return super.canActivate(context);
    for (const t of route) {
      const skipIf = t.throttler.skipIf ?? this.commonOptions.skipIf;
      if (t.skip || skipIf?.(context)) continue;
      const { throttler, limit, ttl, blockDuration, getTracker, generateKey } = t;
      // Resolves true or rejects (429): the stock guard's result for every throttler.
      await this.handleRequest({
        context,
        throttler,
        limit,
        ttl,
        blockDuration,
        getTracker,
        generateKey,
      });
    }
    return true;
  }

  private routeThrottles(context: ExecutionContext): RouteThrottle[] | null {
    const classRef = context.getClass();
    const handler = context.getHandler();
    let byHandler = this.routes.get(classRef);
    if (!byHandler)
      this.routes.set(classRef, (byHandler = new Map<object, RouteThrottle[] | null>()));
    let route = byHandler.get(handler);
    if (route === undefined) {
      route = this.readRouteThrottles([handler, classRef]);
      byHandler.set(handler, route);
    }
    return route;
  }

  private readRouteThrottles(targets: [object, object]): RouteThrottle[] | null {
    const read = <T>(key: string, name: string) =>
      this.reflector.getAllAndOverride<T | undefined>(key + name, targets as never);
    const route: RouteThrottle[] = [];
    for (const throttler of this.throttlers) {
      const name = throttler.name ?? 'default';
      const limit = read<unknown>(THROTTLER_LIMIT, name) ?? throttler.limit;
      const ttl = read<unknown>(THROTTLER_TTL, name) ?? throttler.ttl;
      const blockDuration =
        read<unknown>(THROTTLER_BLOCK_DURATION, name) ?? throttler.blockDuration ?? ttl;
      if (
        typeof limit !== 'number' ||
        typeof ttl !== 'number' ||
        typeof blockDuration !== 'number'
      ) {
        return null;
      }
      route.push({
        throttler,
        skip: read<boolean>(THROTTLER_SKIP, name) === true,
        limit,
        ttl,
        blockDuration,
        getTracker:
          read<ThrottlerGetTrackerFunction>(THROTTLER_TRACKER, name) ??
          throttler.getTracker ??
          this.commonOptions.getTracker!,
        generateKey:
          read<ThrottlerGenerateKeyFunction>(THROTTLER_KEY_GENERATOR, name) ??
          throttler.generateKey ??
          this.commonOptions.generateKey!,
      });
    }
    return route;
  }

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
    if (name === 'auth') return `auth:${tracker}`;
    // The stock key is a sha256 of the same text on every request; the route part is hashed
    // once per route here (a short, fixed-length prefix), the client's address appended.
    const route = `${context.getClass().name}-${context.getHandler().name}-${name}`;
    let prefix = this.routeKeys.get(route);
    if (prefix === undefined) {
      prefix = createHash('sha256').update(route).digest('base64url').slice(0, 16);
      this.routeKeys.set(route, prefix);
    }
    return `${prefix}:${tracker}`;
  }

  /** Route → its key prefix; bounded by the number of routes. */
  private readonly routeKeys = new Map<string, string>();

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
