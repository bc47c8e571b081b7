// Load and measurement: autocannon rounds, Stoa and the bare server interleaved per endpoint,
// the CPU each side (and PostgreSQL) spent per request, equal-response checks, and the table.

import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import autocannon from 'autocannon';
import { log, round } from './harness.mjs';

// null rather than Infinity/NaN when the baseline served nothing (the run is unclean anyway).
export const ratio = (a, b) => (b > 0 ? round(a / b, 3) : null);
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * autocannon in this process, not as a CLI child: on 2 cores the generator competes with the
 * server, PostgreSQL and Redis either way, and in-process costs one Node runtime fewer. It
 * loads both servers identically, so it cancels out of the ratio. `endpoint.autocannon`: more
 * autocannon options (method, body, a `requests` generator for writes).
 */
export function load(url, endpoint, seconds, connections, overallRate) {
  return autocannon({
    url: url + endpoint.path,
    headers: endpoint.headers,
    connections,
    duration: seconds,
    ...(overallRate ? { overallRate } : {}),
    ...endpoint.autocannon,
  });
}

// ---------------------------------------------------------------------------------------------
// CPU accounting from /proc: which process paid for the requests of a round

const CLOCK_TICKS_PER_S = 100; // USER_HZ; 100 on every Linux the bench runs on

/** utime + stime of each pid (all threads), in clock ticks; gone or unreadable pids are skipped. */
async function cpuTicks(pids) {
  const ticks = new Map();
  await Promise.all(
    pids.map(async (pid) => {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
      if (!stat) return;
      // Fields after the parenthesised command name (which may contain spaces): utime is the
      // 14th field overall, stime the 15th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks.set(pid, Number(fields[11]) + Number(fields[12]));
    }),
  );
  return ticks;
}

/**
 * Samples the CPU time of the server process and of the database backends around a round.
 * `dbPids` lists the backends of the bench database (pg_stat_activity); a backend that appears
 * during the round counts from zero. Parallel query workers that start and end inside the round
 * are missed — the figure is a floor for PostgreSQL.
 */
async function cpuProbe(server, dbPids) {
  const snapshot = async () => ({
    server: await cpuTicks([server.child.pid]),
    db: await cpuTicks(dbPids ? await dbPids() : []),
  });
  const before = await snapshot();
  return async () => {
    const after = await snapshot();
    const spent = (key) => {
      let t = 0;
      for (const [pid, ticks] of after[key]) t += ticks - (before[key].get(pid) ?? 0);
      return (1000 * t) / CLOCK_TICKS_PER_S;
    };
    return { serverMs: spent('server'), dbMs: spent('db') };
  };
}

// ---------------------------------------------------------------------------------------------
// Rounds

/**
 * One measured round: warm-up (JIT, pools, keep-alive sockets) and then the real thing.
 * `endpoint.prepare(seconds)`, if any, runs first, outside the measurement (e.g. to create the
 * carts that many seconds of checkouts will consume).
 */
async function measureRound(server, endpoint, opts, dbPids) {
  await endpoint.prepare?.(opts.warmup + opts.duration);
  await load(server.url, endpoint, opts.warmup, opts.connections);
  const stopProbe = await cpuProbe(server, dbPids);
  const loadGen = process.cpuUsage();
  const r = await load(server.url, endpoint, opts.duration, opts.connections);
  const cpu = await stopProbe();
  const { user, system } = process.cpuUsage(loadGen);
  const perRequest = (ms) => (r.requests.total ? round(ms / r.requests.total, 3) : null);
  return {
    rps: round(r.requests.average),
    p50: r.latency.p50,
    p99: r.latency.p99,
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    // CPU milliseconds per request: the server process, its database backends, autocannon.
    cpuMsPerRequest: {
      server: perRequest(cpu.serverMs),
      db: perRequest(cpu.dbMs),
      loadGenerator: perRequest((user + system) / 1000),
    },
  };
}

function summarize(rounds) {
  const meanOf = (pick, digits) => round(mean(rounds.map(pick)), digits);
  return {
    rps: meanOf((r) => r.rps, 0),
    p50: meanOf((r) => r.p50, 1),
    p99: meanOf((r) => r.p99, 1),
    cpuMsPerRequest: {
      server: meanOf((r) => r.cpuMsPerRequest.server ?? 0, 3),
      db: meanOf((r) => r.cpuMsPerRequest.db ?? 0, 3),
    },
    rounds,
  };
}

/**
 * Measures every endpoint on `stoa` and `bare` in turns — Stoa, bare, Stoa, bare… for
 * `opts.rounds` — so slow drifts of the shared machine hit both sides alike. Returns one
 * summary per endpoint with the ratio of mean req/s, overall and per round.
 */
