import type { Request, RequestHandler } from 'express';
import session from 'express-session';
import connectPgSimple from 'connect-pg-simple';
import type { Redis } from 'ioredis';
import type { Pool } from 'pg';
import { RedisSessionStore } from './redis-session.store';
import './session-data';

export const SESSION_COOKIE = 'stoa.sid';
/** Paths that use cookie sessions; the JSON API never does (it takes bearer tokens). */
export const COOKIE_SESSION_PATHS = ['/account', '/admin/queues'];

/**
 * Server-side sessions for the HTML pages: the cookie holds only a signed id, the data lives in
 * Redis, or in PostgreSQL (`http_sessions`) without Redis, so every instance sees it.
 */
export function cookieSessionMiddleware(opts: {
  secret: string;
  secure: boolean;
  ttlSeconds: number;
  redis: Redis | null;
  redisPrefix: string;
  /** The app's own pg pool (TypeORM's), so sessions add no connections and close with it. */
  pgPool: Pool;
}): RequestHandler {
  const store = opts.redis
    ? new RedisSessionStore(opts.redis, `${opts.redisPrefix}sess:`, opts.ttlSeconds)
    : new (connectPgSimple(session))({
        pool: opts.pgPool,
        tableName: 'http_sessions',
        createTableIfMissing: false,
        pruneSessionInterval: 15 * 60,
      });
  return session({
    name: SESSION_COOKIE,
    secret: opts.secret,
    store,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    proxy: undefined, // follows Express `trust proxy`
    cookie: {
      httpOnly: true,
      secure: opts.secure,
      sameSite: 'lax',
      maxAge: opts.ttlSeconds * 1000,
    },
  });
}

/** Ends the cookie session (store entry and cookie) and resolves when the store is done. */
export function destroySession(req: Request): Promise<void> {
  return new Promise((resolve) => req.session.destroy(() => resolve()));
}

/** Issues a new session id keeping nothing — call on login, against session fixation. */
export function regenerateSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) =>
    req.session.regenerate((e: unknown) =>
      e ? reject(e instanceof Error ? e : new Error('session regenerate failed')) : resolve(),
    ),
  );
}
