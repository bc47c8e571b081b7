import { IsOptional, IsString, Matches } from 'class-validator';
import { defineConfig, type ConfigOf } from './config.loader';

class RedisEnv {
  /** Unset → queues on PostgreSQL, cache/throttling in memory (one instance only). */
  @IsOptional()
  @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  /** Namespaces every key this app writes, so tests and apps can share one server. */
  @IsOptional()
  @IsString()
  REDIS_KEY_PREFIX?: string;
}

export const redisConfig = defineConfig('redis', RedisEnv, (env) => ({
  url: env.REDIS_URL,
  keyPrefix: env.REDIS_KEY_PREFIX ?? 'stoa:',
}));
export type RedisConfig = ConfigOf<typeof redisConfig>;
