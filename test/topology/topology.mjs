// Checks that the production topology behaves as one service: two API replicas behind nginx,
// a separate worker, shared PostgreSQL and Redis. Run it inside the topology:
//
//   deploy/local-topology.sh -- node test/topology/topology.mjs
//
// Plain Node 20 (fetch, no dependencies) so it tests the deployed processes from the outside,
// the way a client and an operator see them. One line per check; stops at the first failure
// with a non-zero exit. The last check stops replica A (SIGTERM): run it last, on a topology
// you can throw away.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';

const env = process.env;
for (const name of ['STOA_URL', 'STOA_WORKER_URL', 'STOA_DATABASE_URL', 'STOA_API_A_PID']) {
  if (!env[name]) {
    process.stderr.write(`${name} is not set: run this through deploy/local-topology.sh\n`);
    process.exit(2);
  }
}
const NGINX = env.STOA_URL;
const A = env.STOA_API_A_URL ?? 'http://127.0.0.1:3101';
const B = env.STOA_API_B_URL ?? 'http://127.0.0.1:3102';
const WORKER = env.STOA_WORKER_URL;
const API_A_PID = Number(env.STOA_API_A_PID);

/** The check titles, in order; the e2e test looks for `ok - <title>` lines. */
const CHECKS = [
  'nginx spreads requests over both replicas',
  'a token issued through nginx works on replica A and on replica B',
  'logout on A revokes the access token on B at once',
  'refresh-token reuse is detected across replicas',
  'rate limits are shared between replicas',
  'the worker, not the APIs, sends the welcome mail',
  'rolling restart: no failed application request while replica A stops',
];

class CheckFailed extends Error {}
function expect(condition, message) {
  if (!condition) throw new CheckFailed(message);
}

let index = 0;
async function check(title, run) {
  index += 1;
  const started = Date.now();
  try {
    const detail = await run();
    process.stdout.write(`ok - ${title} (${detail}; ${Date.now() - started} ms)\n`);
  } catch (error) {
    const reason = error instanceof CheckFailed ? error.message : (error?.stack ?? String(error));
    process.stdout.write(`FAIL - ${title}: ${reason}\n`);
    process.exit(1);
  }
}

/** One HTTP call; the parsed JSON body (when there is one) comes back with the response. */
async function call(base, method, path, { body, auth, headers = {} } = {}) {
  const res = await fetch(base + path, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...(auth ? { Authorization: auth } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json, text };
}

const describe = (res) => `${res.status} ${res.text.slice(0, 300)}`;

/** Prometheus text → [{ name, labels, value }] (enough of the format for counters). */
function parseMetrics(text) {
  const samples = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries(
      [...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]),
    );
    samples.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return samples;
}

