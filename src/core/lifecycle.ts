import type { Server } from 'node:http';
import { Logger } from '@nestjs/common';

/**
 * Graceful shutdown on SIGTERM/SIGINT: stop accepting connections, let in-flight requests finish
 * (idle keep-alive sockets are closed at once), force-close what is left after `timeoutMs`, then
 * run Nest's shutdown hooks (close workers, pools, Redis) and finally `after` (embedded DB).
 */
export function onShutdown(opts: {
  server?: Server;
  timeoutMs: number;
  close: () => Promise<void>;
  after?: () => Promise<void>;
}): void {
  const logger = new Logger('Shutdown');
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received: draining`);
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
