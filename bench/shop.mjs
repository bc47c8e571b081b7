// The shop's two hot paths against a bare server: the storefront list
// (`GET /api/v1/shop/products?limit=20`, keyset, newest first) and checkout
// (`POST /api/v1/shop/carts/:id/checkout`, a guest cart of one line), on a seeded catalog of
// 100k variants. Stoa in production config against bench/shop-baseline-server.mjs — Express 5,
// pg and hand-written SQL doing the same transaction — interleaved in one run, reported as
// ratios, with the database round trips of a checkout counted on both.
//
//   npm run bench:shop                          # builds, then runs with the defaults below
//   node bench/shop.mjs --rounds 5 --skip-profile
//
// Needs PostgreSQL and Redis (DATABASE_URL / REDIS_URL, or the local defaults), and a built
// dist/. Creates a throwaway database and Redis key prefix and removes both on exit, Ctrl-C
// included. See bench/README.md for the method and the latest figures.

import { randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import pg from 'pg';
import { PRODUCT_LIST_SQL } from './lib/bare-shop-queries.mjs';
import {
  COMMON_USAGE,
  ROOT,
  autocannonVersion,
  loadAverage,
  log,
  machineInfo,
  onCleanup,
  parseFlags,
  prepareStack,
  round,
  runMain,
  startServer,
  startStoa,
  stopServer,
  writeJson,
} from './lib/harness.mjs';
import {
  assertSameResponses,
  markdownTable,
  measureInterleaved,
  timeStatements,
} from './lib/measure.mjs';
import { profileServer, profileStoa, profileTables } from './lib/profile.mjs';
import { createCarts, seedShop } from './lib/shop-seed.mjs';

const SHOP_BASELINE = join(ROOT, 'bench/shop-baseline-server.mjs');
const COUNTER = join(ROOT, 'bench/lib/count-queries.mjs');

const USAGE = `Usage: node bench/shop.mjs [options]
${COMMON_USAGE}  --variants N           seeded variants, 4 per product (default 100000)
  --history N            seeded past orders, and as many abandoned carts (default 20000)
  --limit N              page size of the product list (default 20)
  --count-requests N     checkouts and list requests of the round-trip counting run (default 200)
  --sql-runs N           sequential runs of each list statement for the SQL timing (default 200)
  --profile-endpoint E   list | checkout | both: the endpoints profiled (default both)
`;

const { flags, opts, positive, oneOf } = parseFlags(USAGE, {
  variants: { type: 'string', default: '100000' },
  history: { type: 'string', default: '20000' },
  limit: { type: 'string', default: '20' },
  'count-requests': { type: 'string', default: '200' },
  'sql-runs': { type: 'string', default: '200' },
  'profile-endpoint': { type: 'string', default: 'both' },
});
const variants = positive('variants');
const history = positive('history');
const limit = positive('limit');
const countRequests = positive('count-requests');
const sqlRuns = positive('sql-runs');
oneOf('profile-endpoint', ['list', 'checkout', 'both']);

/** The pricing and hold both servers run with (Stoa's defaults, made explicit). */
const SHOP_ENV = {
  SHOP_CURRENCY: 'EUR',
  SHOP_TAX_RATE_BP: '2000',
  SHOP_SHIPPING_RATES: '1000:490,5000:990,30000:1990',
  SHOP_RESERVATION_SECONDS: '900',
};

/** What every measured checkout sends: a guest's email and address. */
const CHECKOUT_BODY = {
  email: 'bench@example.com',
  shippingAddress: {
    name: 'Ada Lovelace',
    line1: '12 Analytical St',
    city: 'London',
    postalCode: 'N1 9GU',
    country: 'GB',
  },
};

// ---------------------------------------------------------------------------------------------
// Carts: each checkout consumes one, so they are made ahead, outside every measured window.

/** The tables a checkout reads or writes. */
const CHECKOUT_TABLES = [
  'shop_carts',
  'shop_cart_items',
  'shop_variants',
  'shop_orders',
  'shop_order_lines',
  'shop_order_events',
  'shop_stock_movements',
  'outbox',
];

/**
 * A queue of open guest carts (one line each). `ensure(seconds)` tops it up, before a round, to
 * what `seconds` of load will take at the fastest rate seen in earlier rounds (× 1.5; 3000/s
 * before the first); `topUp(n)` to `n` carts; `next()` hands out one id. Should it run dry, it
 * hands out unknown ids: the 404s mark the run unclean.
 *
 * Before every round the checkout's tables are ANALYZEd, as autovacuum keeps a live shop's
 * statistics: these tables start empty and grow by tens of thousands of rows per round, and a
 * plan made while one was nearly empty — such as the cached plan of a foreign-key check — would
 * keep scanning it whole (that made 60k carts take two minutes to insert). ANALYZE also
 * invalidates those cached plans in every session.
 */
function cartQueue(client) {
  const ids = [];
  let next = 0;
  let salt = 0;
  let fastest = 0;
  let lastRound;
  const topUp = async (want) => {
    const missing = want - (ids.length - next);
    if (missing <= 0) return;
    const t0 = performance.now();
    ids.push(...(await createCarts(client, missing, ++salt)));
    await client.query('ANALYZE shop_carts, shop_cart_items');
    log(`  ${missing} carts created in ${Math.round(performance.now() - t0)} ms`);
  };
  return {
    topUp,
    async ensure(seconds) {
      // Carts taken since the last round began ÷ that round's seconds: its rate (a floor, as
      // the round may have ended early; the margin covers it).
      if (lastRound) fastest = Math.max(fastest, (next - lastRound.next) / lastRound.seconds);
      lastRound = { next, seconds };
      await topUp(Math.ceil(seconds * (fastest || 3000) * 1.5) + opts.connections);
      await client.query(`ANALYZE ${CHECKOUT_TABLES.join(', ')}`);
    },
    next: () => ids[next++] ?? randomUUID(),
    used: () => next,
  };
}

/** The checkout as an autocannon endpoint: each request takes the next cart of the queue. */
function checkoutEndpoint(carts) {
  return {
    name: 'POST /api/v1/shop/carts/:id/checkout',
    path: '/api/v1/shop/carts/:id/checkout',
    prepare: (seconds) => carts.ensure(seconds),
    autocannon: {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(CHECKOUT_BODY),
      requests: [
        {
          setupRequest: (req) => ({
            ...req,
            path: `/api/v1/shop/carts/${carts.next()}/checkout`,
          }),
        },
      ],
    },
  };
}

const postCheckout = (server, cartId) =>
  fetch(`${server.url}/api/v1/shop/carts/${cartId}/checkout`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(CHECKOUT_BODY),
  });