export async function measureInterleaved({ stoa, bare, endpoints, opts, dbPids }) {
  const results = [];
  for (const e of endpoints) {
    const per = { stoa: [], bare: [] };
    for (let i = 1; i <= opts.rounds; i++) {
      for (const [side, s] of [
        ['stoa', stoa],
        ['bare', bare],
      ]) {
        const r = await measureRound(s, e, opts, dbPids);
        per[side].push(r);
        const cpu = r.cpuMsPerRequest;
        log(
          `${e.name} ${side} round ${i}: ${r.rps} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, ` +
            `CPU/request ${cpu.server} ms server + ${cpu.db} ms db`,
        );
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
  return { results, clean };
}

/**
 * The same offered load for both servers: `rate` requests per second in total (autocannon's
 * `overallRate`, over the same connections), interleaved for `rounds`. Below saturation both
 * serve the full rate, and the latencies show what the extra work costs each request; a server
 * that cannot keep up falls short of the rate and its p99 climbs.
 */
export async function measureAtRate({ stoa, bare, endpoint, rate, rounds, opts }) {
  const per = { stoa: [], bare: [] };
  for (let i = 1; i <= rounds; i++) {
    for (const [side, s] of [
      ['stoa', stoa],
      ['bare', bare],
    ]) {
      await load(s.url, endpoint, opts.warmup, opts.connections, rate);
      const r = await load(s.url, endpoint, opts.duration, opts.connections, rate);
      const row = {
        rps: round(r.requests.average),
        p50: r.latency.p50,
        p99: r.latency.p99,
        non2xx: r.non2xx,
        errors: r.errors + r.timeouts,
      };
      per[side].push(row);
      log(
        `${endpoint.name} at ${rate} req/s, ${side} round ${i}: served ${row.rps} req/s, ` +
          `p50 ${row.p50} ms, p99 ${row.p99} ms`,
      );
    }
  }
  const summary = (rows) => ({
    rps: round(mean(rows.map((r) => r.rps))),
    p50: round(mean(rows.map((r) => r.p50)), 1),
    p99: round(mean(rows.map((r) => r.p99)), 1),
    rounds: rows,
  });
  return { name: endpoint.name, rate, stoa: summary(per.stoa), bare: summary(per.bare) };
}

/**
 * Same status and the same body, byte for byte, from both servers — or the comparison is
 * meaningless. (A body that parses to the same JSON but differs in key order or spacing is
 * reported as such: it would still cost different bytes on the wire.)
 */
export async function assertSameResponses(stoa, bare, endpoints) {
  for (const e of endpoints) {
    const [a, b] = await Promise.all(
      [stoa, bare].map((s) => fetch(s.url + e.path, { headers: e.headers })),
    );
    const [ta, tb] = await Promise.all([a.text(), b.text()]);
    if (a.status === 200 && b.status === 200 && ta === tb) continue;
    const parsed = (t) => {
      try {
        return JSON.parse(t);
      } catch {
        return t;
      }
    };
    const sameJson = isDeepStrictEqual(parsed(ta), parsed(tb));
    throw new Error(
      `${e.name}: servers disagree${sameJson ? ' (same JSON, different bytes)' : ''}\n` +
        `stoa ${a.status} ${ta.slice(0, 2000)}\nbare ${b.status} ${tb.slice(0, 2000)}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Output

export function markdownTable(results) {
  const rows = [
    '| Endpoint | Server | req/s (mean) | p50 ms | p99 ms | CPU ms/req server + db ' +
      '| Stoa / bare req/s (per round) |',
    '| --- | --- | ---: | ---: | ---: | ---: | --- |',
  ];
  const fmt = (x) => (x === null ? 'n/a' : x.toFixed(2));
  const cpu = (s) => `${s.cpuMsPerRequest.server} + ${s.cpuMsPerRequest.db}`;
  for (const e of results) {
    const perRound = e.ratioPerRound.map(fmt).join(', ');
    rows.push(
      `| \`${e.name}\` | Stoa | ${e.stoa.rps} | ${e.stoa.p50} | ${e.stoa.p99} | ${cpu(e.stoa)} ` +
        `| **${fmt(e.ratio)}** (${perRound}) |`,
      `| | bare | ${e.bare.rps} | ${e.bare.p50} | ${e.bare.p99} | ${cpu(e.bare)} | |`,
    );
  }
  return rows.join('\n');
}

/**
 * Client-side time of each statement pair, run one after the other on one connection, Stoa's
 * and the bare server's alternating (10 unmeasured runs first): what the database costs each
 * request before any Node work. `pairs` are `[name, stoa, bare]` with `{ sql, params }` each.
 */
export async function timeStatements(client, pairs, runs) {
  const stats = (xs) => {
    const sorted = [...xs].sort((x, y) => x - y);
    return {
      mean: round(mean(xs), 3),
      p50: round(sorted[Math.floor(sorted.length / 2)], 3),
    };
  };
  const out = {};
  for (const [name, a, b] of pairs) {
    const times = { stoa: [], bare: [] };
    for (let i = 0; i < runs + 10; i++) {
      for (const [side, s] of [
        ['stoa', a],
        ['bare', b],
      ]) {
        const t0 = performance.now();
        await client.query(s.sql, s.params);
        if (i >= 10) times[side].push(performance.now() - t0);
      }
    }
    out[name] = { stoa: stats(times.stoa), bare: stats(times.bare) };
    log(
      `SQL ${name}: Stoa's statement ${out[name].stoa.mean} ms, ` +
        `bare's ${out[name].bare.mean} ms (mean of ${runs})`,
    );
  }
  return out;
}
