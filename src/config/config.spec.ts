import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigValidationError, DEV_JWT_SECRET, loadConfiguration } from './index';

const SECRET = 'x'.repeat(40);

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfiguration(env);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadConfiguration', () => {
  describe('defaults', () => {
    it('should boot with an empty environment in development', () => {
      const config = loadConfiguration({});
      expect(config.app).toMatchObject({ nodeEnv: 'development', port: 3000, workersInApi: true });
      expect(config.database.url).toBeUndefined();
      expect(config.redis.url).toBeUndefined();
      expect(config.auth.jwtSecret).toBe(DEV_JWT_SECRET);
      expect(config.app.corsOrigins).toContain('http://localhost:3000');
    });

    it('should keep idempotency keys 24 h and take over claims after 30 s by default', () => {
      expect(loadConfiguration({}).idempotency).toEqual({ ttlHours: 24, lockTimeoutMs: 30_000 });
      expect(
        problemsOf({ IDEMPOTENCY_TTL_HOURS: '0', IDEMPOTENCY_LOCK_TIMEOUT_MS: '10' }).map(
          (p) => p.split(':')[0],
        ),
      ).toEqual(['IDEMPOTENCY_TTL_HOURS', 'IDEMPOTENCY_LOCK_TIMEOUT_MS']);
    });

    it('should parse numbers, booleans and lists', () => {
      const config = loadConfiguration({
        PORT: '8080',
        WORKERS_IN_API: 'no',
        CORS_ORIGINS: 'https://a.test, https://b.test',
        TRUST_PROXY: '2',
      });
      expect(config.app).toMatchObject({
        port: 8080,
        workersInApi: false,
        corsOrigins: ['https://a.test', 'https://b.test'],
        trustProxy: 2,
      });
    });
  });

  describe('validation', () => {
    it('should list every bad variable at once', () => {
      const problems = problemsOf({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://nope',
        REDIS_URL: 'http://nope',
        JWT_SECRET: 'short',
        WORKERS_IN_API: 'maybe',
        NODE_ENV: 'staging',
      });
      const vars = [...new Set(problems.map((p) => p.split(':')[0]))].sort();
      expect(vars).toEqual([
        'DATABASE_URL',
        'JWT_SECRET',
        'NODE_ENV',
        'PORT',
        'REDIS_URL',
        'WORKERS_IN_API',
      ]);
    });

    it('should refuse development secrets and open CORS in production', () => {
      const problems = problemsOf({ NODE_ENV: 'production' });
      expect(problems.join('\n')).toMatch(/JWT_SECRET: required in production/);
      expect(problems.join('\n')).toMatch(/SESSION_SECRET: required in production/);
      expect(problems.join('\n')).toMatch(/CORS_ORIGINS: explicit origins are required/);
      expect(problems.join('\n')).toMatch(/SHOP_WEBHOOK_SECRET: required in production/);
    });

    it('should need a Stripe key, of the right form, when Stripe is the provider', () => {
      expect(problemsOf({ SHOP_PAYMENT_PROVIDER: 'stripe' }).join('\n')).toMatch(
        /STRIPE_SECRET_KEY: required with SHOP_PAYMENT_PROVIDER=stripe/,
      );
      expect(
        problemsOf({ SHOP_PAYMENT_PROVIDER: 'stripe', STRIPE_SECRET_KEY: 'pk_test_publishable' }),
      ).toEqual([expect.stringMatching(/^STRIPE_SECRET_KEY: must be a Stripe secret key/)]);
      const config = loadConfiguration({
        SHOP_PAYMENT_PROVIDER: 'stripe',
        STRIPE_SECRET_KEY: 'sk_test_abc123',
      });
      expect(config.shop.stripe.secretKey).toBe('sk_test_abc123');
      expect(problemsOf({ SHOP_PAYMENT_PROVIDER: 'paypal' })[0]).toMatch(/^SHOP_PAYMENT_PROVIDER/);
    });

    it('should refuse spoofable proxy trust and a shared secret in production', () => {
      const problems = problemsOf({
        NODE_ENV: 'production',
        JWT_SECRET: SECRET,
        SESSION_SECRET: SECRET,
        CORS_ORIGINS: 'https://app.example.test',
        TRUST_PROXY: 'true',
      }).join('\n');
      expect(problems).toMatch(/TRUST_PROXY: "true" trusts any X-Forwarded-For/);
      expect(problems).toMatch(/SESSION_SECRET: must differ from JWT_SECRET/);
    });

    it('should accept a complete production environment with production defaults', () => {
      const config = loadConfiguration({
        NODE_ENV: 'production',
        JWT_SECRET: SECRET,
        SESSION_SECRET: 'y'.repeat(40),
        CORS_ORIGINS: 'https://app.example.test',
        SHOP_WEBHOOK_SECRET: 'z'.repeat(40),
      });
      expect(config.app.workersInApi).toBe(false);
      expect(config.auth.cookieSecure).toBe(true);
      expect(config.http.logPretty).toBe(false);
      expect(config.http.graphqlIntrospection).toBe(false);
    });
  });

  describe('secret files', () => {
    it('should read *_FILE variables, as Docker and Kubernetes mount secrets', () => {
      const dir = mkdtempSync(join(tmpdir(), 'stoa-secret-'));
      writeFileSync(join(dir, 'jwt'), `${SECRET}\n`);
      const config = loadConfiguration({ JWT_SECRET_FILE: join(dir, 'jwt') });
      expect(config.auth.jwtSecret).toBe(SECRET);
    });

    it('should report unreadable files and ambiguous double settings', () => {
      const problems = problemsOf({
        JWT_SECRET_FILE: '/nonexistent/jwt',
        SESSION_SECRET: SECRET,
        SESSION_SECRET_FILE: '/x',
      });
      expect(problems).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^JWT_SECRET_FILE: cannot read/),
          expect.stringMatching(/SESSION_SECRET and SESSION_SECRET_FILE are both set/),
        ]),
      );
    });
  });
});
