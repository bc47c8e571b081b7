// What every benchmark here needs around the measurement itself: flags, cleanup that survives
// failures and Ctrl-C, child servers, a private copy of the build, and a throwaway "stack" — a
// fresh migrated database, a Redis key prefix and Stoa's production environment — plus the
// machine facts and the commit-ready JSON that go into bench/results/.

import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import Redis from 'ioredis';
import pg from 'pg';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const BASELINE = join(ROOT, 'bench/baseline-server.mjs');
export const run = promisify(execFile);
const require = createRequire(import.meta.url);

export const log = (msg) => process.stderr.write(`[bench] ${msg}\n`);

export const round = (n, digits = 0) => Number(n.toFixed(digits));

// ---------------------------------------------------------------------------------------------
// Options

/** The flags every benchmark takes; each script adds its own and writes its own usage text. */
export const COMMON_OPTIONS = {
  rounds: { type: 'string', default: '3' },
  duration: { type: 'string', default: '10' },
  warmup: { type: 'string', default: '3' },
  connections: { type: 'string', default: '50' },
  'profile-duration': { type: 'string', default: '10' },
  'skip-profile': { type: 'boolean', default: false },
  'database-url': {
    type: 'string',
    default: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  },
  'redis-url': { type: 'string', default: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
  out: { type: 'string', default: join(ROOT, 'bench/results') },
  'keep-logs': { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
};

export const COMMON_USAGE = `  --rounds N             measured rounds per server and endpoint (default 3)
  --duration S           seconds per measured round (default 10)
  --warmup S             unmeasured seconds before every round (default 3)
  --connections N        concurrent connections (default 50)
  --profile-duration S   seconds of load under --cpu-prof (default 10)
  --skip-profile         no profiling run
  --database-url URL     server to create the bench database on (default $DATABASE_URL or
                         postgres://postgres@127.0.0.1:5432/postgres)
  --redis-url URL        (default $REDIS_URL or redis://127.0.0.1:6379)
  --out DIR              where the JSON goes (default bench/results)
  --keep-logs            keep the servers' log files (printed at the end)
`;

/**
 * Parses argv against COMMON_OPTIONS plus `options`; prints `usage` and exits on --help (0) or
 * a bad flag (64). `positive(name)` reads a flag as a positive integer the same way.
 */
export function parseFlags(usage, options = {}) {
  const fail = (message) => {
    process.stderr.write(`${message}\n${usage}`);
    process.exit(64);
  };
  let flags;
  try {
    ({ values: flags } = parseArgs({ options: { ...COMMON_OPTIONS, ...options } }));
  } catch (error) {
    fail(error.message);
  }
  if (flags.help) {
    process.stdout.write(usage);
    process.exit(0);
  }
  const positive = (name) => {
    const n = Number(flags[name]);
    if (!Number.isInteger(n) || n < 1) fail(`--${name} must be a positive integer`);
    return n;
  };
  const oneOf = (name, allowed) => {
    if (!allowed.includes(flags[name])) fail(`--${name} must be one of ${allowed.join(', ')}`);
    return flags[name];
  };
  const opts = {
    rounds: positive('rounds'),
    duration: positive('duration'),
    warmup: positive('warmup'),
    connections: positive('connections'),
    profileDuration: positive('profile-duration'),
  };
  return { flags, opts, positive, oneOf, fail };
}

// ---------------------------------------------------------------------------------------------
// Cleanup: everything a run creates registers its undo here, run in reverse order on success,
// failure and Ctrl-C alike, so a broken run leaves no database, keys or processes behind.

const cleanups = [];
let cleaning;
export function onCleanup(what, fn) {
  cleanups.push({ what, fn });
}
function runCleanups() {
  cleaning ??= (async () => {
    while (cleanups.length) {
      const { what, fn } = cleanups.pop();
      try {
        await fn();
      } catch (error) {
        log(`cleanup "${what}" failed: ${error.message}`);
      }
    }
  })();
  return cleaning;
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    log(`${signal}: cleaning up`);
    void runCleanups().finally(() => process.exit(130));
  });
}

/** Runs a benchmark's main: failures are logged with a non-zero exit, cleanups always run. */
export async function runMain(main) {
  try {
    await main();
  } catch (error) {
    log(`failed: ${error.stack ?? error.message}`);
    process.exitCode = 1;
  } finally {
    await runCleanups();
  }
}

// ---------------------------------------------------------------------------------------------
// Child servers

