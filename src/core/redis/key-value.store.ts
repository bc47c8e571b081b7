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

/**
 * A fixed-window hit: INCR, and PEXPIRE when the key has no TTL yet (the window starts with its
 * first hit), then the TTL left. One script is one command and one reply, where the same as
 * `MULTI` … `EXEC` is five of each (measured on every request: the throttler, bench/README.md).
 */
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}`;

type WithHit = Redis & { stoaHit(key: string, ttlMs: number): Promise<[number, number]> };

export class RedisKeyValueStore extends KeyValueStore {
  readonly kind = 'redis' as const;
  private readonly redis: WithHit;

  constructor(
    redis: Redis,
    private readonly prefix: string,
  ) {
    super();
    // EVALSHA, with ioredis loading the script on the first NOSCRIPT (after a Redis restart too).
    redis.defineCommand('stoaHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
    this.redis = redis as WithHit;
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
    const [count, ttl] = await orUnavailable(
      this.redis.stoaHit(this.prefix + key, Math.max(1, Math.ceil(ttlMs))),
    );
    return { count, ttlMs: ttl };
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
