// CPU profile of Stoa under load: `node --cpu-prof`, then self time by package, by function and
// charged to caller, counting only the samples inside the load window.

import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { round, startBare, startStoa, stopServer } from './harness.mjs';
import { load } from './measure.mjs';

export const PROFILE_DIR = '/tmp/stoa-prof';

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
  const bench = path.lastIndexOf('/bench/');
  if (bench >= 0) return `bench:${path.slice(bench + '/bench/'.length)}`; // the bare baseline
  return path;
}

/**
 * Layers of a request, for the byLayer view: the nearest npm package or Stoa frame (as in
 * byCaller) decides, except that native writes are one row of their own — the bare server makes
 * the same socket writes, and a sampling profiler on a busy machine inflates them (a thread
 * preempted in a syscall is sampled there), so they would otherwise blur whichever package
 * wrapped `res.end` (compression, in Stoa). First match wins.
 */
const LAYERS = [
  [
    'writes (syscalls: responses, queries, Redis, logs)',
    { fn: /^(writev|write\w*String|writeBuffer)$/ },
  ],
  ['garbage collector', { owner: /^\(garbage collector\)$/ }],
  ['Node event loop, microtasks', { owner: /^\((Node event loop|program|root)\)$/ }],
  [
    'auth + rate limit (JWT, token denylist and throttler in Redis)',
    {
      owner:
        /^(@nestjs\/throttler|@nestjs\/jwt|jsonwebtoken|jws|jwa|ioredis|redis-parser|redis-errors|denque|cluster-key-slot|standard-as-callback)$|^stoa:core\/(redis|auth)/,
    },
  ],
  [
    'request logs (pino, pino-http)',
    {
      owner:
        /^(pino|pino-http|pino-std-serializers|sonic-boom|@pinojs\/redact|nestjs-pino|thread-stream|quick-format-unescaped|atomic-sleep|safe-stable-stringify|fast-redact)$/,
    },
  ],
  [
    'metrics (prom-client)',
    { owner: /^(prom-client|tdigest|bintrees)$|^stoa:core\/observability/ },
  ],
  [
    'security + HTTP middleware (helmet, CORS, compression, cookies)',
    {
      owner:
        /^(helmet|cors|compression|compressible|on-headers|cookie-parser|cookie|csrf-csrf|express-session|vary|negotiator|accepts|bytes)$|^stoa:core\/(security|http)/,
    },
  ],
  [
    'Nest (router, guards, pipes, validation)',
    {
      owner:
        /^(@nestjs\/.*|rxjs|class-validator|class-transformer|reflect-metadata|validator|libphonenumber-js|tslib)$/,
    },
  ],
  ['TypeORM', { owner: /^typeorm$/ }],
  [
    'pg driver',
    {
      owner:
        /^(pg|pg-protocol|pg-pool|pg-types|postgres-array|postgres-date|postgres-interval|postgres-bytea|pg-connection-string|split2)$/,
    },
  ],
  [
    'Express + Node HTTP',
    {
      owner:
        /^(express|router|finalhandler|send|etag|fresh|parseurl|content-type|on-finished|statuses|type-is|mime-types|depd|encodeurl|escape-html|qs|body-parser|raw-body|iconv-lite|http-errors|proxy-addr|forwarded|range-parser|serve-static|ee-first|debug|ms|path-to-regexp|@nestjs\/platform-express)$/,
    },
  ],
  ['application code (Stoa modules, bare handlers)', { owner: /^(stoa:|bench:)/ }],
  ['other', { owner: /./ }],
];
function layerOf(owner, functionName) {
  for (const [name, { fn, owner: o }] of LAYERS) {
    if (fn ? fn.test(functionName) : o.test(owner)) return name;
  }
  return 'other';
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
 *   middleware's inclusive time contains the whole rest of the stack;
 * - byLayer: byCaller grouped into the layers of a request (LAYERS), every row, to set Stoa's
 *   profile beside the bare server's.
 */
export function aggregateProfile(profile, fromUs, toUs) {
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
  const byLayer = new Map();
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
    add(byLayer, layerOf(ownerOf(id), functionName), us);
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
    byLayer: top(byLayer, LAYERS.length),
  };
}