/**
 * Both servers check out a cart with the same content (two carts on one variant, 2 units):
 * same status, and the same bytes once what must differ — the order number, the timestamps —
 * is replaced by placeholders. The hold must end `SHOP_RESERVATION_SECONDS` after creation.
 */
async function assertSameCheckout(stoa, bare, client) {
  const { rows } = await client.query(
    `WITH v AS (
       SELECT v.id FROM shop_variants v JOIN shop_products p ON p.id = v.product_id
       WHERE v.on_hand >= 1000000 AND p.status = 'active' ORDER BY v.sku LIMIT 1
     ), carts AS (
       INSERT INTO shop_carts (id) SELECT gen_random_uuid() FROM generate_series(1, 2) RETURNING id
     ), items AS (
       INSERT INTO shop_cart_items (cart_id, variant_id, quantity)
       SELECT carts.id, v.id, 2 FROM carts, v
     )
     SELECT id FROM carts`,
  );
  const answers = [];
  for (const [server, { id }] of [
    [stoa, rows[0]],
    [bare, rows[1]],
  ]) {
    const res = await postCheckout(server, id);
    const body = await res.text();
    if (res.status !== 201) throw new Error(`${server.name} checkout: ${res.status} ${body}`);
    const { order } = JSON.parse(body);
    const holdS = (Date.parse(order.reservedUntil) - Date.parse(order.createdAt)) / 1000;
    if (Math.abs(holdS - Number(SHOP_ENV.SHOP_RESERVATION_SECONDS)) > 5) {
      throw new Error(`${server.name}: the hold ends ${holdS} s after the order`);
    }
    if (!/^SO-[0-9A-HJKMNP-TV-Z]{12}$/.test(order.number)) {
      throw new Error(`${server.name}: order number ${order.number}`);
    }
    answers.push(
      body
        .replace(order.number, '<number>')
        .replaceAll(/"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"/g, '"<timestamp>"'),
    );
  }
  if (answers[0] !== answers[1]) {
    const same = isDeepStrictEqual(JSON.parse(answers[0]), JSON.parse(answers[1]));
    throw new Error(
      `checkout: servers disagree${same ? ' (same JSON, different bytes)' : ''}\n` +
        `stoa ${answers[0]}\nbare ${answers[1]}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Servers

function startShopBare(stack, { name = 'bare', nodeArgs = [], env = {} } = {}) {
  return startServer({
    name,
    nodeArgs: [...nodeArgs, SHOP_BASELINE],
    env: { ...stack.bareEnv, ...SHOP_ENV, ...env },
    readyPath: '/ready',
    logDir: stack.logDir,
  });
}

/**
 * Round trips per request: both servers once more with bench/lib/count-queries.mjs preloaded,
 * `countRequests` checkouts one after the other (no concurrency: nothing else runs), then as
 * many list requests; the counts are read from each process. Counted servers are never the
 * measured ones.
 */
async function countRoundTrips(stack, carts, listPath) {
  const out = {};
  for (const side of ['stoa', 'bare']) {
    const countFile = join(stack.workDir, `${side}-counts.json`);
    const env = { BENCH_COUNT_FILE: countFile };
    const nodeArgs = ['--import', COUNTER];
    const server =
      side === 'stoa'
        ? await startServer({
            name: 'stoa-counted',
            nodeArgs: [...nodeArgs, stack.app.main],
            cwd: stack.app.root,
            env: { ...stack.stoaEnv, ...env },
            readyPath: '/api/health/ready',
            logDir: stack.logDir,
          })
        : await startShopBare(stack, { name: 'bare-counted', nodeArgs, env });
    let seq = 0;
    const snapshot = async () => {
      seq += 1;
      await rm(countFile, { force: true });
      server.child.kill('SIGUSR2');
      for (let i = 0; i < 100; i++) {
        const text = await readFile(countFile, 'utf8').catch(() => '');
        if (text) {
          const counts = JSON.parse(text);
          if (counts.seq === seq) return counts;
        }
        await sleep(50);
      }
      throw new Error(`${server.name} wrote no counts`);
    };
    const perRequest = (counts, n) => {
      const per = (map) =>
        Object.fromEntries(Object.entries(map).map(([k, v]) => [k, round(v / n, 2)]));
      const total = (map) => round(Object.values(map).reduce((a, b) => a + b, 0) / n, 2);
      return {
        pgRoundTrips: total(counts.pg),
        pgStatements: per(counts.pg),
        redisCommands: total(counts.redis),
        redisByCommand: per(counts.redis),
      };
    };
    // Warm-up: the first requests open pool connections and load code.
    await carts.topUp(countRequests + 10);
    for (let i = 0; i < 10; i++) await (await postCheckout(server, carts.next())).arrayBuffer();
    await snapshot();
    for (let i = 0; i < countRequests; i++) {
      const res = await postCheckout(server, carts.next());
      await res.arrayBuffer();
      if (res.status !== 201) throw new Error(`${server.name} checkout: ${res.status}`);
    }
    const checkout = perRequest(await snapshot(), countRequests);
    for (let i = 0; i < countRequests; i++) {
      await (await fetch(server.url + listPath)).arrayBuffer();
    }
    const list = perRequest(await snapshot(), countRequests);
    await stopServer(server);
    out[side] = { checkout, list };
    log(
      `${side}: ${checkout.pgRoundTrips} PostgreSQL round trips and ${checkout.redisCommands} ` +
        `Redis commands per checkout (${JSON.stringify(checkout.pgStatements)}); ` +
        `${list.pgRoundTrips} + ${list.redisCommands} per list request`,
    );
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// SQL alone: the list statements, one after the other on one connection

/**
 * The statement Stoa runs for the storefront's first page, taken from the built
 * CatalogRepository with a stand-in data source that records it instead of sending it.
 */
async function stoaListStatement(stack) {
  const require = createRequire(stack.app.main);
  const { CatalogRepository } = require('./modules/shop/catalog.repository.js');
  let captured;
  const recorder = {
    manager: {
      query: (sql, params) => {
        captured = { sql, params };
        return Promise.resolve([{ products: [] }]);
      },
    },
  };
  // What CatalogService.list passes for `?limit=n` (toCriteria's defaults: newest, no filters).
  await new CatalogRepository(recorder).findPage({
    status: 'active',
    options: {},
    sort: 'newest',
    limit,
    withTotal: false,
    withFacets: false,
  });
  return captured;
}

// ---------------------------------------------------------------------------------------------
// The run

async function main() {
  const stack = await prepareStack(flags);
  Object.assign(stack.stoaEnv, SHOP_ENV);

  const client = new pg.Client({ connectionString: stack.dbUrl });
  await client.connect();
  onCleanup('close seed connection', () => client.end());
  log(`seeding ${variants} variants and ${history} past orders`);
  const seeded = await seedShop(client, { variants, history });
  const carts = cartQueue(client);

  const listPath = `/api/v1/shop/products?limit=${limit}`;
  const roundTrips = await countRoundTrips(stack, carts, listPath);

  const stoa = await startStoa(stack);
  log(`Stoa up on ${stoa.url}; logs in ${stoa.logPath}`);
  const bare = await startShopBare(stack);
  log(`bare baseline up on ${bare.url}`);

  const list = { name: `GET ${listPath}`, path: listPath };
  const checkout = checkoutEndpoint(carts);
  await assertSameResponses(stoa, bare, [list]);
  await assertSameCheckout(stoa, bare, client);
  log('both servers answer the same bytes (checkout: up to the order number and timestamps)');

  const bareList = { sql: PRODUCT_LIST_SQL, params: [limit + 1] };
  const stoaList = await stoaListStatement(stack);
  const { list: sqlMs } = await timeStatements(client, [['list', stoaList, bareList]], sqlRuns);

  const started = new Date();
  const loadavg = loadAverage();
  log(
    `${opts.rounds} rounds × ${opts.duration} s (+${opts.warmup} s warm-up), ` +
      `${opts.connections} connections: about ` +
      `${Math.ceil((2 * 2 * opts.rounds * (opts.warmup + opts.duration)) / 60)} min`,
  );
  const { results, clean } = await measureInterleaved({
    stoa,
    bare,
    endpoints: [list, checkout],
    opts,
    dbPids: stack.dbPids,
  });
  process.stdout.write(`\n${markdownTable(results)}\n\n`);
  const p99Ratio = (e) => round(e.stoa.p99 / e.bare.p99, 2);

  const report = {
    benchmark: 'shop',
    date: started.toISOString(),
    git: stack.git,
    machine: machineInfo(stack, loadavg),
    data: {
      variants,
      history,
      seeded,
      limit,
      checkout: 'guest cart, one line of 1 unit, no coupon',
    },
    method: {
      rounds: opts.rounds,
      durationS: opts.duration,
      warmupS: opts.warmup,
      connections: opts.connections,
      order: 'interleaved per endpoint: stoa, bare, stoa, bare, ...',
      loadGenerator: `autocannon ${autocannonVersion()}, in-process`,
      latency: 'p50/p99 are means of the per-round percentiles',
      cpu: 'CPU ms per request from /proc: the server process; db = the bench database backends',
      checkout:
        'each request checks out a fresh cart (made between rounds); no Idempotency-Key; ' +
        'Stoa also enqueues the hold-expiry job and drops cached product pages (Redis) after commit',
      roundTrips: `${countRequests} sequential requests per endpoint on servers preloaded with bench/lib/count-queries.mjs`,
      sql: `client-side ms per list statement, ${sqlRuns} sequential runs on one connection`,
    },
    clean,
    roundTrips,
    sqlMs: { list: sqlMs },
    endpoints: results.map((e) => ({ ...e, p99Ratio: p99Ratio(e) })),
    cartsUsed: carts.used(),
  };
  const outFile = join(flags.out, `shop-${started.toISOString().slice(0, 10)}.json`);
  await writeJson(outFile, report);
  log(`results: ${relative(process.cwd(), outFile)}`);

  if (!flags['skip-profile']) {
    // The measured servers stop first: the profiled runs should have the machine to themselves.
    await stopServer(stoa);
    await stopServer(bare);
    const which = flags['profile-endpoint'];
    report.profiles = [];
    for (const [tag, endpoint] of [
      ['list', list],
      ['checkout', checkout],
    ]) {
      if (which !== 'both' && which !== tag) continue;
      for (const side of ['stoa', 'bare']) {
        log(`profiling ${side} on ${endpoint.name} for ${opts.profileDuration} s`);
        const p =
          side === 'stoa'
            ? await profileStoa(stack, endpoint, opts, `stoa-shop-${tag}`)
            : await profileServer({
                stack,
                start: (name, nodeArgs) => startShopBare(stack, { name, nodeArgs }),
                endpoint,
                opts,
                tag: `bare-shop-${tag}`,
              });
        report.profiles.push({ server: side, ...p });
        process.stdout.write(`${side}: ${profileTables(p)}\n\n`);
        log(`profile: ${p.file} (open in Chrome DevTools › Performance; not committed)`);
      }
    }
    report.cartsUsed = carts.used();
    await writeJson(outFile, report);
  }
  if (flags['keep-logs']) log(`logs kept in ${stack.logDir}`);
  if (!clean) {
    log('some rounds had non-2xx responses or errors: the figures are not trustworthy');
    process.exitCode = 1;
  }
}

await runMain(main);
