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
// included. See bench/README.md for the method and the latest figures; the machinery shared
// with bench/blog.mjs is in bench/lib/.

import { join, relative } from 'node:path';
import {
  COMMON_USAGE,
  autocannonVersion,
  loadAverage,
  log,
  machineInfo,
  parseFlags,
  prepareStack,
  registerUser,
  runMain,
  startBare,
  startStoa,
  stopServer,
  writeJson,
} from './lib/harness.mjs';
import { assertSameResponses, markdownTable, measureInterleaved } from './lib/measure.mjs';
import { profileStoa, profileTables } from './lib/profile.mjs';

const USAGE = `Usage: node bench/platform.mjs [options]
${COMMON_USAGE}  --profile-endpoint E   user | profiles: the endpoint loaded while profiling (default user)
`;

const { flags, opts, oneOf } = parseFlags(USAGE, {
  'profile-endpoint': { type: 'string', default: 'user' },
});
oneOf('profile-endpoint', ['user', 'profiles']);

async function main() {
  const stack = await prepareStack(flags);
  const stoa = await startStoa(stack);
  log(`Stoa up on ${stoa.url}; logs in ${stoa.logPath}`);

  // Registered through Stoa's API so the row is exactly what Stoa writes; both servers read it.
  const username = `bench_${stack.runId}`;
  const token = await registerUser(stoa, username);

  const bare = await startBare(stack, `/api/v1/profiles/${username}`);
  log(`bare baseline up on ${bare.url}`);

  const endpoints = [
    { name: 'GET /api/v1/profiles/:username', path: `/api/v1/profiles/${username}` },
    {
      name: 'GET /api/v1/user',
      path: '/api/v1/user',
      headers: { authorization: `Token ${token}` },
    },
  ];
  await assertSameResponses(stoa, bare, endpoints);

  const started = new Date();
  const loadavg = loadAverage();
  const total = endpoints.length * opts.rounds * 2 * (opts.warmup + opts.duration);
  log(
    `${opts.rounds} rounds × ${opts.duration} s (+${opts.warmup} s warm-up), ` +
      `${opts.connections} connections: about ${Math.ceil(total / 60)} min`,
  );

  const { results, clean } = await measureInterleaved({
    stoa,
    bare,
    endpoints,
    opts,
    dbPids: stack.dbPids,
  });

  const report = {
    benchmark: 'platform',
    date: started.toISOString(),
    git: stack.git,
    machine: machineInfo(stack, loadavg),
    method: {
      rounds: opts.rounds,
      durationS: opts.duration,
      warmupS: opts.warmup,
      connections: opts.connections,
      order: 'interleaved per endpoint: stoa, bare, stoa, bare, ...',
      loadGenerator: `autocannon ${autocannonVersion()}, in-process`,
      latency: 'p50/p99 are means of the per-round percentiles',
      cpu: 'CPU ms per request from /proc: the server process; db = the bench database backends',
    },
    clean,
    endpoints: results,
  };

  process.stdout.write(`\n${markdownTable(results)}\n\n`);
  const outFile = join(flags.out, `platform-${started.toISOString().slice(0, 10)}.json`);
  await writeJson(outFile, report);
  log(`results: ${relative(process.cwd(), outFile)}`);

  if (!flags['skip-profile']) {
    // Stop the measured servers first: the profiled run should have the machine to itself.
    await stopServer(stoa);
    await stopServer(bare);
    const endpoint = endpoints[flags['profile-endpoint'] === 'user' ? 1 : 0];
    log(`profiling Stoa on ${endpoint.name} for ${opts.profileDuration} s`);
    report.profile = await profileStoa(stack, endpoint, opts);
    process.stdout.write(`${profileTables(report.profile)}\n\n`);
    await writeJson(outFile, report);
    log(`profile: ${report.profile.file} (open in Chrome DevTools › Performance; not committed)`);
  }
  if (flags['keep-logs']) log(`logs kept in ${stack.logDir}`);
  if (!clean) {
    log('some rounds had non-2xx responses or errors: the figures are not trustworthy');
    process.exitCode = 1;
  }
}

await runMain(main);
