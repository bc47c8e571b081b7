import { IsIn, IsOptional, IsString } from 'class-validator';
import { defineConfig, type ConfigOf } from './config.loader';
import { EnvBool, EnvInt } from './env.decorators';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

class HttpEnv {
  @IsOptional()
  @IsIn(LOG_LEVELS)
  LOG_LEVEL?: (typeof LOG_LEVELS)[number];

  /** Pretty logs for humans; defaults to on outside production. */
  @EnvBool()
  LOG_PRETTY?: boolean;

  /** Bearer token required by /metrics; unset → open (bind it privately instead). */
  @IsOptional()
  @IsString()
  METRICS_TOKEN?: string;

  @EnvInt(1, 3600)
  THROTTLE_TTL_SECONDS?: number;

  @EnvInt(1, 1_000_000)
  THROTTLE_LIMIT?: number;

  /** Per-IP limit for login, register, refresh and token within THROTTLE_TTL_SECONDS. */
  @EnvInt(1, 1_000_000)
  AUTH_THROTTLE_LIMIT?: number;

  @EnvInt(1, 50)
  GRAPHQL_MAX_DEPTH?: number;

  @EnvInt(1, 100_000)
  GRAPHQL_MAX_COMPLEXITY?: number;

  @EnvBool()
  GRAPHQL_INTROSPECTION?: boolean;

  @IsOptional()
  @IsString()
  BODY_LIMIT?: string;
}

export const httpConfig = defineConfig('http', HttpEnv, (env, raw) => {
  const production = raw.NODE_ENV === 'production';
  return {
    logLevel: env.LOG_LEVEL ?? (raw.NODE_ENV === 'test' ? 'silent' : 'info'),
    logPretty: env.LOG_PRETTY ?? (!production && raw.NODE_ENV !== 'test'),
    metricsToken: env.METRICS_TOKEN,
    throttleTtlSeconds: env.THROTTLE_TTL_SECONDS ?? 60,
    throttleLimit: env.THROTTLE_LIMIT ?? 300,
    authThrottleLimit: env.AUTH_THROTTLE_LIMIT ?? 10,
    graphqlMaxDepth: env.GRAPHQL_MAX_DEPTH ?? 8,
    graphqlMaxComplexity: env.GRAPHQL_MAX_COMPLEXITY ?? 500,
    graphqlIntrospection: env.GRAPHQL_INTROSPECTION ?? !production,
    bodyLimit: env.BODY_LIMIT ?? '100kb',
  };
});
export type HttpConfig = ConfigOf<typeof httpConfig>;
