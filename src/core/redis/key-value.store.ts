import type { Redis } from 'ioredis';
import { DomainError, ErrorKind } from '@/core/http/domain-error';

/**
 * A small shared key/value store with TTLs: Redis when `REDIS_URL` is set (shared by every
 * instance), process memory otherwise (one instance only). Two implementations exist, hence the
 * abstract class used as the injection token.
 */
export abstract class KeyValueStore {
  abstract readonly kind: 'redis' | 'memory';
  abstract get(key: string): Promise<string | null>;
  /** Several keys in one round trip (Redis MGET). */
  abstract getMany(keys: readonly string[]): Promise<(string | null)[]>;
  abstract set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Sets the key only if it does not exist (Redis SET NX); `false` when it already did. */
  abstract setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  abstract del(key: string): Promise<void>;
  /** Atomically increments a counter; the TTL starts with the first hit of a window. */
  abstract hit(key: string, ttlMs: number): Promise<{ count: number; ttlMs: number }>;
  abstract ping(): Promise<void>;
}

/** Redis did not answer: the request fails with 503 (and readiness reports it down). */
export class StoreUnavailableError extends DomainError {
  constructor() {
    super(
      'COMMON.DEPENDENCY_UNAVAILABLE',
      'a backing service is unavailable',
      ErrorKind.Unavailable,
    );
  }
}

async function orUnavailable<T>(command: Promise<T>): Promise<T> {
  try {
    return await command;
  } catch {
    throw new StoreUnavailableError();
  }
}

export class RedisKeyValueStore extends KeyValueStore {
  readonly kind = 'redis' as const;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    super();
  }

  async get(key: string): Promise<string | null> {
    return orUnavailable(this.redis.get(this.prefix + key));
  }

  async getMany(keys: readonly string[]): Promise<(string | null)[]> {
    return keys.length ? orUnavailable(this.redis.mget(keys.map((k) => this.prefix + k))) : [];
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await orUnavailable(
      this.redis.set(this.prefix + key, value, 'PX', Math.max(1, Math.ceil(ttlMs))),
    );
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    const reply = await orUnavailable(
      this.redis.set(this.prefix + key, value, 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX'),
    );
    return reply === 'OK';
  }

  async del(key: string): Promise<void> {
    await orUnavailable(this.redis.del(this.prefix + key));
  }

  async hit(key: string, ttlMs: number): Promise<{ count: number; ttlMs: number }> {
    // INCR and PEXPIRE NX in one round trip; the window starts with the first hit only.
    const [[, count], , [, pttl]] = (await orUnavailable(
      this.redis
        .multi()
        .incr(this.prefix + key)
        .pexpire(this.prefix + key, ttlMs, 'NX')
        .pttl(this.prefix + key)
        .exec(),
    )) as [[null, number], [null, number], [null, number]];
    return { count, ttlMs: pttl };
  }

  async ping(): Promise<void> {
    await orUnavailable(this.redis.ping());
  }
}

export class MemoryKeyValueStore extends KeyValueStore {
  readonly kind = 'memory' as const;
  private readonly entries = new Map<string, { value: string; expiresAt: number }>();

  private live(key: string) {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  async get(key: string): Promise<string | null> {
    return Promise.resolve(this.live(key)?.value ?? null);
  }

  async getMany(keys: readonly string[]): Promise<(string | null)[]> {
    return Promise.resolve(keys.map((k) => this.live(k)?.value ?? null));
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.entries.set(key, { value, expiresAt: Date.now() + ttlMs });
    this.sweep();
    return Promise.resolve();
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    if (this.live(key)) return Promise.resolve(false);
    await this.set(key, value, ttlMs);
    return true;
  }

  async del(key: string): Promise<void> {
    this.entries.delete(key);
    return Promise.resolve();
  }

  async hit(key: string, ttlMs: number): Promise<{ count: number; ttlMs: number }> {
    const entry = this.live(key);
    const now = Date.now();
    const next = entry
      ? { value: String(Number(entry.value) + 1), expiresAt: entry.expiresAt }
      : { value: '1', expiresAt: now + ttlMs };
    this.entries.set(key, next);
    this.sweep();
    return Promise.resolve({ count: Number(next.value), ttlMs: next.expiresAt - now });
  }

  async ping(): Promise<void> {
    return Promise.resolve();
  }

  /** Bounded memory: drop expired entries once the map grows. */
  private sweep(): void {
    if (this.entries.size < 10_000) return;
    for (const key of [...this.entries.keys()]) this.live(key);
  }
}
