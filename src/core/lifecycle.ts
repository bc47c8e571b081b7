import type { Server } from 'node:http';
import { Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/** Process-wide: set once a shutdown signal arrived (the process is going away, not one app). */
export const lifecycle = { draining: false };

/**
 * While draining, every response asks the client (nginx) to close its keep-alive connection,
 * so no new request races the socket being closed under it.
 */
export function drainMiddleware() {
  return (_req: Request, res: Response, next: NextFunction): void => {
    if (lifecycle.draining) res.setHeader('Connection', 'close');
    next();
  };
}

/**
 * Graceful shutdown on SIGTERM/SIGINT:
 * 1. drain for `drainMs`: readiness answers 503 so the load balancer stops sending, responses
 *    carry `Connection: close`, requests are still served;
 * 2. stop accepting connections, close idle keep-alive sockets, let in-flight requests finish;
 * 3. after `timeoutMs`, force-close what is left;
 * 4. run Nest's shutdown hooks (workers finish their job, pools and Redis close), then `after`.
 */
export function onShutdown(opts: {
  server?: Server;
  drainMs: number;
  timeoutMs: number;
  close: () => Promise<void>;
  after?: () => Promise<void>;
}): void {
  const logger = new Logger('Shutdown');
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    lifecycle.draining = true;
    logger.log(`${signal} received: draining for ${opts.drainMs} ms`);
    if (opts.drainMs > 0) await new Promise((r) => setTimeout(r, opts.drainMs));
    const force = setTimeout(() => {
      logger.warn(`still busy after ${opts.timeoutMs} ms: closing remaining connections`);
      opts.server?.closeAllConnections();
    }, opts.timeoutMs).unref();
    try {
      if (opts.server) {
        const closed = new Promise<void>((resolve) => opts.server!.close(() => resolve()));
        opts.server.closeIdleConnections();
        await closed;
      }
      await opts.close();
      await opts.after?.();
      logger.log('stopped cleanly');
      process.exitCode = 0;
    } catch (error) {
      logger.error(`shutdown failed: ${(error as Error).message}`);
      process.exitCode = 1;
    } finally {
      clearTimeout(force);
      // Whatever still holds the loop (a stray timer) must not keep a stopped process alive.
      setTimeout(() => process.exit(), 1_000).unref();
    }
  };
  process.once('SIGTERM', (s) => void stop(s));
  process.once('SIGINT', (s) => void stop(s));
}
