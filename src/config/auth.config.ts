import { IsEmail, IsOptional, IsString, MinLength } from 'class-validator';
import { defineConfig, type ConfigOf } from './config.loader';
import { EnvBool, EnvInt } from './env.decorators';

/** Development-only fallbacks; production refuses them (see the cross-checks in index.ts). */
export const DEV_JWT_SECRET = 'dev-only-jwt-secret-change-me-0123456789';
export const DEV_SESSION_SECRET = 'dev-only-session-secret-change-me-0123456789';

class AuthEnv {
  @IsOptional()
  @IsString()
  @MinLength(32)
  JWT_SECRET?: string;

  @EnvInt(10, 86_400)
  JWT_ACCESS_TTL_SECONDS?: number;

  @EnvInt(60, 31_536_000)
  REFRESH_TTL_SECONDS?: number;

  @IsOptional()
  @IsString()
  @MinLength(32)
  SESSION_SECRET?: string;

  /** Secure cookies need HTTPS; default on in production. */
  @EnvBool()
  COOKIE_SECURE?: boolean;

  /** argon2id memory cost in KiB (OWASP: 19 MiB minimum; we default to 19456). */
  @EnvInt(1024, 1_048_576)
  ARGON2_MEMORY_KIB?: number;

  @IsOptional()
  @IsEmail()
  ADMIN_EMAIL?: string;

  @IsOptional()
  @IsString()
  @MinLength(8)
  ADMIN_PASSWORD?: string;
}

export const authConfig = defineConfig('auth', AuthEnv, (env, raw) => {
  const production = raw.NODE_ENV === 'production';
  return {
    jwtSecret: env.JWT_SECRET ?? DEV_JWT_SECRET,
    accessTtlSeconds: env.JWT_ACCESS_TTL_SECONDS ?? 900,
    refreshTtlSeconds: env.REFRESH_TTL_SECONDS ?? 30 * 86_400,
    sessionSecret: env.SESSION_SECRET ?? DEV_SESSION_SECRET,
    cookieSecure: env.COOKIE_SECURE ?? production,
    argon2MemoryKib: env.ARGON2_MEMORY_KIB ?? 19_456,
    adminEmail: env.ADMIN_EMAIL ?? 'admin@stoa.local',
    adminPassword: env.ADMIN_PASSWORD,
  };
});
export type AuthConfig = ConfigOf<typeof authConfig>;
