import { IsOptional, IsString, Matches } from 'class-validator';
import { defineConfig, type ConfigOf } from './config.loader';
import { EnvBool, EnvInt } from './env.decorators';

class DatabaseEnv {
  /** Unset → an embedded PostgreSQL is started under `EMBEDDED_PG_DIR`. */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  @EnvInt(1, 200)
  DATABASE_POOL_SIZE?: number;

  @EnvBool()
  DATABASE_SSL?: boolean;

  @EnvBool()
  DATABASE_LOG_QUERIES?: boolean;

  @IsOptional()
  @IsString()
  EMBEDDED_PG_DIR?: string;

  @EnvInt(0, 65535)
  EMBEDDED_PG_PORT?: number;

  @EnvInt(100, 600_000)
  DATABASE_STATEMENT_TIMEOUT_MS?: number;
}

export const databaseConfig = defineConfig('database', DatabaseEnv, (env) => ({
  url: env.DATABASE_URL,
  poolSize: env.DATABASE_POOL_SIZE ?? 10,
  ssl: env.DATABASE_SSL ?? false,
  logQueries: env.DATABASE_LOG_QUERIES ?? false,
  embeddedDir: env.EMBEDDED_PG_DIR ?? '.data/pg',
  embeddedPort: env.EMBEDDED_PG_PORT ?? 0,
  statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS ?? 30_000,
}));
export type DatabaseConfig = ConfigOf<typeof databaseConfig>;
