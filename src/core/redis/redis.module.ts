import { Global, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { redisConfig, type RedisConfig } from '@/config';
import { KeyValueStore, MemoryKeyValueStore, RedisKeyValueStore } from './key-value.store';

/** The shared ioredis connection, or `null` when `REDIS_URL` is unset. */
export const REDIS = Symbol('REDIS');
export const InjectRedis = () => Inject(REDIS);

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
        // BullMQ requires maxRetriesPerRequest: null on connections it blocks on; it duplicates
        // this one for its workers, so set it here once.
        return new Redis(cfg.url, { maxRetriesPerRequest: null, lazyConnect: false });
      },
    },
    {
      provide: KeyValueStore,
      inject: [REDIS, redisConfig.KEY],
      useFactory: (redis: Redis | null, cfg: RedisConfig): KeyValueStore =>
        redis ? new RedisKeyValueStore(redis, cfg.keyPrefix) : new MemoryKeyValueStore(),
    },
  ],
  exports: [REDIS, KeyValueStore],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@InjectRedis() private readonly redis: Redis | null) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.redis && this.redis.status !== 'end') await this.redis.quit().catch(() => undefined);
  }
}
