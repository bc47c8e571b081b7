import { Store, type SessionData } from 'express-session';
import type { Redis } from 'ioredis';

type Callback<T = void> = (err?: unknown, value?: T) => void;

/**
 * express-session store on the app's shared ioredis connection. (connect-redis 9 speaks only
 * the node-redis v5 client API, and a second Redis client just for sessions is not worth it.)
 * Each session is one JSON string with a TTL equal to the cookie's remaining life.
 */
export class RedisSessionStore extends Store {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly defaultTtlSeconds: number,
  ) {
    super();
  }

  private key(sid: string): string {
    return `${this.prefix}${sid}`;
  }

  private ttlOf(session: SessionData): number {
    const expires = session.cookie?.expires
      ? new Date(session.cookie.expires).getTime()
      : undefined;
    const seconds = expires ? Math.ceil((expires - Date.now()) / 1000) : this.defaultTtlSeconds;
    return Math.max(1, seconds);
  }

  override get(sid: string, cb: Callback<SessionData | null>): void {
    this.redis.get(this.key(sid)).then(
      (raw) => cb(undefined, raw ? (JSON.parse(raw) as SessionData) : null),
      (err: unknown) => cb(err),
    );
  }

  override set(sid: string, session: SessionData, cb?: Callback): void {
    this.redis.set(this.key(sid), JSON.stringify(session), 'EX', this.ttlOf(session)).then(
      () => cb?.(),
      (err: unknown) => cb?.(err),
    );
  }

  override touch(sid: string, session: SessionData, cb?: Callback): void {
    this.redis.expire(this.key(sid), this.ttlOf(session)).then(
      () => cb?.(),
      (err: unknown) => cb?.(err),
    );
  }

  override destroy(sid: string, cb?: Callback): void {
    this.redis.del(this.key(sid)).then(
      () => cb?.(),
      (err: unknown) => cb?.(err),
    );
  }
}