async function metricSum(base, name, labels) {
  const res = await call(base, 'GET', '/metrics');
  expect(res.status === 200, `GET ${base}/metrics → ${describe(res)}`);
  return parseMetrics(res.text)
    .filter((s) => s.name === name)
    .filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

const suffix = randomBytes(4).toString('hex');
const user = {
  username: `topo${suffix}`,
  email: `topo${suffix}@example.test`,
  password: `pw-${randomBytes(9).toString('base64url')}`,
};

// 1. The replicas are told apart by their own metrics (nginx hides /metrics, so scrape each
//    one directly): both must have served some of the requests sent to nginx.
await check(CHECKS[0], async () => {
  const route = { route: '/api/health/live' };
  const name = 'http_request_duration_seconds_count';
  const [a0, b0] = [await metricSum(A, name, route), await metricSum(B, name, route)];
  for (let i = 0; i < 20; i++) {
    const id = `topology-${suffix}-${i}`;
    const res = await call(NGINX, 'GET', '/api/health/live', { headers: { 'X-Request-Id': id } });
    expect(res.status === 200, `GET /api/health/live via nginx → ${describe(res)}`);
    // The id survives nginx → app → nginx: logs on every hop can be joined on it.
    expect(
      res.headers.get('x-request-id') === id,
      `X-Request-Id ${id} came back as ${res.headers.get('x-request-id')}`,
    );
  }
  const [a1, b1] = [await metricSum(A, name, route), await metricSum(B, name, route)];
  expect(a1 > a0 && b1 > b0, `served by A: ${a1 - a0}, by B: ${b1 - b0} of 20`);
  expect(a1 - a0 + (b1 - b0) === 20, `A ${a1 - a0} + B ${b1 - b0} ≠ 20 requests`);
  return `20 requests: A served ${a1 - a0}, B served ${b1 - b0}; X-Request-Id echoed`;
});

let registeredToken;
// 2. Access tokens are stateless JWTs signed with the shared secret: any replica verifies them.
await check(CHECKS[1], async () => {
  const reg = await call(NGINX, 'POST', '/api/v1/users', { body: { user } });
  expect(reg.status === 201, `register via nginx → ${describe(reg)}`);
  registeredToken = reg.json?.user?.token;
  expect(typeof registeredToken === 'string', 'no user.token in the register response');
  for (const [name, base] of [
    ['A', A],
    ['B', B],
  ]) {
    const me = await call(base, 'GET', '/api/v1/user', { auth: `Token ${registeredToken}` });
    expect(me.status === 200, `GET /api/v1/user on ${name} → ${describe(me)}`);
    expect(me.json?.user?.username === user.username, `${name} returned ${me.text}`);
  }
  return 'GET /api/v1/user → 200 on A and B';
});

// 3. Revocation is shared through the Redis denylist, so B refuses on the very next request.
await check(CHECKS[2], async () => {
  const out = await call(A, 'POST', '/api/v1/auth/logout', { auth: `Bearer ${registeredToken}` });
  expect(out.status === 204, `logout on A → ${describe(out)}`);
  const me = await call(B, 'GET', '/api/v1/user', { auth: `Token ${registeredToken}` });
  expect(
    me.status === 401 && me.json?.code === 'AUTH.SESSION_REVOKED',
    `B after logout on A → ${describe(me)}`,
  );
  return 'B → 401 AUTH.SESSION_REVOKED';
});

// 4. Rotation state lives in PostgreSQL, so B judges a token A rotated. The app answers a
//    replay of the previous token with a plain 401 (AUTH.REFRESH_TOKEN_ROTATED) for a grace
//    period after the rotation, so a client racing itself keeps its session; after that, the
//    replay means two parties hold the token: 401 AUTH.REFRESH_TOKEN_REUSED and the session is
//    revoked. Both answers must come from B for a rotation done on A.
const ROTATION_GRACE_MS = 10_000; // ROTATION_GRACE_MS in src/modules/auth/sessions.service.ts
await check(CHECKS[3], async () => {
  const login = await call(NGINX, 'POST', '/api/v1/users/login', {
    body: { user: { email: user.email, password: user.password } },
  });
  expect(login.status === 200, `login via nginx → ${describe(login)}`);
  const cookie = login.headers.getSetCookie().find((c) => c.startsWith('stoa_refresh='));
  expect(cookie, `no stoa_refresh cookie in ${JSON.stringify(login.headers.getSetCookie())}`);
  const original = decodeURIComponent(cookie.split(';')[0].slice('stoa_refresh='.length));

  const rotated = await call(A, 'POST', '/api/v1/auth/refresh', {
    body: { refreshToken: original },
  });
  const rotatedAt = Date.now();
  expect(rotated.status === 200, `refresh on A → ${describe(rotated)}`);
  const next = rotated.json?.refreshToken;
  expect(typeof next === 'string' && next !== original, 'refresh on A did not rotate the token');

  const racing = await call(B, 'POST', '/api/v1/auth/refresh', {
    body: { refreshToken: original },
  });
  expect(
    racing.status === 401 && racing.json?.code === 'AUTH.REFRESH_TOKEN_ROTATED',
    `old token on B within the grace period → ${describe(racing)}`,
  );

  // Past the grace period (plus a margin for the clock read at A's commit), without touching
  // `next`: rotating it would make `original` an unknown token instead of the previous one.
  await sleep(Math.max(0, rotatedAt + ROTATION_GRACE_MS + 1_000 - Date.now()));
  const reused = await call(B, 'POST', '/api/v1/auth/refresh', {
    body: { refreshToken: original },
  });
  expect(
    reused.status === 401 && reused.json?.code === 'AUTH.REFRESH_TOKEN_REUSED',
    `old token on B after the grace period → ${describe(reused)}`,
  );
  // Reuse revokes the whole session, so the token A handed out is dead as well.
  const after = await call(A, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: next } });
  expect(after.status === 401, `rotated token after the reuse → ${describe(after)}`);
  return (
    'refresh on A → 200; old token on B → 401 AUTH.REFRESH_TOKEN_ROTATED at once, ' +
    `401 AUTH.REFRESH_TOKEN_REUSED after ${ROTATION_GRACE_MS / 1000} s; session revoked`
  );
});

// 5. Counters live in Redis, so a client cannot double its budget by alternating replicas.
//    Every request carries the same documentation address in X-Forwarded-For: the replicas
//    trust loopback proxies (TRUST_PROXY=loopback, as behind nginx), so this is the client IP
//    for both, and a fresh one: the auth budget is one per client across every credential
//    route, so the register, login and refreshes of checks 2 and 4 (same minute) would
//    otherwise count against the limit of 10.
await check(CHECKS[4], async () => {
  const ip = `198.51.100.${1 + (randomBytes(1)[0] % 254)}`;
  const bad = { user: { email: `nobody-${suffix}@example.test`, password: 'wrong-password' } };
  const statuses = [];
  let last;
  for (const base of [A, A, A, A, A, A, B, B, B, B, B]) {
    last = await call(base, 'POST', '/api/v1/users/login', {
      body: bad,
      headers: { 'X-Forwarded-For': ip },
    });
    statuses.push(last.status);
  }
  const first10 = statuses.slice(0, 10);
  expect(
    first10.every((s) => s === 401),
    `first 10 bad logins (6 on A, 4 on B) → ${first10.join(',')} (want 401s)`,
  );
  const retryAfter = Number(last.headers.get('retry-after'));
  expect(last.status === 429, `11th (5th on B) → ${describe(last)}; want 429`);
  expect(
    last.json?.code === 'HTTP.RATE_LIMITED',
    `429 body code ${last.json?.code}, want HTTP.RATE_LIMITED`,
  );
  expect(Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 60, 'bad Retry-After');
  return `6 on A + 4 on B → 401, 11th on B → 429, Retry-After ${retryAfter}`;
});

