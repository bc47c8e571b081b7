import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory';
import { loadConfigOrExit, prepareRuntime, runMain } from './bootstrap';
import { loadDotenv } from './core/env';
import { onShutdown } from './core/lifecycle';
import { UsersService } from './modules/users';

/** The HTTP API process. With no DATABASE_URL/REDIS_URL it runs everything on its own. */
async function main(): Promise<void> {
  const started = Date.now();
  const config = loadConfigOrExit(loadDotenv());
  const runtime = await prepareRuntime(config);
  const app = await createApp({ config, databaseUrl: runtime.databaseUrl });
  const logger = new Logger('Main');

  // First start: make sure someone can administer the instance.
  const password =
    config.auth.adminPassword ??
    (config.app.isProduction ? undefined : randomBytes(9).toString('base64url'));
  if (password) {
    const admin = await app.get(UsersService).ensureAdmin(config.auth.adminEmail, password);
    if (admin && !config.auth.adminPassword) {
      logger.warn(`created the first admin: ${admin.email} / ${password} (shown once; change it)`);
    } else if (admin) logger.log(`created the first admin: ${admin.email}`);
  }

  await app.listen(config.app.port, config.app.host);
  const url = (await app.getUrl()).replace('[::1]', 'localhost').replace('0.0.0.0', 'localhost');
  logger.log(
    `Stoa API listening on ${url} in ${Date.now() - started} ms — docs ${url}/docs · GraphQL ${url}/graphql · ` +
      `health ${url}/api/health/ready · metrics ${url}/metrics · account ${url}/account/login` +
      (config.app.workersInApi ? ' · queue workers and cron run in this process' : ''),
  );

  onShutdown({
    server: app.getHttpServer(),
    drainMs: config.app.shutdownDrainMs,
    timeoutMs: config.app.shutdownTimeoutMs,
    close: () => app.close(),
    after: () => runtime.stop(),
  });
}

runMain(main);
