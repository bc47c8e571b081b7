// The shop's reliability claims, tested with real processes: guest checkouts driven through the
// API with Idempotency-Keys and client retries while the API is `kill -9`ed and restarted, and
// receipt mails sent while the worker is `kill -9`ed and restarted. Afterwards the database is
// checked: no lost or duplicate orders, no double charges, stock that adds up, and — counted at
// a local SMTP sink, not taken from the database — one receipt per paid order.
//
//   npm run bench:shop-reliability               # builds, then 1000 checkouts, 3 + 3 kills
//   node bench/shop-reliability.mjs --checkouts 200 --api-kills 1 --worker-kills 1
//   node bench/shop-reliability.mjs --kill-in-smtp-window   # aim the worker kills at the
//                                                           # documented double-send window
//
// Needs PostgreSQL and Redis (DATABASE_URL / REDIS_URL, or the local defaults) and a built
// dist/. Creates a throwaway database and Redis key prefix and removes both, and every process
// it started, on exit — Ctrl-C and failures included. See bench/README.md for the method and the
// latest figures. Exit code 1 when any check fails.

import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import pg from 'pg';
import {
  freePort,
  loadAverage,
  log,
  machineInfo,
  onCleanup,
  parseFlags,
  prepareStack,
  round,
  runMain,
  startServer,
  writeJson,
} from './lib/harness.mjs';
import { startSmtpSink } from './lib/smtp-sink.mjs';

const USAGE = `Usage: node bench/shop-reliability.mjs [options]
  --checkouts N          logical guest checkouts (default 1000)
  --concurrency N        checkouts in flight at once (default 16)
  --stock N              units on hand of the one variant sold (default 1200)
  --api-kills N          kill -9 of the API, evenly spread over the checkouts started
                         (default 3: at 25 %, 50 %, 75 %)
  --worker-kills N       kill -9 of the worker while receipts are queued, evenly spread over
                         the receipts received by the sink (default 3)
  --kill-in-smtp-window  kill the worker the moment the sink has a receipt's DATA, before it
                         answers 250 (the window the code documents as "may send twice")
  --lock-timeout-ms MS   IDEMPOTENCY_LOCK_TIMEOUT_MS for the run (default 3000; Stoa's is 30000)
  --smtp-delay-ms MS     the sink's banner delay per connection, i.e. per mail (default 40)
  --api-down-ms MS       keep the API down this long before restarting it (a slow restart:
                         a deploy, a crash loop; default 0)
  --drain-timeout S      how long to wait for payments and receipts after the last checkout
                         (default 600)
  --database-url URL     server to create the bench database on (default $DATABASE_URL or
                         postgres://postgres@127.0.0.1:5432/postgres)
  --redis-url URL        (default $REDIS_URL or redis://127.0.0.1:6379)
  --out DIR              where the JSON goes (default bench/results)
  --keep-logs            keep the servers' logs and the per-checkout records (printed at the end)
`;

const { flags, positive, fail } = parseFlags(USAGE, {
  checkouts: { type: 'string', default: '1000' },
  concurrency: { type: 'string', default: '16' },
  stock: { type: 'string', default: '1200' },
  'api-kills': { type: 'string', default: '3' },
  'worker-kills': { type: 'string', default: '3' },
  'kill-in-smtp-window': { type: 'boolean', default: false },
  'lock-timeout-ms': { type: 'string', default: '3000' },
  'smtp-delay-ms': { type: 'string', default: '40' },
  'drain-timeout': { type: 'string', default: '600' },
  'api-down-ms': { type: 'string', default: '0' },
});
const count = (name) => {
  const n = Number(flags[name]);
  if (!Number.isInteger(n) || n < 0) fail(`--${name} must be a non-negative integer`);
  return n;
};
const CHECKOUTS = positive('checkouts');
const CONCURRENCY = positive('concurrency');
const STOCK = positive('stock');
const API_KILLS = count('api-kills');
const WORKER_KILLS = count('worker-kills');
const LOCK_TIMEOUT_MS = positive('lock-timeout-ms');
const SMTP_DELAY_MS = count('smtp-delay-ms');
const DRAIN_TIMEOUT_MS = positive('drain-timeout') * 1000;
const API_DOWN_MS = count('api-down-ms');
if (STOCK < CHECKOUTS)
  fail('--stock must cover --checkouts (one unit each): this is no sell-out test');
if (LOCK_TIMEOUT_MS < 1000) fail('--lock-timeout-ms: Stoa accepts 1000 at least');

const PRICE_MINOR = 1500;
const PAID_STATUSES = ['paid', 'fulfilled', 'delivered', 'partially_refunded', 'refunded'];
/** A step that has not succeeded after this long is given up (the run then fails). */
const STEP_DEADLINE_MS = 5 * 60_000;
const address = {
  name: 'Bench Customer',
  line1: '1 Load Street',
  city: 'Berlin',
  postalCode: '10115',
  country: 'DE',
};

const elapsed = (t0) => round((performance.now() - t0) / 1000, 1);

/** Set when a killed process could not be restarted: every client loop stops on it. */
let fatal;

// ---------------------------------------------------------------------------------------------
// Processes: the API and the worker, each killable and restartable on the same port

