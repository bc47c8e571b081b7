import { Global, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { redisConfig, type RedisConfig } from '@/config';
import { KeyValueStore, MemoryKeyValueStore, RedisKeyValueStore } from './key-value.store';
import { ReadThroughCache } from './read-through-cache';

/**
 * The request-path connection (rate limits, token denylist, cookie sessions), or `null` when
 * `REDIS_URL` is unset. It fails fast: during a Redis outage a request gets a 503 within a
 * second instead of hanging on a command queued forever.
 */
export const REDIS = Symbol('REDIS');
/** The queue connection: BullMQ blocks on it and needs unlimited retries (its requirement). */
export const QUEUE_REDIS = Symbol('QUEUE_REDIS');
export const InjectRedis = () => Inject(REDIS);

const REQUEST_COMMAND_TIMEOUT_MS = 1_000;

@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [redisConfig.KEY],
      useFactory: (cfg: RedisConfig): Redis | null => {
        if (!cfg.url) {
          new Logger('Redis').warn(
            'REDIS_URL is not set: queues run on PostgreSQL, cache and rate limits live in memory. A second instance needs Redis.',
          );
          return null;
        }
        return new Redis(cfg.url, {
          maxRetriesPerRequest: 1,
          commandTimeout: REQUEST_COMMAND_TIMEOUT_MS,
          // Commands issued in the same tick (concurrent requests' rate-limit hits, denylist
          // lookups, cache reads) leave in one socket write instead of one write each.
          enableAutoPipelining: true,
        });
      },
    },
    {
      provide: QUEUE_REDIS,
      inject: [redisConfig.KEY],
      useFactory: (cfg: RedisConfig): Redis | null =>
        cfg.url ? new Redis(cfg.url, { maxRetriesPerRequest: null }) : null,
    },
    {
      provide: KeyValueStore,
      inject: [REDIS, redisConfig.KEY],
      useFactory: (redis: Redis | null, cfg: RedisConfig): KeyValueStore =>
        redis ? new RedisKeyValueStore(redis, cfg.keyPrefix) : new MemoryKeyValueStore(),
    },
    ReadThroughCache,
  ],
  exports: [REDIS, QUEUE_REDIS, KeyValueStore, ReadThroughCache],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(
    @Inject(REDIS) private readonly redis: Redis | null,
    @Inject(QUEUE_REDIS) private readonly queueRedis: Redis | null,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    for (const connection of [this.redis, this.queueRedis]) {
      if (connection && connection.status !== 'end') await connection.quit().catch(() => undefined);
    }
  }
}
