import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { createPostgresBackend, setDefaultBackendFactory } from 'bullmq';
import type { Redis } from 'ioredis';
import { redisConfig, type RedisConfig } from '@/config';
import { DATABASE_URL } from '@/core/database/database.module';
import { REDIS } from '@/core/redis/redis.module';
import { BULLMQ_SCHEMA } from './postgres-backend';
import { DEFAULT_JOB_OPTIONS, QueueName } from './queue.constants';

/**
 * BullMQ on Redis when `REDIS_URL` is set, otherwise on BullMQ's PostgreSQL backend (same
 * database, schema `bullmq`, LISTEN/NOTIFY instead of blocking pops). Queues are registered
 * here so any module can enqueue; processors are only instantiated in worker roles.
 */
@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [REDIS, DATABASE_URL, redisConfig.KEY],
      useFactory: (redis: Redis | null, databaseUrl: string, cfg: RedisConfig) => {
        if (redis) {
          setDefaultBackendFactory();
          return { connection: redis, prefix: `${cfg.keyPrefix}bull`, defaultJobOptions: DEFAULT_JOB_OPTIONS };
        }
        setDefaultBackendFactory(createPostgresBackend);
        return {
          // Typed for Redis by @nestjs/bullmq; the PostgreSQL backend reads a pg pool config.
          connection: { connectionString: databaseUrl, schema: BULLMQ_SCHEMA, max: 4 } as never,
          defaultJobOptions: DEFAULT_JOB_OPTIONS,
        };
      },
    }),
    BullModule.registerQueue(...Object.values(QueueName).map((name) => ({ name }))),
  ],
  exports: [BullModule],
})
export class QueueModule {}
