import 'reflect-metadata';
import { createServer } from 'node:http';
import { Logger } from '@nestjs/common';
import { createWorker } from './app.factory';
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
    if (path === '/health/ready') {
      void health
        .readiness()
        .then(({ status, body }) => reply(status, 'application/json', JSON.stringify(body)));
      return undefined;
    }
    if (path === '/metrics') {
      void metrics.render().then(({ contentType, body }) => reply(200, contentType, body));
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
