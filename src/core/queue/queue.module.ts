import { BullModule, getQueueToken } from '@nestjs/bullmq';
import { Global, Module, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { createPostgresBackend, setDefaultBackendFactory, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { redisConfig, type RedisConfig } from '@/config';
import { DATABASE_URL } from '@/core/database/database.module';
import { MetricsService } from '@/core/observability/metrics.service';
import { QUEUE_REDIS } from '@/core/redis/redis.module';
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
      inject: [QUEUE_REDIS, DATABASE_URL, redisConfig.KEY],
      useFactory: (redis: Redis | null, databaseUrl: string, cfg: RedisConfig) => {
        if (redis) {
          setDefaultBackendFactory();
          return {
            connection: redis,
            prefix: `${cfg.keyPrefix}bull`,
            defaultJobOptions: DEFAULT_JOB_OPTIONS,
          };
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
export class QueueModule implements OnModuleInit {
  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly metrics: MetricsService,
  ) {}

  /** Queue depth by state, read from the backend at scrape time. */
  onModuleInit(): void {
    const queues = Object.values(QueueName).map((name) =>
      this.moduleRef.get<Queue>(getQueueToken(name), { strict: false }),
    );
    this.metrics.registerGauge(
      'queue_jobs',
      'Jobs per queue and state',
      ['queue', 'state'],
      async (set) => {
        for (const queue of queues) {
          const counts = await queue.getJobCounts(
            'waiting',
            'active',
            'delayed',
            'completed',
            'failed',
          );
          for (const [state, count] of Object.entries(counts))
            set({ queue: queue.name, state }, count);
        }
      },
    );
  }
}