/**
 * The API and the worker from the stack's dist/ snapshot. `kill(role)` sends SIGKILL, waits for
 * the exit and starts a new process on the same port (the API's port is in the fake provider's
 * webhook URL), ready when its /health/ready answers; kills of one role never overlap.
 */
function processes(stack, env, ports, epoch) {
  const script = { api: 'dist/src/main.js', worker: 'dist/src/worker.js' };
  const ready = { api: '/api/health/ready', worker: '/health/ready' };
  const current = {};
  const chain = { api: Promise.resolve(), worker: Promise.resolve() };
  const kills = [];
  let incarnation = { api: 0, worker: 0 };

  const start = async (role) => {
    incarnation = { ...incarnation, [role]: incarnation[role] + 1 };
    current[role] = await startServer({
      name: role,
      nodeArgs: [join(stack.app.root, script[role])],
      cwd: stack.app.root,
      env,
      readyPath: ready[role],
      logDir: stack.logDir,
      port: ports[role],
    });
  };

  /**
   * Returns `{ dead, restarted }`: the victim has exited / its replacement is ready. Never
   * rejects: a replacement that fails to start is the run's `fatal` error, which stops the client.
   */
  const kill = (role, context) => {
    let died;
    const dead = new Promise((resolve) => (died = resolve));
    const restarted = chain[role]
      .then(async () => {
        const victim = current[role];
        const t0 = performance.now();
        const killedAt = round((Date.now() - epoch) / 1000, 3);
        victim.child.kill('SIGKILL');
        const signal = await victim.exited;
        died();
        const exitedAt = performance.now();
        if (role === 'api' && API_DOWN_MS) await sleep(API_DOWN_MS);
        await start(role);
        const entry = {
          role,
          signal,
          killedAt,
          downMs: Math.round(performance.now() - t0),
          restartMs: Math.round(performance.now() - exitedAt),
          ...context,
        };
        kills.push(entry);
        log(`kill -9 ${role} (${JSON.stringify(context)}): back after ${entry.downMs} ms`);
      })
      .catch((error) => {
        died();
        fatal ??= error;
        log(`restarting ${role} failed: ${error.message}`);
      });
    chain[role] = restarted;
    return { dead, restarted };
  };

  return {
    start,
    kill,
    kills,
    apiUrl: `http://127.0.0.1:${ports.api}`,
    /** Settles once every kill asked for so far has its replacement running. */
    settled: () =>
      Promise.all([chain.api, chain.worker]).then(() => {
        if (fatal) throw fatal;
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// The client: logical checkouts, each step retried with the same key until it is answered

const stats = {
  requests: 0,
  retries: { network: 0, status5xx: 0, inFlight409: 0, throttled429: 0 },
  networkErrors: {},
  /** Answers replayed from the stored response (`Idempotent-Replayed: true`). */
  replayed: { checkout: 0, pay: 0 },
  /** Answered by a run after earlier tries got no answer (the handler ran again, or first). */
  answeredAfterRetry: { checkout: 0, pay: 0 },
};

function backoff(attempt) {
  const base = Math.min(1000, 50 * 2 ** Math.min(attempt, 5));
  return base / 2 + Math.random() * (base / 2);
}

/**
 * One request, retried until it gets an answer that is not "try again": network errors (the API
 * is down or was killed mid-request), timeouts, 5xx, 429, and 409 IDEMPOTENCY.IN_FLIGHT (after
 * its Retry-After). The body and the Idempotency-Key stay the same on every attempt.
 */
async function call(baseUrl, method, path, { body, key } = {}) {
  const deadline = Date.now() + STEP_DEADLINE_MS;
  const headers = { accept: 'application/json' };
  if (body) headers['content-type'] = 'application/json';
  if (key) headers['idempotency-key'] = key;
  for (let attempt = 1; ; attempt++) {
    if (fatal) throw fatal;
    if (Date.now() > deadline)
      throw new Error(`${method} ${path}: no answer after ${attempt} tries`);
    stats.requests++;
    let res;
    let text;
    try {
      res = await fetch(baseUrl + path, {
        method,
        headers,
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(60_000),
      });
      text = await res.text();
    } catch (error) {
      const code = error.cause?.code ?? error.name ?? 'unknown';
      stats.retries.network++;
      stats.networkErrors[code] = (stats.networkErrors[code] ?? 0) + 1;
      await sleep(backoff(attempt));
      continue;
    }
    let json;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (res.status === 409 && json?.code === 'IDEMPOTENCY.IN_FLIGHT') {
      stats.retries.inFlight409++;
      const after = Number(res.headers.get('retry-after'));
      await sleep(Number.isFinite(after) && after > 0 ? after * 1000 : backoff(attempt));
      continue;
    }
    if (res.status >= 500 || res.status === 429) {
      stats.retries[res.status === 429 ? 'throttled429' : 'status5xx']++;
      await sleep(backoff(attempt));
      continue;
    }
    return {
      status: res.status,
      json,
      attempts: attempt,
      replayed: res.headers.get('idempotent-replayed') === 'true',
    };
  }
}

/** A refusal the client cannot retry: the logical checkout fails (and is reported). */
class Refused extends Error {
  constructor(step, answer) {
    super(`${step}: ${answer.status} ${answer.json?.code ?? ''} ${answer.json?.message ?? ''}`);
    this.step = step;
    this.status = answer.status;
    this.code = answer.json?.code;
  }
}

async function checkoutOnce(baseUrl, variantId, runId, record) {
  const expect = (step, answer, status) => {
    if (answer.status !== status) throw new Refused(step, answer);
    return answer;
  };
  const cart = expect('cart', await call(baseUrl, 'POST', '/api/v1/shop/carts'), 201);
  record.cartId = cart.json.cart.id;
  const carts = `/api/v1/shop/carts/${record.cartId}`;
  expect(
    'item',
    await call(baseUrl, 'PUT', `${carts}/items/${variantId}`, { body: { quantity: 1 } }),
    200,
  );
  const placed = expect(
    'checkout',
    await call(baseUrl, 'POST', `${carts}/checkout`, {
      body: { email: record.email, shippingAddress: address },
      key: `checkout-${runId}-${record.i}`,
    }),
    201,
  );
  if (placed.replayed) stats.replayed.checkout++;
  else if (placed.attempts > 1) stats.answeredAfterRetry.checkout++;
  record.order = placed.json.order.number;
  record.total = placed.json.order.totals.total.amount;
  record.checkoutAttempts = placed.attempts;
  record.checkoutAnsweredAt = Date.now();
  const paid = expect(
    'pay',
    await call(baseUrl, 'POST', `${carts}/order/payments`, {
      body: { paymentMethod: 'pm_card_visa' },
      key: `pay-${runId}-${record.i}`,
    }),
    201,
  );
  if (paid.replayed) stats.replayed.pay++;
  else if (paid.attempts > 1) stats.answeredAfterRetry.pay++;
  record.payment = paid.json.payment.id;
  record.payAttempts = paid.attempts;
  record.payAnsweredAt = Date.now();
}

// ---------------------------------------------------------------------------------------------
// Waiting and checking

async function waitFor(what, timeoutMs, probe, everyMs = 1000) {
  const t0 = performance.now();
  let last;
  for (;;) {
    last = await probe();
    if (last.done) return { ok: true, seconds: elapsed(t0), last };
    if (performance.now() - t0 > timeoutMs) {
      log(`${what}: still not done after ${Math.round(timeoutMs / 1000)} s`);
      return { ok: false, seconds: elapsed(t0), last };
    }
    await sleep(everyMs);
  }
}

async function orderStatusCounts(db) {
  const { rows } = await db.query(
    'SELECT status, count(*)::int AS n FROM shop_orders GROUP BY status ORDER BY status',
  );
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

/** Paid orders whose receipt row is not `sent` yet. */
async function receiptBacklog(db) {
  const { rows } = await db.query(
    `SELECT count(*)::int AS n FROM shop_orders o
     WHERE o.status = ANY($1) AND NOT EXISTS (
       SELECT 1 FROM mail_deliveries d WHERE d.key = 'order-receipt:' || o.id AND d.status = 'sent')`,
    [PAID_STATUSES],
  );
  return rows[0].n;
}

async function queueCounts(queues) {
  const out = {};
  for (const [name, queue] of Object.entries(queues)) {
    out[name] = await queue.getJobCounts(
      'active',
      'waiting',
      'delayed',
      'prioritized',
      'completed',
      'failed',
    );
  }
  return out;
}

const chunk = (flat) =>
  Array.from({ length: flat.length / 2 }, (_, i) => flat.slice(2 * i, 2 * i + 2));

/**
 * Failed jobs with their reasons, grouped, with the timing of a few (seconds since the run
 * started, to line up with the kills): the evidence when something is stuck.
 */
async function failedJobs(queues, epoch, redis, prefix) {
  const at = (ms) => (ms ? round((ms - epoch) / 1000, 1) : null);
  const out = {};
  for (const [name, queue] of Object.entries(queues)) {
    const jobs = await queue.getFailed(0, 999);
    // BullMQ's event stream (capped, ~10k entries) holds every attempt's outcome, stamped by
    // the stream id: the timeline of a job, which the job record alone does not keep.
    const events = jobs.length
      ? await redis.xrange(`${prefix}bull:${name}:events`, '-', '+').catch(() => [])
      : [];
    const timeline = (jobId) =>
      events
        .map(([id, fields]) => [id, Object.fromEntries(chunk(fields))])
        .filter(([, f]) => f.jobId === jobId)
        .map(
          ([id, f]) =>
            `${at(Number(id.split('-')[0]))} s ${f.event}${f.delay ? ` (${f.delay})` : ''}${f.failedReason ? `: ${f.failedReason}` : ''}`,
        );
    const byReason = {};
    for (const job of jobs) {
      const reason = `${job.name}: ${job.failedReason}`.slice(0, 200);
      byReason[reason] ??= { count: 0, examples: [] };
      byReason[reason].count++;
      if (byReason[reason].examples.length < 5) {
        byReason[reason].examples.push({
          id: job.id,
          attemptsMade: job.attemptsMade,
          createdAt: at(job.timestamp),
          lastStartedAt: at(job.processedOn),
          failedAt: at(job.finishedOn),
          errors: (job.stacktrace ?? []).map((s) => s.split('\n')[0].slice(0, 120)),
          timeline: timeline(job.id),
        });
      }
    }
    out[name] = byReason;
  }
  return out;
}

/** Every invariant the issue names, from the database, the client's records and the sink. */
async function verify(db, { records, variantId, sink, epoch, apiKilledAt }) {
  const { rows: orders } = await db.query(
    `SELECT o.id, o.number, o.cart_id, o.email, o.status, o.total_minor::float8 AS total,
            o.captured_minor::float8 AS captured, o.idempotency_key,
            (extract(epoch FROM o.created_at) * 1000)::float8 AS created_ms,
            (SELECT (extract(epoch FROM min(p.created_at)) * 1000)::float8 FROM shop_payments p
              WHERE p.order_id = o.id) AS paid_ms,
            (SELECT coalesce(sum(quantity), 0)::int FROM shop_order_lines l WHERE l.order_id = o.id) AS units
     FROM shop_orders o`,
  );
  const byNumber = new Map(orders.map((o) => [o.number, o]));
  const confirmed = records.filter((r) => r.order);
  const confirmedNumbers = new Set(confirmed.map((r) => r.order));
  const lost = confirmed.filter((r) => !byNumber.has(r.order)).map((r) => r.order);
  const orphans = orders.filter((o) => !confirmedNumbers.has(o.number));
  const perEmail = new Map();
  for (const o of orders) perEmail.set(o.email, (perEmail.get(o.email) ?? 0) + 1);
  const dupPerCheckout = [...perEmail].filter(([, n]) => n > 1);
  const perCart = new Map();
  for (const o of orders) perCart.set(o.cart_id, (perCart.get(o.cart_id) ?? 0) + 1);
  const dupPerCart = [...perCart].filter(([, n]) => n > 1);
  // The client saw another number than the database holds for its cart (a retry that placed a
  // second order would show here first; UNIQUE (cart_id) should make it impossible).
  const byCart = new Map(orders.map((o) => [o.cart_id, o]));
  const numberMismatch = confirmed.filter((r) => byCart.get(r.cartId)?.number !== r.order);
  const statuses = {};
  for (const o of orders) statuses[o.status] = (statuses[o.status] ?? 0) + 1;
  // The crash window itself: written before an API kill, answered to the client only after it,
  // by a retry — the response was lost with the process, and the retry had to find the order
  // (or payment) instead of making another. Approximate: an answer already in the socket
  // buffer when the process died can arrive after the kill too.
  const acrossKill = (writtenMs, answeredAt, attempts) =>
    attempts > 1 && apiKilledAt.some((k) => writtenMs < k && answeredAt > k);
  const crashWindow = { checkouts: 0, payments: 0 };
  for (const r of confirmed) {
    const o = byCart.get(r.cartId);
    if (!o) continue;
    if (acrossKill(o.created_ms, r.checkoutAnsweredAt, r.checkoutAttempts)) crashWindow.checkouts++;
    if (o.paid_ms && r.payAnsweredAt && acrossKill(o.paid_ms, r.payAnsweredAt, r.payAttempts))
      crashWindow.payments++;
  }
  const paidOrders = orders.filter((o) => PAID_STATUSES.includes(o.status));

  // Charges: succeeded payments per order, captured vs total, and every succeeded provider
  // event matched to a payment row (an unmatched one is money taken for nothing).
  const { rows: payments } = await db.query(
    `SELECT order_id, count(*)::int AS attempts,
            count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded,
            count(*) FILTER (WHERE status = 'requires_payment')::int AS pending
     FROM shop_payments GROUP BY order_id`,
  );
  const paymentsOf = new Map(payments.map((p) => [p.order_id, p]));
  const doubleCharged = payments.filter((p) => p.succeeded > 1);
  const paidWithoutCharge = paidOrders.filter((o) => (paymentsOf.get(o.id)?.succeeded ?? 0) !== 1);
  const captureMismatch = paidOrders.filter((o) => o.captured !== o.total);
  const { rows: providerCharges } = await db.query(
    `SELECT p.order_id, count(DISTINCT e.payload->'data'->>'payment')::int AS charges
     FROM shop_webhook_events e
     LEFT JOIN shop_payments p ON p.provider = e.provider
                              AND p.provider_payment_id = e.payload->'data'->>'payment'
     WHERE e.type = 'payment.succeeded'
     GROUP BY p.order_id`,
  );
  const chargesWithoutPayment = providerCharges.find((c) => c.order_id === null)?.charges ?? 0;
  const providerDoubleCharges = providerCharges.filter((c) => c.order_id && c.charges > 1);
  const { rows: events } = await db.query(
    `SELECT type, coalesce(outcome, '(unprocessed)') AS outcome, count(*)::int AS n
     FROM shop_webhook_events GROUP BY 1, 2 ORDER BY 1, 2`,
  );

  // Stock: the counters, the ledger and the orders must tell the same story.
  const {
    rows: [stock],
  } = await db.query(
    `SELECT v.on_hand, v.reserved,
            (SELECT coalesce(sum(on_hand_delta), 0)::int FROM shop_stock_movements m WHERE m.variant_id = v.id) AS ledger_on_hand,
            (SELECT coalesce(sum(reserved_delta), 0)::int FROM shop_stock_movements m WHERE m.variant_id = v.id) AS ledger_reserved,
            (SELECT coalesce(-sum(on_hand_delta), 0)::int FROM shop_stock_movements m
              WHERE m.variant_id = v.id AND m.reason = 'sale') AS ledger_sold
     FROM shop_variants v WHERE v.id = $1`,
    [variantId],
  );
  const soldUnits = paidOrders.reduce((n, o) => n + o.units, 0);
  const heldUnits = orders
    .filter((o) => o.status === 'pending_payment')
    .reduce((n, o) => n + o.units, 0);

  // Receipts: one `sent` delivery row per paid order, and one message at the sink.
  const { rows: deliveries } = await db.query(
    `SELECT key, status, attempts FROM mail_deliveries WHERE key LIKE 'order-receipt:%'`,
  );
  const deliveryOf = new Map(deliveries.map((d) => [d.key.slice('order-receipt:'.length), d]));
  const receiptRowMissing = paidOrders.filter((o) => deliveryOf.get(o.id)?.status !== 'sent');
  const sent = new Map();
  const arrivals = new Map();
  const messageIds = new Map();
  let otherMails = 0;
  for (const m of sink.messages) {
    const number = /^Your Stoa order (SO-\S+)$/.exec(m.subject)?.[1];
    if (!number) {
      otherMails++;
      continue;
    }
    sent.set(number, (sent.get(number) ?? 0) + 1);
    arrivals.set(number, [...(arrivals.get(number) ?? []), round((m.at - epoch) / 1000, 1)]);
    messageIds.set(number, new Set([...(messageIds.get(number) ?? []), m.messageId]));
  }
  const receiptsPerOrder = {};
  for (const o of paidOrders) {
    const n = sent.get(o.number) ?? 0;
    receiptsPerOrder[n] = (receiptsPerOrder[n] ?? 0) + 1;
  }
  const duplicateReceipts = paidOrders
    .filter((o) => (sent.get(o.number) ?? 0) > 1)
    .map((o) => ({
      order: o.number,
      messages: sent.get(o.number),
      atSeconds: arrivals.get(o.number),
      // Stable per receipt since the Message-ID change: mail systems show such copies once.
      distinctMessageIds: messageIds.get(o.number).size,
    }));
  const missingReceipts = paidOrders.filter((o) => !sent.has(o.number)).map((o) => o.number);
  const receiptsForUnpaid = [...sent.keys()].filter(
    (n) => !PAID_STATUSES.includes(byNumber.get(n)?.status),
  );

  const checks = {
    noLostOrders: lost.length === 0,
    noOrphanOrders: orphans.length === 0,
    noDuplicateOrdersPerCart: dupPerCart.length === 0,
    noDuplicateOrdersPerCheckout: dupPerCheckout.length === 0,
    clientSawTheStoredOrder: numberMismatch.length === 0,
    everyCheckoutConfirmed: confirmed.length === records.length,
    everyOrderPaid: paidOrders.length === orders.length,
    noDoubleCharge: doubleCharged.length === 0 && providerDoubleCharges.length === 0,
    noChargeWithoutPayment: chargesWithoutPayment === 0,
    everyPaidOrderChargedOnce: paidWithoutCharge.length === 0,
    capturedEqualsTotal: captureMismatch.length === 0,
    stockSoldEqualsPaidLines:
      STOCK - stock.on_hand === soldUnits && stock.ledger_sold === soldUnits,
    stockReservedEqualsPendingLines: stock.reserved === heldUnits,
    ledgerEqualsCounters:
      stock.ledger_on_hand === stock.on_hand && stock.ledger_reserved === stock.reserved,
    oneReceiptRowPerPaidOrder: receiptRowMissing.length === 0,
    oneReceiptMailPerPaidOrder: duplicateReceipts.length === 0 && missingReceipts.length === 0,
    noReceiptForUnpaidOrder: receiptsForUnpaid.length === 0,
  };
  const sample = (xs) => xs.slice(0, 20);
  return {
    checks,
    orders: {
      logicalCheckouts: records.length,
      confirmedByClient: confirmed.length,
      failedAtClient: records.length - confirmed.length,
      inDb: orders.length,
      byStatus: statuses,
      lost: lost.length,
      orphans: orphans.length,
      duplicatesPerCart: dupPerCart.length,
      duplicatesPerCheckout: dupPerCheckout.length,
      clientNumberMismatch: numberMismatch.length,
      writtenBeforeAKillAnsweredAfterIt: crashWindow,
    },
    charges: {
      paymentRows: payments.reduce((n, p) => n + p.attempts, 0),
      succeeded: payments.reduce((n, p) => n + p.succeeded, 0),
      stillPending: payments.reduce((n, p) => n + p.pending, 0),
      ordersWithMoreThanOneSucceeded: doubleCharged.length,
      ordersWithMoreThanOneProviderCharge: providerDoubleCharges.length,
      providerChargesWithoutPaymentRow: chargesWithoutPayment,
      paidOrdersNotChargedExactlyOnce: paidWithoutCharge.length,
      capturedNotEqualTotal: captureMismatch.length,
      webhookEvents: events,
    },
    stock: {
      initialOnHand: STOCK,
      onHand: stock.on_hand,
      reserved: stock.reserved,
      soldUnitsByCounters: STOCK - stock.on_hand,
      soldUnitsByPaidOrderLines: soldUnits,
      soldUnitsByLedger: stock.ledger_sold,
      heldUnitsByPendingOrders: heldUnits,
      ledgerOnHand: stock.ledger_on_hand,
      ledgerReserved: stock.ledger_reserved,
    },
    receipts: {
      paidOrders: paidOrders.length,
      deliveryRowsSent: deliveries.filter((d) => d.status === 'sent').length,
      deliveryRowsPending: deliveries.filter((d) => d.status !== 'sent').length,
      messagesAtSink: sink.messages.length - otherMails,
      otherMailsAtSink: otherMails,
      paidOrdersByMessagesReceived: receiptsPerOrder,
      duplicates: duplicateReceipts,
      missing: missingReceipts.length,
      forUnpaidOrders: receiptsForUnpaid.length,
    },
    evidence: {
      lost: sample(lost),
      orphans: sample(orphans.map((o) => ({ number: o.number, status: o.status, email: o.email }))),
      duplicatesPerCheckout: sample(dupPerCheckout),
      clientNumberMismatch: sample(
        numberMismatch.map((r) => ({ client: r.order, db: byCart.get(r.cartId)?.number })),
      ),
      notPaid: sample(
        orders
          .filter((o) => !PAID_STATUSES.includes(o.status))
          .map((o) => ({ number: o.number, status: o.status, payments: paymentsOf.get(o.id) })),
      ),
      doubleCharged: sample(doubleCharged),
      missingReceipts: sample(missingReceipts),
      receiptRowMissing: sample(receiptRowMissing.map((o) => o.number)),
    },
  };
}

/** How often the API logged an idempotency takeover (a claim left behind by a killed process). */
async function takeovers(logPath) {
  const text = await readFile(logPath, 'utf8').catch(() => '');
  const counts = {};
  for (const m of text.matchAll(/"msg":"(POST [^"]+?): took over a claim/g)) {
    counts[m[1]] = (counts[m[1]] ?? 0) + 1;
  }
  return counts;
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const loadavg = loadAverage();
  const started = new Date();
  const t0 = performance.now();
  const epoch = Date.now() - performance.now() + t0; // t0 on the wall clock, for BullMQ times
  const stack = await prepareStack(flags);

  const db = new pg.Client({ connectionString: stack.dbUrl });
  await db.connect();
  onCleanup('close bench db connection', () => db.end());

  // One active product, one variant with STOCK units on hand, and the ledger row that explains
  // them (what a stock adjustment through the API writes).
  const {
    rows: [{ id: variantId }],
  } = await db.query(
    `WITH p AS (
       INSERT INTO shop_products (slug, title, status, price_min, price_max)
       VALUES ('bench-mug', 'Bench mug', 'active', $1, $1) RETURNING id
     ), v AS (
       INSERT INTO shop_variants (product_id, sku, title, price_minor, weight_grams, on_hand)
       SELECT id, 'BENCH-MUG', 'Default', $1, 300, $2 FROM p RETURNING id, on_hand
     )
     INSERT INTO shop_stock_movements (variant_id, on_hand_delta, reserved_delta, reason, note)
     SELECT id, on_hand, 0, 'adjustment', 'initial count (bench)' FROM v RETURNING variant_id AS id`,
    [PRICE_MINOR, STOCK],
  );

  // The worker kills: at evenly spread counts of receipts received by the sink, each only while
  // paid orders still wait for theirs (mid-batch). Blind by default (a poll, unrelated to where
  // the worker is); --kill-in-smtp-window fires from inside the sink instead, when a receipt's
  // DATA has arrived and the worker has not read the 250 yet.
  const workerKillAt = Array.from({ length: WORKER_KILLS }, (_, k) =>
    Math.max(1, Math.floor(((k + 1) * CHECKOUTS) / (WORKER_KILLS + 1))),
  );
  let workerKillsDone = 0;
  const killJobs = [];
  let procs;
  const receiptsAtSink = () =>
    sink.messages.filter((m) => m.subject.startsWith('Your Stoa order')).length;
  const sink = await startSmtpSink({
    greetingDelayMs: SMTP_DELAY_MS,
    onMessage: flags['kill-in-smtp-window']
      ? async () => {
          if (workerKillsDone >= WORKER_KILLS || receiptsAtSink() < workerKillAt[workerKillsDone])
            return;
          const n = ++workerKillsDone;
          const { dead, restarted } = procs.kill('worker', {
            n,
            mode: 'in SMTP window',
            at: elapsed(t0),
            receiptsAtSink: receiptsAtSink(),
            backlog: await receiptBacklog(db),
          });
          killJobs.push(restarted);
          // Hold the 250 until the worker is gone: it must not commit this delivery.
          await dead;
        }
      : undefined,
  });
  onCleanup('stop smtp sink', () => sink.close());

  const ports = { api: await freePort(), worker: await freePort() };
  const env = {
    ...stack.stoaEnv,
    WORKERS_IN_API: 'false',
    WORKER_PORT: String(ports.worker),
    AUTH_THROTTLE_LIMIT: '1000000',
    SHOP_WEBHOOK_SECRET: randomBytes(32).toString('hex'),
    SHOP_FAKE_PROVIDER_WEBHOOK_URL: `http://127.0.0.1:${ports.api}/api/v1/shop/webhooks/fake`,
    IDEMPOTENCY_LOCK_TIMEOUT_MS: String(LOCK_TIMEOUT_MS),
    MAIL_URL: `smtp://127.0.0.1:${sink.port}`,
  };
  procs = processes(stack, env, ports, epoch);
  await procs.start('api');
  await procs.start('worker');
  log(`API on :${ports.api}, worker on :${ports.worker}, SMTP sink on :${sink.port}`);

  const redis = new Redis(flags['redis-url'], { maxRetriesPerRequest: null });
  onCleanup('close bench redis', () => redis.quit());
  const queues = Object.fromEntries(
    ['shop', 'mail'].map((name) => [
      name,
      new Queue(name, { connection: redis, prefix: `${stack.stoaEnv.REDIS_KEY_PREFIX}bull` }),
    ]),
  );
  onCleanup('close queues', () => Promise.all(Object.values(queues).map((q) => q.close())));

  let watching = !flags['kill-in-smtp-window'] && WORKER_KILLS > 0;
  const watcher = (async () => {
    while (watching && workerKillsDone < WORKER_KILLS) {
      await sleep(200);
      if (receiptsAtSink() < workerKillAt[workerKillsDone]) continue;
      const backlog = await receiptBacklog(db);
      if (backlog === 0) continue; // nothing queued: a kill now would not be mid-batch
      const n = ++workerKillsDone;
      const context = {
        n,
        mode: 'blind',
        at: elapsed(t0),
        receiptsAtSink: receiptsAtSink(),
        backlog,
        smtpSessionOpen: sink.openSessions() > 0,
      };
      await procs.kill('worker', context).restarted;
    }
  })().catch((error) => {
    fatal ??= error;
  });

  // The client, with the API kills at evenly spread counts of checkouts started.
  const runId = stack.runId;
  const records = Array.from({ length: CHECKOUTS }, (_, i) => ({
    i,
    email: `checkout-${i}@bench.example.com`,
    cartId: null,
    order: null,
  }));
  const apiKillAt = Array.from({ length: API_KILLS }, (_, k) =>
    Math.floor(((k + 1) * CHECKOUTS) / (API_KILLS + 1)),
  );
  let next = 0;
  const clientStart = performance.now();
  log(
    `${CHECKOUTS} checkouts at concurrency ${CONCURRENCY}; kill -9 API at ${apiKillAt.join(', ')} ` +
      `started; worker at ${workerKillAt.join(', ')} receipts${flags['kill-in-smtp-window'] ? ' (in the SMTP window)' : ''}`,
  );
  const lane = async () => {
    while (next < CHECKOUTS) {
      const record = records[next++];
      if (next % 100 === 0) log(`${next} checkouts started, ${elapsed(clientStart)} s`);
      if (apiKillAt.includes(next)) {
        const context = { n: apiKillAt.indexOf(next) + 1, at: elapsed(t0), started: next };
        killJobs.push(procs.kill('api', context).restarted);
      }
      try {
        await checkoutOnce(procs.apiUrl, variantId, runId, record);
      } catch (error) {
        record.error =
          error instanceof Refused
            ? { step: error.step, status: error.status, code: error.code }
            : { message: error.message };
        log(`checkout ${record.i} failed: ${error.message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  if (fatal) throw fatal;
  const clientSeconds = elapsed(clientStart);
  log(`client done in ${clientSeconds} s; waiting for payments`);

  // Every order paid (webhooks delivered and applied), then every receipt sent, then idle queues.
  const payments = await waitFor('payments', DRAIN_TIMEOUT_MS, async () => {
    const counts = await orderStatusCounts(db);
    return { done: !counts.pending_payment, counts };
  });
  log(`payments settled after ${payments.seconds} s: ${JSON.stringify(payments.last.counts)}`);
  const receipts = await waitFor('receipts', DRAIN_TIMEOUT_MS, async () => {
    const backlog = await receiptBacklog(db);
    if (backlog > 0) return { done: false, backlog };
    // Queued receipts of a killed worker come back only after BullMQ's stall check, and the
    // outbox may still hold shop.orderPaid messages: wait for the mail queue to be empty too.
    const { mail } = await queueCounts(queues);
    return { done: mail.active + mail.waiting + mail.delayed === 0, backlog, mail };
  });
  log(`receipts settled after ${receipts.seconds} s`);
  watching = false;
  await watcher;
  await Promise.all(killJobs);
  await procs.settled();

  const apiKilledAt = procs.kills
    .filter((k) => k.role === 'api')
    .map((k) => epoch + k.killedAt * 1000);
  const result = await verify(db, { records, variantId, sink, epoch, apiKilledAt });
  const { rows: outbox } = await db.query(
    'SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL',
  );
  const report = {
    benchmark: 'shop-reliability',
    date: started.toISOString(),
    git: stack.git,
    machine: machineInfo(stack, loadavg),
    method: {
      checkouts: CHECKOUTS,
      concurrency: CONCURRENCY,
      stock: STOCK,
      apiKillsAtStarted: apiKillAt,
      workerKillsAtReceipts: workerKillAt,
      workerKillMode: flags['kill-in-smtp-window']
        ? 'in SMTP window'
        : 'blind, while receipts are queued',
      idempotencyLockTimeoutMs: LOCK_TIMEOUT_MS,
      apiExtraDownMs: API_DOWN_MS,
      smtpDelayMs: SMTP_DELAY_MS,
      client:
        'guest: POST cart, PUT item, POST checkout (Idempotency-Key), POST pay (Idempotency-Key); ' +
        'every step retried with the same key on network errors, timeouts, 5xx, 429 and ' +
        '409 IDEMPOTENCY.IN_FLIGHT (Retry-After)',
    },
    seconds: {
      total: elapsed(t0),
      client: clientSeconds,
      paymentsDrain: payments.seconds,
      receiptsDrain: receipts.seconds,
    },
    kills: procs.kills,
    client: stats,
    idempotencyTakeovers: await takeovers(join(stack.logDir, 'api.log')),
    ...result,
    leftovers: {
      paymentsTimedOut: !payments.ok,
      receiptsTimedOut: !receipts.ok,
      outboxUnpublished: outbox[0].n,
      queues: await queueCounts(queues),
      failedJobs: await failedJobs(queues, epoch, redis, stack.stoaEnv.REDIS_KEY_PREFIX),
    },
    failedCheckouts: records.filter((r) => r.error).slice(0, 20),
  };
  const failed = Object.entries(result.checks)
    .filter(([, ok]) => !ok)
    .map(([name]) => name);
  report.clean = failed.length === 0 && payments.ok && receipts.ok;

  printSummary(report, failed);
  const outFile = join(flags.out, `shop-reliability-${started.toISOString().slice(0, 10)}.json`);
  await writeJson(outFile, report);
  log(`results: ${relative(process.cwd(), outFile)}`);
  if (flags['keep-logs']) {
    const recordsFile = join(stack.workDir, 'checkouts.json');
    await writeFile(recordsFile, JSON.stringify(records));
    log(`logs and per-checkout records kept in ${stack.workDir}`);
  }
  if (!report.clean) {
    log(`FAILED: ${failed.join(', ') || 'timed out waiting (see leftovers)'}`);
    process.exitCode = 1;
  }
}

function printSummary(r, failed) {
  const o = r.orders;
  const c = r.charges;
  const s = r.stock;
  const m = r.receipts;
  const kills = (role) => r.kills.filter((k) => k.role === role);
  const lines = [
    '',
    `Shop reliability — ${r.date} (commit ${r.git.commit}${r.git.dirty ? ', dirty tree' : ''})`,
    `  kills: API ${kills('api').length} (down ${kills('api')
      .map((k) => `${k.downMs} ms`)
      .join(', ')}), ` +
      `worker ${kills('worker').length} (backlog at kill: ${kills('worker')
        .map((k) => k.backlog)
        .join(', ')})`,
    `  client: ${o.logicalCheckouts} checkouts, ${r.client.requests} requests, retries ${JSON.stringify(r.client.retries)}, replayed ${JSON.stringify(r.client.replayed)}, answered after retry ${JSON.stringify(r.client.answeredAfterRetry)}`,
    `  idempotency takeovers: ${JSON.stringify(r.idempotencyTakeovers)}`,
    `  orders: confirmed ${o.confirmedByClient}, in DB ${o.inDb} ${JSON.stringify(o.byStatus)}, lost ${o.lost}, orphans ${o.orphans}, ` +
      `duplicate per cart ${o.duplicatesPerCart}, per checkout ${o.duplicatesPerCheckout}, failed at client ${o.failedAtClient}; ` +
      `written before a kill and answered after it ${JSON.stringify(o.writtenBeforeAKillAnsweredAfterIt)}`,
    `  charges: ${c.succeeded} succeeded of ${c.paymentRows} payment rows; double ${c.ordersWithMoreThanOneSucceeded}/${c.ordersWithMoreThanOneProviderCharge} (rows/provider), ` +
      `without payment row ${c.providerChargesWithoutPaymentRow}, captured ≠ total ${c.capturedNotEqualTotal}, still pending ${c.stillPending}`,
    `  stock: on hand ${s.initialOnHand} → ${s.onHand} (sold ${s.soldUnitsByCounters}; paid lines ${s.soldUnitsByPaidOrderLines}; ledger ${s.soldUnitsByLedger}), ` +
      `reserved ${s.reserved} (pending lines ${s.heldUnitsByPendingOrders}), ledger ${s.ledgerOnHand}/${s.ledgerReserved}`,
    `  receipts: ${m.paidOrders} paid orders, ${m.deliveryRowsSent} rows sent, ${m.messagesAtSink} mails at the sink; ` +
      `orders by mails received ${JSON.stringify(m.paidOrdersByMessagesReceived)}, missing ${m.missing}`,
    `  time: ${r.seconds.total} s (client ${r.seconds.client} s, payments drain ${r.seconds.paymentsDrain} s, receipts drain ${r.seconds.receiptsDrain} s)`,
    `  ${failed.length ? `FAILED checks: ${failed.join(', ')}` : 'all checks passed'}`,
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

await runMain(main);