// 6. The APIs run with WORKERS_IN_API=false: the job waits in Redis for the worker process.
//    The delay is measured in the database (users.created_at → mail_deliveries.sent_at), as
//    this check runs well after the registration (check 4 sits out a grace period).
await check(CHECKS[5], async () => {
  const MAX_DELAY_MS = 15_000;
  const deadline = Date.now() + MAX_DELAY_MS;
  let row = '';
  while (Date.now() < deadline) {
    // psql, not a driver: this script has no dependencies. The address goes in as a psql
    // variable (`:'email'` quotes it), never spliced into the SQL.
    const psql = spawnSync('psql', [env.STOA_DATABASE_URL, '-XAtq', '-v', `email=${user.email}`], {
      input:
        `SELECT d.status, round(extract(epoch FROM d.sent_at - u.created_at) * 1000) ` +
        `FROM mail_deliveries d JOIN users u ON lower(u.email) = lower(d.recipient) ` +
        `WHERE lower(d.recipient) = lower(:'email');\n`,
      encoding: 'utf8',
    });
    expect(psql.status === 0, `psql failed: ${psql.stderr || psql.error}`);
    row = psql.stdout.trim();
    if (row.startsWith('sent|')) break;
    await sleep(200);
  }
  const [status, delay] = row.split('|');
  expect(status === 'sent', `mail_deliveries row "${row}" (want status sent)`);
  expect(Number(delay) <= MAX_DELAY_MS, `sent ${delay} ms after registering (max 15 s)`);
  const labels = { queue: 'mail', name: 'welcome', outcome: 'completed' };
  const worker = await metricSum(WORKER, 'queue_jobs_processed_total', labels);
  const apis =
    (await metricSum(A, 'queue_jobs_processed_total', labels)) +
    (await metricSum(B, 'queue_jobs_processed_total', labels));
  expect(worker >= 1, `worker queue_jobs_processed_total{welcome,completed} = ${worker}`);
  expect(apis === 0, `the APIs completed ${apis} welcome jobs; they should run none`);
  return `status sent ${delay} ms after registering; worker completed ${worker}, APIs 0`;
});

// 7. A replica leaves the pool the way a deploy stops it: SIGTERM, drain (readiness 503,
//    Connection: close), refuse. nginx must move every request to B without the client
//    noticing: it retries idempotent requests on the other upstream.
//
//    Health probes included: nginx retries a refused connection on them too (but passes a
//    replica's 503 through), so they must not fail either.
await check(CHECKS[6], async () => {
  const ITERATIONS = 200;
  const KILL_AT = 20;
  const failures = { live: [], profile: [] };
  let stoppedAt;
  const aRefuses = async () => {
    try {
      await fetch(`${A}/api/health/live`, { signal: AbortSignal.timeout(1_000) });
      return false;
    } catch {
      return true;
    }
  };
  const attempt = async (kind, path, i) => {
    try {
      const res = await call(NGINX, 'GET', path);
      if (res.status === 200) return;
      failures[kind].push(`#${i} ${path} → ${res.status}`);
    } catch (error) {
      failures[kind].push(`#${i} ${path} → ${error.cause?.code ?? error.message}`);
    }
  };
  const started = Date.now();
  for (let i = 0; i < ITERATIONS; i++) {
    if (i === KILL_AT) process.kill(API_A_PID, 'SIGTERM');
    // The order flips every iteration: nginx alternates the upstreams (least_conn ties fall
    // back to round robin), so a fixed order could send one kind of request only to B.
    const pair = [
      () => attempt('live', '/api/health/live', i),
      () => attempt('profile', `/api/v1/profiles/${user.username}`, i),
    ];
    if (i % 2) pair.reverse();
    for (const send of pair) await send();
    if (i >= KILL_AT && stoppedAt === undefined && (await aRefuses())) stoppedAt = i;
    // Paced so the loop spans the drain (500 ms) and a good stretch after A is gone.
    await sleep(10);
  }
  const elapsed = Date.now() - started;
  const failed = failures.live.length + failures.profile.length;
  const figures =
    `profiles ${failures.profile.length}/${ITERATIONS} failed, health/live ` +
    `${failures.live.length}/${ITERATIONS} failed; SIGTERM at #${KILL_AT}, A refused from ` +
    `#${stoppedAt ?? 'never'}, ${elapsed} ms`;
  expect(stoppedAt !== undefined, `A still accepted connections at the end: ${figures}`);
  expect(ITERATIONS - stoppedAt >= 50, `too few requests after A stopped: ${figures}`);
  expect(failed === 0, `${figures}: ${[...failures.live, ...failures.profile].join(', ')}`);
  return figures;
});

process.stdout.write(`all ${index} checks passed\n`);