/**
 * Starts a server once more under `--cpu-prof` (the measured servers should be stopped: the
 * profiled run should have the machine to itself), warms it up, loads `endpoint` for
 * `opts.profileDuration` s, stops it so V8 writes the profile, and aggregates the load window.
 * `start(name, nodeArgs)` starts the server: `startStoa` or `startBare` of the stack, or
 * another baseline (bench/shop.mjs has its own). `endpoint.prepare`: as in measure.mjs.
 */
export async function profileServer({ stack, start, endpoint, opts, tag }) {
  await mkdir(PROFILE_DIR, { recursive: true });
  const file = `${tag}-${stack.runId}.cpuprofile`;
  const server = await start(`${tag}-profiled`, [
    '--cpu-prof',
    `--cpu-prof-dir=${PROFILE_DIR}`,
    `--cpu-prof-name=${file}`,
  ]);
  await endpoint.prepare?.(opts.warmup + opts.profileDuration);
  await load(server.url, endpoint, opts.warmup, opts.connections);
  const from = process.hrtime.bigint() / 1000n;
  const r = await load(server.url, endpoint, opts.profileDuration, opts.connections);
  const to = process.hrtime.bigint() / 1000n;
  // V8 writes the profile when the process exits normally — both servers exit on SIGTERM.
  await stopServer(server);
  const path = join(PROFILE_DIR, file);
  if (!existsSync(path)) throw new Error(`no profile at ${path} (did the server exit cleanly?)`);
  const profile = JSON.parse(await readFile(path, 'utf8'));
  const aggregate = aggregateProfile(profile, Number(from), Number(to));
  const perRequest = (ms) => (r.requests.total ? round(ms / r.requests.total, 3) : null);
  for (const row of aggregate.byLayer) row.msPerRequest = perRequest(row.ms);
  return {
    file: path,
    endpoint: endpoint.path,
    rpsUnderProfiler: round(r.requests.average),
    requests: r.requests.total,
    // Main-thread CPU per request under the profiler (which adds its own overhead).
    busyMsPerRequest: perRequest(aggregate.busyMs),
    ...aggregate,
  };
}

/** Stoa under the profiler (see profileServer). */
export function profileStoa(stack, endpoint, opts, tag = 'stoa') {
  const start = (name, nodeArgs) => startStoa(stack, { name, nodeArgs });
  return profileServer({ stack, start, endpoint, opts, tag });
}

/**
 * The bare baseline under the profiler: what any server has to do for the same response, the
 * floor to read Stoa's profile against. `readyPath` must answer 200 without headers.
 */
export function profileBare(stack, endpoint, opts, { tag = 'bare', readyPath }) {
  const start = (name, nodeArgs) => startBare(stack, readyPath, { name, nodeArgs });
  return profileServer({ stack, start, endpoint, opts, tag });
}

export function profileTables(p) {
  const table = (title, rows) =>
    [`| ${title} | self ms | % of busy |`, '| --- | ---: | ---: |']
      .concat(rows.map((r) => `| ${r.name.replaceAll('|', '\\|')} | ${r.ms} | ${r.pct} |`))
      .join('\n');
  return [
    `Profiled ${p.endpoint} for ${p.windowMs} ms at ${p.rpsUnderProfiler} req/s: ` +
      `main thread busy ${p.busyMs} ms (${p.busyMsPerRequest} ms per request), ` +
      `idle ${p.idleMs} ms.`,
    table('Package', p.byPackage),
    table('Function', p.byFunction),
    table('Charged to caller', p.byCaller),
    table('Layer', p.byLayer),
  ].join('\n\n');
}
