import 'reflect-metadata';
import { createServer } from 'node:http';
import { Logger } from '@nestjs/common';
import { createWorker } from './app.factory';
import { extractAccessToken } from './core/auth/access-token.service';
import { sameSecret } from './core/security/same-secret';
import { loadConfigOrExit, prepareRuntime, runMain } from './bootstrap';
import { loadDotenv } from './core/env';
import { onShutdown } from './core/lifecycle';
import { HealthService } from './core/observability/health.service';
import { MetricsService } from './core/observability/metrics.service';

/**
 * The worker process: BullMQ processors and cron jobs from the same build as the API. It serves
 * no API; a small HTTP listener on WORKER_PORT answers health checks and metric scrapes only.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit(loadDotenv());
  const runtime = await prepareRuntime(config);
  const app = await createWorker({ config, databaseUrl: runtime.databaseUrl });
  const health = app.get(HealthService);
  const metrics = app.get(MetricsService);

  const server = createServer((req, res) => {
    const reply = (status: number, type: string, body: string) =>
      res.writeHead(status, { 'Content-Type': type }).end(body);
    const path = req.url?.split('?')[0];
    if (path === '/health/live') return reply(200, 'application/json', '{"status":"ok"}');
    // A failing probe answers 503; it must never become an unhandled rejection.
    const unavailable = (error: unknown) =>
      reply(
        503,
        'application/json',
        JSON.stringify({ status: 'error', message: (error as Error).message }),
      );
    if (path === '/health/ready') {
      health
        .readiness()
        .then(({ status, body }) => reply(status, 'application/json', JSON.stringify(body)))
        .catch(unavailable);
      return undefined;
    }
    if (path === '/metrics') {
      const token = config.http.metricsToken;
      const given = extractAccessToken(req.headers.authorization);
      if (token && (!given || !sameSecret(given, token))) {
        return reply(401, 'application/json', '{"status":"metrics token required"}');
      }
      metrics
        .render()
        .then(({ contentType, body }) => reply(200, contentType, body))
        .catch(unavailable);
      return undefined;
    }
    return reply(404, 'application/json', '{"status":"not found"}');
  });
  server.listen(config.app.workerPort, config.app.host);
  new Logger('Worker').log(`worker running; health and metrics on :${config.app.workerPort}`);

  onShutdown({
    server,
    drainMs: config.app.shutdownDrainMs,
    timeoutMs: config.app.shutdownTimeoutMs,
    close: () => app.close(),
    after: () => runtime.stop(),
  });
}

runMain(main);
