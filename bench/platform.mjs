// What does the platform cost? Stoa (production config: Nest, guards, throttler on Redis, JWT +
// denylist, TypeORM, pino logs, metrics) against a bare Express 5 + pg server that returns the
// same JSON from the same database row, measured interleaved in one run and reported as a
// ratio — absolute numbers on a shared 2-core machine mean little, the ratio travels.
//
//   npm run bench:platform                      # builds, then runs with the defaults below
//   node bench/platform.mjs --rounds 5 --duration 20 --skip-profile
//
// Needs PostgreSQL and Redis (DATABASE_URL / REDIS_URL, or the local defaults), and a built
// dist/. Creates a throwaway database and Redis key prefix and removes both on exit, Ctrl-C
// included. See bench/README.md for the method and the latest figures.

import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual, parseArgs, promisify } from 'node:util';
import autocannon from 'autocannon';
import Redis from 'ioredis';
import pg from 'pg';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BASELINE = join(ROOT, 'bench/baseline-server.mjs');
const PROFILE_DIR = '/tmp/stoa-prof';
const require = createRequire(import.meta.url);
const run = promisify(execFile);

// ---------------------------------------------------------------------------------------------
// Options

const USAGE = `Usage: node bench/platform.mjs [options]
  --rounds N             measured rounds per server and endpoint (default 3)
  --duration S           seconds per measured round (default 10)
  --warmup S             unmeasured seconds before every round (default 3)
  --connections N        concurrent connections (default 50)
  --profile-duration S   seconds of load under --cpu-prof (default 10)
  --profile-endpoint E   user | profiles: the endpoint loaded while profiling (default user)
  --skip-profile         no profiling run
  --database-url URL     server to create the bench database on (default $DATABASE_URL or
                         postgres://postgres@127.0.0.1:5432/postgres)
  --redis-url URL        (default $REDIS_URL or redis://127.0.0.1:6379)
  --out DIR              where the JSON goes (default bench/results)
  --keep-logs            keep the servers' log files (printed at the end)
`;

