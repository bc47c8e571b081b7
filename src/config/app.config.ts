import { IsIn, IsOptional, IsString, IsUrl } from 'class-validator';
import { defineConfig, type ConfigOf } from './config.loader';
import { EnvBool, EnvInt, splitList } from './env.decorators';

export const NODE_ENVS = ['development', 'test', 'production'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

class AppEnv {
  @IsOptional()
  @IsIn(NODE_ENVS)
  NODE_ENV?: NodeEnv;

  @EnvInt(0, 65535)
  PORT?: number;

  @IsOptional()
  @IsString()
  HOST?: string;

  /** Express `trust proxy`: "false", "true", a hop count or a list of subnets ("loopback"). */
  @IsOptional()
  @IsString()
  TRUST_PROXY?: string;

  /** Comma-separated list of allowed browser origins (required in production). */
  @IsOptional()
  @IsString()
  CORS_ORIGINS?: string;

  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true })
  PUBLIC_URL?: string;

  /** Run queue processors and cron inside the API process (the two-command start). */
  @EnvBool()
  WORKERS_IN_API?: boolean;

  @EnvInt(0, 65535)
  WORKER_PORT?: number;

  @EnvInt(0, 600_000)
  SHUTDOWN_TIMEOUT_MS?: number;

  /** How long to keep serving (readiness 503) after SIGTERM so load balancers move away. */
  @EnvInt(0, 120_000)
  SHUTDOWN_DRAIN_MS?: number;
}

function parseTrustProxy(value: string | undefined): boolean | number | string {
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  return /^\d+$/.test(value) ? Number(value) : value;
}

export const appConfig = defineConfig('app', AppEnv, (env) => {
  const nodeEnv: NodeEnv = env.NODE_ENV ?? 'development';
  const port = env.PORT ?? 3000;
  return {
    nodeEnv,
    isProduction: nodeEnv === 'production',
    port,
    host: env.HOST ?? '0.0.0.0',
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    corsOrigins:
      env.CORS_ORIGINS !== undefined
        ? splitList(env.CORS_ORIGINS)
        : nodeEnv === 'production'
          ? []
          : [`http://localhost:${port}`, 'http://localhost:4200', 'http://localhost:5173'],
    publicUrl: env.PUBLIC_URL ?? `http://localhost:${port}`,
    workersInApi: env.WORKERS_IN_API ?? nodeEnv !== 'production',
    workerPort: env.WORKER_PORT ?? 3001,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS ?? 10_000,
    shutdownDrainMs: env.SHUTDOWN_DRAIN_MS ?? (nodeEnv === 'production' ? 5_000 : 0),
  };
});
export type AppConfig = ConfigOf<typeof appConfig>;