/** A port nobody listens on right now (the OS picks; the tiny race is fine on a bench box). */
export async function freePort() {
  const srv = createServer();
  await new Promise((resolve, reject) => srv.listen(0, '127.0.0.1', resolve).on('error', reject));
  const { port } = srv.address();
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

/** The environment every child gets: only what we set, so the caller's shell cannot skew it. */
export function childEnv(extra) {
  const pass = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ'];
  return {
    ...Object.fromEntries(pass.filter((k) => process.env[k]).map((k) => [k, process.env[k]])),
    ...extra,
  };
}

/**
 * Spawns a server with stdout+stderr going to a log file (Stoa's production logs are real
 * writes, as they would be to a container's stdout), waits until `readyPath` answers, and
 * registers its shutdown. `port`: a fixed one (a restart on the same address), else a free one.
 */
export async function startServer({ name, nodeArgs, cwd = ROOT, env, readyPath, logDir, port }) {
  port ??= await freePort();
  const logPath = join(logDir, `${name}.log`);
  const out = createWriteStream(logPath, { flags: 'a' });
  await new Promise((resolve) => out.once('open', resolve));
  const child = spawn(process.execPath, nodeArgs, {
    cwd,
    env: childEnv({ ...env, HOST: '127.0.0.1', PORT: String(port) }),
    stdio: ['ignore', out, out],
  });
  const exited = new Promise((resolve) => child.once('exit', (code, sig) => resolve(sig ?? code)));
  const server = { name, child, port, url: `http://127.0.0.1:${port}`, logPath, exited, out };
  onCleanup(`stop ${name}`, () => stopServer(server));

  const deadline = Date.now() + 60_000;
  for (;;) {
    const early = await Promise.race([exited, sleep(150, 'running')]);
    if (early !== 'running') {
      throw new Error(`${name} exited (${early}) while starting:\n${await tail(logPath)}`);
    }
    try {
      // A timeout, so a server that accepts but never answers fails the run instead of hanging it.
      const res = await fetch(server.url + readyPath, { signal: AbortSignal.timeout(5000) });
      await res.arrayBuffer();
      if (res.ok) return server;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`${name} not ready after 60 s:\n${await tail(logPath)}`);
  }
}

/** SIGTERM, then wait (Stoa closes its pools and Redis); SIGKILL only if it hangs. Idempotent. */
export function stopServer(server) {
  server.stopping ??= stop(server);
  return server.stopping;
}
async function stop(server) {
  if (server.child.exitCode === null && server.child.signalCode === null) {
    server.child.kill('SIGTERM');
    const result = await Promise.race([server.exited, sleep(20_000, 'timeout')]);
    if (result === 'timeout') {
      log(`${server.name} ignored SIGTERM for 20 s: SIGKILL`);
      server.child.kill('SIGKILL');
      await server.exited;
    }
  }
  await new Promise((resolve) => server.out.end(resolve));
}

async function tail(file, lines = 30) {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/**
 * Runs Stoa from a private copy of dist/: `npm run start:dev` or a colleague's build rewrites
 * dist/ in place, and every server of one run must execute the same code. Stoa finds views/,
 * public/ and migrations relative to the directory holding dist/ (src/core/paths.ts), so the
 * copy sits in a directory that links the rest of the project.
 */
async function snapshotBuild(workDir) {
  const main = join(ROOT, 'dist/src/main.js');
  if (!existsSync(main)) throw new Error('dist/ is missing: run `npm run build` first');
  const root = join(workDir, 'app');
  await mkdir(root);
  await cp(join(ROOT, 'dist'), join(root, 'dist'), { recursive: true });
  for (const entry of ['node_modules', 'views', 'public', 'package.json']) {
    await symlink(join(ROOT, entry), join(root, entry));
  }
  return { root, main: join(root, 'dist/src/main.js'), cli: join(root, 'dist/src/cli.js') };
}

// ---------------------------------------------------------------------------------------------
// The stack: build snapshot, throwaway database and Redis prefix, Stoa's production environment

/**
 * Everything a run needs before the first server starts, each piece registered for cleanup:
 * a work dir for logs, the dist/ snapshot, `stoa_bench_<random>` created and migrated with
 * Stoa's own CLI (so the schema is the real one), a unique Redis key prefix, and the
 * environment Stoa runs with. `admin` stays connected to the server's maintenance database.
 */
export async function prepareStack(flags) {
  // The commit of the code about to run, read next to the snapshot of dist/ (not at the end:
  // in a shared tree HEAD can move during the run). `dirty`: dist/ may hold uncommitted code.
  const commit = (await run('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT })).stdout.trim();
  const dirty = (await run('git', ['status', '--porcelain'], { cwd: ROOT })).stdout.trim() !== '';
  const runId = randomBytes(4).toString('hex');
  const workDir = await mkdtemp(join(os.tmpdir(), 'stoa-bench-'));
  if (!flags['keep-logs'])
    onCleanup('remove work dir', () => rm(workDir, { recursive: true, force: true }));
  const logDir = join(workDir, 'logs');
  await mkdir(logDir);
  const app = await snapshotBuild(workDir);

  // A fresh database on the given server; dropped at the end (FORCE: pools may linger).
  const admin = new pg.Client({ connectionString: flags['database-url'] });
  await admin.connect();
  onCleanup('close admin connection', () => admin.end());
  const dbName = `stoa_bench_${runId}`;
  await admin.query(`CREATE DATABASE ${dbName}`);
  onCleanup(`drop database ${dbName}`, () =>
    admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`),
  );
  const dbUrl = new URL(flags['database-url']);
  dbUrl.pathname = `/${dbName}`;
  const pgVersion = (await admin.query('SHOW server_version')).rows[0].server_version;

  // Every key Stoa writes (throttler counters, denylist, BullMQ) carries this prefix.
  const redisPrefix = `stoa-bench-${runId}:`;
  const redis = new Redis(flags['redis-url'], { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  onCleanup('close redis', () => redis.quit());
  onCleanup(`delete redis keys ${redisPrefix}*`, () => deleteKeys(redis, redisPrefix));
  const redisVersion = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1];

  const jwtSecret = randomBytes(32).toString('hex');
  const stoaEnv = {
    NODE_ENV: 'production',
    DATABASE_URL: dbUrl.href,
    DATABASE_POOL_SIZE: '10',
    REDIS_URL: flags['redis-url'],
    REDIS_KEY_PREFIX: redisPrefix,
    JWT_SECRET: jwtSecret,
    SESSION_SECRET: randomBytes(32).toString('hex'),
    SHOP_WEBHOOK_SECRET: randomBytes(32).toString('hex'),
    CORS_ORIGINS: 'http://localhost',
    WORKERS_IN_API: 'false',
    LOG_LEVEL: 'info',
    // The throttler still counts every request in Redis; it just never says no. (The config caps
    // it at 1e6 per 60 s window and route, i.e. ~16k req/s — several times what we reach.)
    THROTTLE_LIMIT: '1000000',
    // Bench plumbing, not on the request path: the token must outlive a long run, and the
    // production 5 s readiness drain would only slow down every stop.
    JWT_ACCESS_TTL_SECONDS: '86400',
    SHUTDOWN_DRAIN_MS: '0',
  };
  // What the bare baseline needs to read the same database and check the same tokens.
  const bareEnv = { DATABASE_URL: dbUrl.href, DATABASE_POOL_SIZE: '10', JWT_SECRET: jwtSecret };

  log(`migrating ${dbName}`);
  await run(process.execPath, [app.cli, 'migrate'], {
    cwd: app.root,
    env: childEnv(stoaEnv),
  }).catch((error) => {
    throw new Error(`migrate failed:\n${error.stdout}${error.stderr}`);
  });

  return {
    runId,
    git: { commit, dirty },
    workDir,
    logDir,
    app,
    admin,
    dbName,
    dbUrl: dbUrl.href,
    stoaEnv,
    bareEnv,
    versions: { postgres: pgVersion, redis: redisVersion },
    /** The backends serving the bench database right now (for the CPU accounting). */
    dbPids: async () =>
      (await admin.query('SELECT pid FROM pg_stat_activity WHERE datname = $1', [dbName])).rows.map(
        (r) => r.pid,
      ),
  };
}

/** Starts Stoa from the snapshot with the stack's environment (extra `nodeArgs` first). */
export function startStoa(stack, { name = 'stoa', nodeArgs = [] } = {}) {
  return startServer({
    name,
    nodeArgs: [...nodeArgs, stack.app.main],
    cwd: stack.app.root,
    env: stack.stoaEnv,
    readyPath: '/api/health/ready',
    logDir: stack.logDir,
  });
}

/** Starts the bare Express + pg baseline on the stack's database (extra `nodeArgs` first). */
export function startBare(stack, readyPath, { name = 'bare', nodeArgs = [] } = {}) {
  return startServer({
    name,
    nodeArgs: [...nodeArgs, BASELINE],
    env: stack.bareEnv,
    readyPath,
    logDir: stack.logDir,
  });
}

/**
 * Registers a user through Stoa's `POST /api/v1/users`, so the row is exactly what Stoa writes
 * (both servers read it). Returns the user's access token.
 */
export async function registerUser(stoa, username) {
  const res = await fetch(`${stoa.url}/api/v1/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      user: {
        username,
        email: `${username}@example.com`,
        password: randomBytes(12).toString('hex'),
      },
    }),
  });
  if (res.status !== 201) throw new Error(`register: ${res.status} ${await res.text()}`);
  return (await res.json()).user.token;
}

async function deleteKeys(redis, prefix) {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
}

// ---------------------------------------------------------------------------------------------
// Output

/** The machine and software a result was taken on (load average: other work on the box). */
export function machineInfo(stack, loadavgAtStart) {
  return {
    node: process.version,
    cpu: os.cpus()[0].model,
    cores: os.cpus().length,
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    loadavgAtStart,
    ...stack.versions,
  };
}

/** The load average now, with a warning when other work is clearly running. */
export function loadAverage() {
  const loadavg = os.loadavg().map((x) => round(x, 2));
  if (loadavg[0] > os.cpus().length / 2) {
    log(`load average ${loadavg[0]}: other work is running; expect noisier rounds`);
  }
  return loadavg;
}

export const autocannonVersion = () => require('autocannon/package.json').version;

/** Writes JSON that already passes the repository's `prettier --check` (commit-ready). */
export function writeJson(path, data) {
  return writeText(path, `${JSON.stringify(data, null, 2)}\n`);
}

/** Writes a JSON or Markdown file formatted with the repository's Prettier config. */
export async function writeText(path, text) {
  try {
    const prettier = await import('prettier');
    const config = (await prettier.resolveConfig(path)) ?? {};
    text = await prettier.format(text, { ...config, filepath: path });
  } catch {
    // prettier missing: the file is still valid, only the format check would complain
  }
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}