const { values: flags } = parseArgsOrExit({
  options: {
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '50' },
    'profile-duration': { type: 'string', default: '10' },
    'profile-endpoint': { type: 'string', default: 'user' },
    'skip-profile': { type: 'boolean', default: false },
    'database-url': {
      type: 'string',
      default: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
    'redis-url': { type: 'string', default: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
    out: { type: 'string', default: join(ROOT, 'bench/results') },
    'keep-logs': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
function parseArgsOrExit(config) {
  try {
    return parseArgs(config);
  } catch (error) {
    process.stderr.write(`${error.message}\n${USAGE}`);
    process.exit(64);
  }
}
if (flags.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
function positive(name) {
  const n = Number(flags[name]);
  if (!Number.isInteger(n) || n < 1) {
    process.stderr.write(`--${name} must be a positive integer\n${USAGE}`);
    process.exit(64);
  }
  return n;
}
const opts = {
  rounds: positive('rounds'),
  duration: positive('duration'),
  warmup: positive('warmup'),
  connections: positive('connections'),
  profileDuration: positive('profile-duration'),
};

if (!['user', 'profiles'].includes(flags['profile-endpoint'])) {
  process.stderr.write(`--profile-endpoint must be user or profiles\n${USAGE}`);
  process.exit(64);
}

const log = (msg) => process.stderr.write(`[bench] ${msg}\n`);

// ---------------------------------------------------------------------------------------------
// Cleanup: everything we create registers its undo here, run in reverse order on success,
// failure and Ctrl-C alike, so a broken run leaves no database, keys or processes behind.

const cleanups = [];
let cleaning;
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

// ---------------------------------------------------------------------------------------------
// Child servers

/** A port nobody listens on right now (the OS picks; the tiny race is fine on a bench box). */
async function freePort() {
  const srv = createServer();
  await new Promise((resolve, reject) => srv.listen(0, '127.0.0.1', resolve).on('error', reject));
  const { port } = srv.address();
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

/** The environment every child gets: only what we set, so the caller's shell cannot skew it. */
function childEnv(extra) {
  const pass = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ'];
  return {
    ...Object.fromEntries(pass.filter((k) => process.env[k]).map((k) => [k, process.env[k]])),
    ...extra,
  };
}

/**
 * Spawns a server with stdout+stderr going to a log file (Stoa's production logs are real
 * writes, as they would be to a container's stdout), waits until `readyPath` answers, and
 * registers its shutdown.
 */
async function startServer({ name, nodeArgs, cwd = ROOT, env, readyPath, logDir }) {
  const port = await freePort();
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
  cleanups.push({ what: `stop ${name}`, fn: () => stopServer(server) });

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
function stopServer(server) {
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

// ---------------------------------------------------------------------------------------------
// Load

/**
 * autocannon in this process, not as a CLI child: on 2 cores the generator competes with the
 * server, PostgreSQL and Redis either way, and in-process costs one Node runtime fewer. It
 * loads both servers identically, so it cancels out of the ratio.
 */
function load(url, endpoint, seconds) {
  return autocannon({
    url: url + endpoint.path,
    headers: endpoint.headers,
    connections: opts.connections,
    duration: seconds,
  });
}

/** One measured round: warm-up (JIT, pools, keep-alive sockets) and then the real thing. */
async function measureRound(server, endpoint) {
  await load(server.url, endpoint, opts.warmup);
  const r = await load(server.url, endpoint, opts.duration);
  return {
    rps: round(r.requests.average),
    p50: r.latency.p50,
    p99: r.latency.p99,
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
  };
}

const round = (n, digits = 0) => Number(n.toFixed(digits));
// null rather than Infinity/NaN when the baseline served nothing (the run is unclean anyway).
const ratio = (a, b) => (b > 0 ? round(a / b, 3) : null);
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

function summarize(rounds) {
  return {
    rps: round(mean(rounds.map((r) => r.rps))),
    p50: round(mean(rounds.map((r) => r.p50)), 1),
    p99: round(mean(rounds.map((r) => r.p99)), 1),
    rounds,
  };
}

// ---------------------------------------------------------------------------------------------
// CPU profile: self time by package, function and caller, in the measured window only

/** `node_modules/@scope/name/...` → `@scope/name`; Stoa's own code → `stoa:<area>`. */
function packageOf(url, functionName) {
  if (!url) {
    // V8 pseudo-nodes keep their name; everything else without a script is a builtin or a
    // C++ binding (JSON.stringify, writev, HMAC...).
    return /^\((idle|program|garbage collector|root)\)$/.test(functionName)
      ? functionName
      : '(native / V8 builtins)';
  }
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  if (path.startsWith('node:')) {
    const [, first, second] = /^node:([^/]+)(?:\/([^/]+))?/.exec(path) ?? [];
    return first === 'internal' && second ? `node:internal/${second}` : `node:${first}`;
  }
  const nm = path.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const parts = path.slice(nm + '/node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  const src = path.lastIndexOf('/dist/src/');
  if (src >= 0) {
    // Stoa's own code, by area: `stoa:core/auth`, `stoa:modules/users`, `stoa:main`.
    const parts = path.slice(src + '/dist/src/'.length).split('/');
    const area = parts.length > 1 ? parts.slice(0, Math.min(2, parts.length - 1)) : parts;
    return `stoa:${area.join('/').replace(/\.js$/, '')}`;
  }
  return path;
}

/**
 * Aggregates a .cpuprofile. A sample's weight is the time until the next sample (as DevTools
 * does). Only samples inside [from, to] count — sample times and process.hrtime share
 * CLOCK_MONOTONIC in microseconds — so start-up and shutdown do not pollute the picture.
 *
 * Three views of the same self time:
 * - byPackage: where the CPU literally was (Node core and native code are their own rows);
 * - byFunction: the hottest functions;
 * - byCaller: Node core and native self time charged to the nearest npm package or Stoa frame
 *   above it, which answers "who asked for that work" (e.g. `createPublicKey` → jsonwebtoken).
 *   Inclusive time would not: Express middleware calls next() synchronously, so every
 *   middleware's inclusive time contains the whole rest of the stack.
 */
function aggregateProfile(profile, fromUs, toUs) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);

  const selfUs = new Map();
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    const weight = profile.timeDeltas[i + 1] ?? 0;
    if (t < fromUs || t > toUs) continue;
    selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + weight);
  }

  const pkgOf = (id) => {
    const { url, functionName } = byId.get(id).callFrame;
    return packageOf(url, functionName);
  };
  const isCore = (pkg) => pkg.startsWith('node:') || pkg === '(native / V8 builtins)';
  const owners = new Map();
  const ownerOf = (id) => {
    if (!owners.has(id)) {
      const pkg = pkgOf(id);
      const parent = parentOf.get(id);
      // Reaching the root means Node itself called in (event loop, timers, microtasks).
      const owner = pkg === '(root)' ? '(Node event loop)' : pkg;
      owners.set(id, !isCore(pkg) ? owner : parent ? ownerOf(parent) : owner);
    }
    return owners.get(id);
  };

  const byPackage = new Map();
  const byFunction = new Map();
  const byCaller = new Map();
  const add = (map, key, us) => map.set(key, (map.get(key) ?? 0) + us);
  let total = 0;
  let idle = 0;
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id).callFrame;
    if (functionName === '(idle)') {
      idle += us;
      continue;
    }
    total += us;
    const pkg = pkgOf(id);
    add(byPackage, pkg, us);
    add(byCaller, ownerOf(id), us);
    const where = url ? ` (${pkg} ${url.split('/').pop()}:${lineNumber + 1})` : '';
    add(byFunction, `${functionName || '(anonymous)'}${where}`, us);
  }
  const top = (map, n) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => ({ name, ms: round(us / 1000), pct: round((100 * us) / total, 1) }));
  return {
    windowMs: round((toUs - fromUs) / 1000),
    busyMs: round(total / 1000),
    idleMs: round(idle / 1000),
    byPackage: top(byPackage, 15),
    byFunction: top(byFunction, 20),
    byCaller: top(byCaller, 15),
  };
}

async function profileStoa({ app, env, endpoint, logDir, runId }) {
  await mkdir(PROFILE_DIR, { recursive: true });
  const file = `stoa-${runId}.cpuprofile`;
  const server = await startServer({
    name: 'stoa-profiled',
    nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`, `--cpu-prof-name=${file}`, app.main],
    cwd: app.root,
    env,
    readyPath: '/api/health/ready',
    logDir,
  });
  await load(server.url, endpoint, opts.warmup);
  const from = process.hrtime.bigint() / 1000n;
  const r = await load(server.url, endpoint, opts.profileDuration);
  const to = process.hrtime.bigint() / 1000n;
  // V8 writes the profile when the process exits normally — Stoa's SIGTERM handler does that.
  await stopServer(server);
  const path = join(PROFILE_DIR, file);
  if (!existsSync(path)) throw new Error(`no profile at ${path} (did Stoa exit cleanly?)`);
  const profile = JSON.parse(await readFile(path, 'utf8'));
  return {
    file: path,
    endpoint: endpoint.path,
    rpsUnderProfiler: round(r.requests.average),
    ...aggregateProfile(profile, Number(from), Number(to)),
  };
}

// ---------------------------------------------------------------------------------------------
// Output

function markdownTable(results) {
  const rows = [
    '| Endpoint | Server | req/s (mean) | p50 ms | p99 ms | Stoa / bare req/s (per round) |',
    '| --- | --- | ---: | ---: | ---: | --- |',
  ];
  for (const e of results) {
    const fmt = (x) => (x === null ? 'n/a' : x.toFixed(2));
    const perRound = e.ratioPerRound.map(fmt).join(', ');
    rows.push(
      `| \`${e.name}\` | Stoa | ${e.stoa.rps} | ${e.stoa.p50} | ${e.stoa.p99} ` +
        `| **${fmt(e.ratio)}** (${perRound}) |`,
      `| | bare | ${e.bare.rps} | ${e.bare.p50} | ${e.bare.p99} | |`,
    );
  }
  return rows.join('\n');
}

function profileTables(p) {
  const table = (title, rows) =>
    [`| ${title} | self ms | % of busy |`, '| --- | ---: | ---: |']
      .concat(rows.map((r) => `| ${r.name.replaceAll('|', '\\|')} | ${r.ms} | ${r.pct} |`))
      .join('\n');
  return [
    `Profiled ${p.endpoint} for ${p.windowMs} ms at ${p.rpsUnderProfiler} req/s: ` +
      `main thread busy ${p.busyMs} ms, idle ${p.idleMs} ms.`,
    table('Package', p.byPackage),
    table('Function', p.byFunction),
    table('Charged to caller', p.byCaller),
  ].join('\n\n');
}

/** Writes JSON that already passes the repository's `prettier --check` (commit-ready). */
async function writeJson(path, data) {
  let text = `${JSON.stringify(data, null, 2)}\n`;
  try {
    const prettier = await import('prettier');
    const config = (await prettier.resolveConfig(path)) ?? {};
    text = await prettier.format(text, { ...config, filepath: path });
  } catch {
    // prettier missing: plain JSON is still valid, only the format check would complain
  }
  await writeFile(path, text);
}

// ---------------------------------------------------------------------------------------------
// The run

async function main() {
  // The commit of the code about to run, read next to the snapshot of dist/ (not at the end:
  // in a shared tree HEAD can move during the run). `dirty`: dist/ may hold uncommitted code.
  const commit = (await run('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT })).stdout.trim();
  const dirty = (await run('git', ['status', '--porcelain'], { cwd: ROOT })).stdout.trim() !== '';
  const runId = randomBytes(4).toString('hex');
  const workDir = await mkdtemp(join(os.tmpdir(), 'stoa-bench-'));
  if (!flags['keep-logs'])
    cleanups.push({
      what: 'remove work dir',
      fn: () => rm(workDir, { recursive: true, force: true }),
    });
  const logDir = join(workDir, 'logs');
  await mkdir(logDir);
  const app = await snapshotBuild(workDir);

  // A fresh database on the given server; dropped at the end (FORCE: pools may linger).
  const admin = new pg.Client({ connectionString: flags['database-url'] });
  await admin.connect();
  cleanups.push({ what: 'close admin connection', fn: () => admin.end() });
  const dbName = `stoa_bench_${runId}`;
  await admin.query(`CREATE DATABASE ${dbName}`);
  cleanups.push({
    what: `drop database ${dbName}`,
    fn: () => admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`),
  });
  const dbUrl = new URL(flags['database-url']);
  dbUrl.pathname = `/${dbName}`;
  const pgVersion = (await admin.query('SHOW server_version')).rows[0].server_version;

  // Every key Stoa writes (throttler counters, denylist, BullMQ) carries this prefix.
  const redisPrefix = `stoa-bench-${runId}:`;
  const redis = new Redis(flags['redis-url'], { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  cleanups.push({ what: 'close redis', fn: () => redis.quit() });
  cleanups.push({
    what: `delete redis keys ${redisPrefix}*`,
    fn: () => deleteKeys(redis, redisPrefix),
  });
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

  log(`migrating ${dbName}`);
  await run(process.execPath, [app.cli, 'migrate'], {
    cwd: app.root,
    env: childEnv(stoaEnv),
  }).catch((error) => {
    throw new Error(`migrate failed:\n${error.stdout}${error.stderr}`);
  });

  const stoa = await startServer({
    name: 'stoa',
    nodeArgs: [app.main],
    cwd: app.root,
    env: stoaEnv,
    readyPath: '/api/health/ready',
    logDir,
  });
  log(`Stoa up on ${stoa.url}; logs in ${stoa.logPath}`);

  // Registered through Stoa's API so the row is exactly what Stoa writes; both servers read it.
  const username = `bench_${runId}`;
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
  const { token } = (await res.json()).user;

  const bare = await startServer({
    name: 'bare',
    nodeArgs: [BASELINE],
    env: { DATABASE_URL: dbUrl.href, DATABASE_POOL_SIZE: '10', JWT_SECRET: jwtSecret },
    readyPath: `/api/v1/profiles/${username}`,
    logDir,
  });
  log(`bare baseline up on ${bare.url}`);

  const endpoints = [
    { name: 'GET /api/v1/profiles/:username', path: `/api/v1/profiles/${username}` },
    {
      name: 'GET /api/v1/user',
      path: '/api/v1/user',
      headers: { authorization: `Token ${token}` },
    },
  ];

  // Same status and same JSON from both, or the comparison is meaningless.
  for (const e of endpoints) {
    const [a, b] = await Promise.all(
      [stoa, bare].map((s) => fetch(s.url + e.path, { headers: e.headers })),
    );
    const [ja, jb] = await Promise.all([a.json(), b.json()]);
    if (a.status !== 200 || b.status !== 200 || !isDeepStrictEqual(ja, jb)) {
      throw new Error(
        `${e.name}: servers disagree\n` +
          `stoa ${a.status} ${JSON.stringify(ja)}\nbare ${b.status} ${JSON.stringify(jb)}`,
      );
    }
  }

  const started = new Date();
  const loadavg = os.loadavg().map((x) => round(x, 2));
  if (loadavg[0] > os.cpus().length / 2) {
    log(`load average ${loadavg[0]}: other work is running; expect noisier rounds`);
  }
  const total = endpoints.length * opts.rounds * 2 * (opts.warmup + opts.duration);
  log(
    `${opts.rounds} rounds × ${opts.duration} s (+${opts.warmup} s warm-up), ` +
      `${opts.connections} connections: about ${Math.ceil(total / 60)} min`,
  );

  const results = [];
  for (const e of endpoints) {
    const per = { stoa: [], bare: [] };
    // Interleaved A, B, A, B: slow drifts of the shared machine hit both sides alike.
    for (let i = 1; i <= opts.rounds; i++) {
      for (const s of [stoa, bare]) {
        const r = await measureRound(s, e);
        per[s.name].push(r);
        log(`${e.name} ${s.name} round ${i}: ${r.rps} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms`);
        if (r.non2xx || r.errors)
          log(`  WARNING: ${r.non2xx} non-2xx, ${r.errors} errors/timeouts`);
      }
    }
    const [sa, sb] = [summarize(per.stoa), summarize(per.bare)];
    results.push({
      name: e.name,
      stoa: sa,
      bare: sb,
      ratio: ratio(sa.rps, sb.rps),
      ratioPerRound: per.stoa.map((r, i) => ratio(r.rps, per.bare[i].rps)),
    });
  }
  const clean = results.every((e) =>
    [...e.stoa.rounds, ...e.bare.rounds].every((r) => !r.non2xx && !r.errors),
  );

  const report = {
    benchmark: 'platform',
    date: started.toISOString(),
    git: { commit, dirty },
    machine: {
      node: process.version,
      cpu: os.cpus()[0].model,
      cores: os.cpus().length,
      memoryGiB: round(os.totalmem() / 2 ** 30, 1),
      loadavgAtStart: loadavg,
      postgres: pgVersion,
      redis: redisVersion,
    },
    method: {
      rounds: opts.rounds,
      durationS: opts.duration,
      warmupS: opts.warmup,
      connections: opts.connections,
      order: 'interleaved per endpoint: stoa, bare, stoa, bare, ...',
      loadGenerator: `autocannon ${require('autocannon/package.json').version}, in-process`,
      latency: 'p50/p99 are means of the per-round percentiles',
    },
    clean,
    endpoints: results,
  };

  process.stdout.write(`\n${markdownTable(results)}\n\n`);
  await mkdir(flags.out, { recursive: true });
  const outFile = join(flags.out, `platform-${started.toISOString().slice(0, 10)}.json`);
  await writeJson(outFile, report);
  log(`results: ${relative(process.cwd(), outFile)}`);

  if (!flags['skip-profile']) {
    // Stop the measured servers first: the profiled run should have the machine to itself.
    await stopServer(stoa);
    await stopServer(bare);
    const endpoint = endpoints[flags['profile-endpoint'] === 'user' ? 1 : 0];
    log(`profiling Stoa on ${endpoint.name} for ${opts.profileDuration} s`);
    report.profile = await profileStoa({ app, env: stoaEnv, endpoint, logDir, runId });
    process.stdout.write(`${profileTables(report.profile)}\n\n`);
    await writeJson(outFile, report);
    log(`profile: ${report.profile.file} (open in Chrome DevTools › Performance; not committed)`);
  }
  if (flags['keep-logs']) log(`logs kept in ${logDir}`);
  if (!clean) {
    log('some rounds had non-2xx responses or errors: the figures are not trustworthy');
    process.exitCode = 1;
  }
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

async function deleteKeys(redis, prefix) {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
}

try {
  await main();
} catch (error) {
  log(`failed: ${error.stack ?? error.message}`);
  process.exitCode = 1;
} finally {
  await runCleanups();
}
