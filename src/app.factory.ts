import { Logger as NestLogger, VersioningType, RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import compression from 'compression';
import express, { type NextFunction, type Request, type Response } from 'express';
import cookieParser from 'cookie-parser';
import { Logger } from 'nestjs-pino';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { AppModule, type AppModuleOptions } from './app.module';
import { correlationIdMiddleware } from './core/http/correlation-id';
import { mountApiDocs } from './core/http/openapi';
import { drainMiddleware } from './core/lifecycle';
import { MetricsService } from './core/observability/metrics.service';
import { PUBLIC_DIR, VIEWS_DIR } from './core/paths';
import { mountQueueBoard, QUEUE_BOARD_PATH } from './core/queue/queue-board';
import { REDIS } from './core/redis/redis.module';
import { COOKIE_SESSION_PATHS, cookieSessionMiddleware } from './core/security/cookie-session';
import { securityHeaders } from './core/security/helmet';
import { SessionsService } from './modules/auth';

export const API_PREFIX = 'api';

/**
 * Builds the fully configured HTTP application. `main.ts` and every e2e test call this, so tests
 * exercise the production wiring: prefix, versioning, security headers, CORS, compression,
 * sessions, docs, static files and templates.
 */
export async function createApp(
  options: Omit<AppModuleOptions, 'role'>,
): Promise<NestExpressApplication> {
  const { config } = options;
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.register({ ...options, role: 'api' }),
    { bufferLogs: true, rawBody: true },
  );
  app.useLogger(app.get(Logger));
  app.flushLogs();

  app.set('trust proxy', config.app.trustProxy);
  app.disable('x-powered-by');
  app.use(correlationIdMiddleware()); // first: body-parser refusals carry the request id too
  app.useBodyParser('json', { limit: config.http.bodyLimit });
  app.useBodyParser('urlencoded', { limit: config.http.bodyLimit, extended: false });

  app.use(app.get(MetricsService).httpMiddleware());
  app.use(drainMiddleware());
  app.use(securityHeaders({ relaxedPaths: [QUEUE_BOARD_PATH] }));
  app.enableCors({
    origin: config.app.corsOrigins,
    credentials: true,
    exposedHeaders: ['X-Request-Id', 'Retry-After', 'ETag', 'Location', 'Idempotent-Replayed'],
    maxAge: 600,
  });
  app.use(compression());
  app.use(cookieParser());
  app.use(
    COOKIE_SESSION_PATHS,
    cookieSessionMiddleware({
      secret: config.auth.sessionSecret,
      secure: config.auth.cookieSecure,
      ttlSeconds: 7 * 86_400,
      redis: app.get(REDIS, { strict: false }),
      redisPrefix: config.redis.keyPrefix,
      pgPool: (app.get(DataSource).driver as PostgresDriver).master as Pool,
    }),
  );

  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      { path: 'metrics', method: RequestMethod.GET },
      { path: 'account/{*rest}', method: RequestMethod.ALL },
      { path: 'feeds/{*rest}', method: RequestMethod.GET },
      { path: 'sitemap.xml', method: RequestMethod.GET },
    ],
  });
  app.enableVersioning({ type: VersioningType.URI });

  // Static files are served for non-API paths only: mounted in front of everything, serve-static
  // would stat() the disk on every API request first (measured: 3-6% of CPU, bench/README.md).
  const statics = express.static(PUBLIC_DIR, {
    index: 'index.html',
    maxAge: config.app.isProduction ? '1h' : 0,
  });
  app.use((req: Request, res: Response, next: NextFunction): void => {
    if (req.path.startsWith(`/${API_PREFIX}/`)) next();
    else void statics(req, res, next);
  });
  app.setBaseViewsDir(VIEWS_DIR);
  app.setViewEngine('hbs');
  app.set('view options', { layout: 'layout' });

  await mountApiDocs(app);
  const sessions = app.get(SessionsService);
  mountQueueBoard(app, (sessionId) => sessions.resolveIdentity(sessionId));

  new NestLogger('Bootstrap').log(`HTTP app ready (${config.app.nodeEnv})`);
  return app;
}

/** Builds the worker role: queue processors and cron jobs, no HTTP routes. */
export async function createWorker(
  options: Omit<AppModuleOptions, 'role'>,
): Promise<INestApplicationContext> {
  const worker = await NestFactory.createApplicationContext(
    AppModule.register({ ...options, role: 'worker' }),
    {
      bufferLogs: true,
    },
  );
  worker.useLogger(worker.get(Logger));
  worker.flushLogs();
  return worker;
}
