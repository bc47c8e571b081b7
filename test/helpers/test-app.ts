import type { INestApplicationContext } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Redis } from 'ioredis';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApp, createWorker } from '@/app.factory';
import { loadConfiguration, type Configuration, type RawEnv } from '@/config';
import { readTestRuntime } from '../setup/test-runtime';
import { createTestDatabase, type TestDatabase } from './test-database';

export interface TestAppOptions {
  /** Extra environment for this app (the config is built from it, never from process.env). */
  env?: RawEnv;
  /** Run without Redis even when the machine has one (PostgreSQL queues, memory stores). */
  withoutRedis?: boolean;
  /** Run queue processors and cron in the API process. */
  workers?: boolean;
}

export interface TestApp {
  app: NestExpressApplication;
  config: Configuration;
  db: TestDatabase;
  dataSource: DataSource;
  http: () => ReturnType<typeof request>;
  /** Starts a separate worker role on the same database and Redis prefix. */
  startWorker(): Promise<INestApplicationContext>;
  close(): Promise<void>;
}

/** Environment every test app starts from: test mode, fast hashing, generous default limits. */
export function testEnv(
  db: TestDatabase,
  prefix: string,
  redisUrl: string | undefined,
  extra: RawEnv = {},
): RawEnv {
  return {
    NODE_ENV: 'test',
    DATABASE_URL: db.url,
    DATABASE_POOL_SIZE: '5',
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: prefix,
    JWT_SECRET: 'test-secret-test-secret-test-secret-0123',
    SESSION_SECRET: 'test-session-secret-test-session-secret-01',
    ARGON2_MEMORY_KIB: '1024',
    WORKERS_IN_API: 'false',
    THROTTLE_LIMIT: '10000',
    AUTH_THROTTLE_LIMIT: '10000',
    ...extra,
  };
}

/**
 * Boots the real application (same factory as production) on a fresh database cloned from the
 * migrated template and its own Redis key prefix, so test files run in parallel.
 */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const runtime = readTestRuntime();
  const db = await createTestDatabase();
  const redisUrl = options.withoutRedis ? undefined : runtime.redisUrl;
  const prefix = `stoa-test:${db.name}:`;
  let config: Configuration;
  let app: NestExpressApplication;
  try {
    config = loadConfiguration(
      testEnv(db, prefix, redisUrl, {
        WORKERS_IN_API: options.workers ? 'true' : 'false',
        ...options.env,
      }),
    );
    app = await createApp({ config, databaseUrl: db.url });
    await app.init();
  } catch (error) {
    await db.drop();
    throw error;
  }
  const workers: INestApplicationContext[] = [];
  return {
    app,
    config,
    db,
    dataSource: app.get(DataSource),
    http: () => request(app.getHttpServer()),
    async startWorker() {
      const worker = await createWorker({ config, databaseUrl: db.url });
      await worker.init();
      workers.push(worker);
      return worker;
    },
    async close() {
      for (const worker of workers) await worker.close();
      await app.close();
      if (redisUrl) await deleteKeys(redisUrl, prefix);
      await db.drop();
    },
  };
}

async function deleteKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
