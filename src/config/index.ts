import { registerAs, type ConfigFactory } from '@nestjs/config';
import { appConfig } from './app.config';
import { authConfig, DEV_JWT_SECRET, DEV_SESSION_SECRET } from './auth.config';
import {
  ConfigValidationError,
  parseArea,
  resolveSecretFiles,
  type ConfigArea,
  type ConfigOf,
  type RawEnv,
} from './config.loader';
import { databaseConfig } from './database.config';
import { httpConfig } from './http.config';
import { idempotencyConfig } from './idempotency.config';
import { mailConfig } from './mail.config';
import { redisConfig } from './redis.config';
import { DEV_SHOP_WEBHOOK_SECRET, shopConfig } from './shop.config';

export * from './app.config';
export * from './auth.config';
export * from './database.config';
export * from './http.config';
export * from './idempotency.config';
export * from './mail.config';
export * from './redis.config';
export * from './shop.config';
export { ConfigValidationError, type RawEnv } from './config.loader';

const AREAS = [
  appConfig,
  databaseConfig,
  redisConfig,
  authConfig,
  mailConfig,
  httpConfig,
  idempotencyConfig,
  shopConfig,
] as const;

/** Variables that may be given as `<NAME>_FILE` (a mounted secret). */
export const SECRET_VARIABLES = [
  'JWT_SECRET',
  'SESSION_SECRET',
  'ADMIN_PASSWORD',
  'DATABASE_URL',
  'REDIS_URL',
  'MAIL_URL',
  'METRICS_TOKEN',
  'SHOP_WEBHOOK_SECRET',
  'STRIPE_SECRET_KEY',
] as const;

export interface Configuration {
  app: ConfigOf<typeof appConfig>;
  database: ConfigOf<typeof databaseConfig>;
  redis: ConfigOf<typeof redisConfig>;
  auth: ConfigOf<typeof authConfig>;
  mail: ConfigOf<typeof mailConfig>;
  http: ConfigOf<typeof httpConfig>;
  idempotency: ConfigOf<typeof idempotencyConfig>;
  shop: ConfigOf<typeof shopConfig>;
}

/** Rules that involve the environment or several areas at once. */
function crossCheck(c: Configuration): string[] {
  const problems: string[] = [];
  if (c.shop.paymentProvider === 'stripe' && !c.shop.stripe.secretKey)
    problems.push('STRIPE_SECRET_KEY: required with SHOP_PAYMENT_PROVIDER=stripe');
  if (c.app.isProduction) {
    if (c.auth.jwtSecret === DEV_JWT_SECRET) problems.push('JWT_SECRET: required in production');
    if (c.auth.sessionSecret === DEV_SESSION_SECRET)
      problems.push('SESSION_SECRET: required in production');
    if (c.app.corsOrigins.length === 0)
      problems.push('CORS_ORIGINS: explicit origins are required in production');
    if (c.app.corsOrigins.includes('*'))
      problems.push('CORS_ORIGINS: "*" cannot be combined with credentials');
    if (c.app.trustProxy === true)
      problems.push(
        'TRUST_PROXY: "true" trusts any X-Forwarded-For (rate limits become spoofable); give a hop count or subnets',
      );
    if (c.auth.jwtSecret === c.auth.sessionSecret)
      problems.push('SESSION_SECRET: must differ from JWT_SECRET');
    // Anyone who knows the webhook secret can mark orders paid: never the published default.
    if (c.shop.webhookSecret === DEV_SHOP_WEBHOOK_SECRET)
      problems.push('SHOP_WEBHOOK_SECRET: required in production');
  }
  return problems;
}

/**
 * Parses and validates the whole environment. Every problem in every area is collected and
 * thrown together as a {@link ConfigValidationError}.
 */
export function loadConfiguration(rawEnv: RawEnv): Configuration {
  const { env, problems } = resolveSecretFiles(rawEnv, SECRET_VARIABLES);
  const result: Partial<Record<string, unknown>> = {};
  for (const area of AREAS as readonly ConfigArea<keyof Configuration, object, unknown>[]) {
    const parsed = parseArea(area, env);
    problems.push(...parsed.problems);
    result[area.namespace] = parsed.value;
  }
  if (problems.length) throw new ConfigValidationError(problems);
  const config = result as unknown as Configuration;
  const cross = crossCheck(config);
  if (cross.length) throw new ConfigValidationError(cross);
  return config;
}

/** `@nestjs/config` loaders, one per area, serving the already-validated values. */
export function configFactories(config: Configuration): ConfigFactory[] {
  return AREAS.map((area) => registerAs(area.namespace, () => config[area.namespace]));
}
