// The blog's hot reads against a bare server: `GET /api/v1/articles?limit=20` (anonymous) and
// `GET /api/v1/articles/feed?limit=20` (signed in) on a seeded database (1k users, 10k articles
// by default), Stoa in production config against bench/baseline-server.mjs — Express 5, pg and
// one hand-written statement per endpoint — interleaved in one run and reported as a ratio.
//
//   npm run bench:blog                          # builds, then runs with the defaults below
//   node bench/blog.mjs --rounds 5 --skip-profile
//   node bench/blog.mjs --articles 100000 --explain   # only seed and EXPLAIN the queries
//
// Needs PostgreSQL and Redis (DATABASE_URL / REDIS_URL, or the local defaults), and a built
// dist/. Creates a throwaway database and Redis key prefix and removes both on exit, Ctrl-C
// included. See bench/README.md for the method and the latest figures.

import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import pg from 'pg';
import { FEED_SQL, LIST_SQL } from './lib/bare-blog-queries.mjs';
import { filterValues, seedBlog } from './lib/blog-seed.mjs';
import {
  COMMON_USAGE,
  autocannonVersion,
  loadAverage,
  log,
  machineInfo,
  onCleanup,
  parseFlags,
  prepareStack,
  registerUser,
  runMain,
  startBare,
  startStoa,
  stopServer,
  writeJson,
  writeText,
} from './lib/harness.mjs';
import {
  assertSameResponses,
  markdownTable,
  measureAtRate,
  measureInterleaved,
  timeStatements,
} from './lib/measure.mjs';
import { profileBare, profileStoa, profileTables } from './lib/profile.mjs';

const USAGE = `Usage: node bench/blog.mjs [options]
${COMMON_USAGE}  --users N              seeded writers (default 1000)
  --articles N           seeded articles (default 10000)
  --tags N               tags (default 100)
  --feed-follows N       writers the benchmark's reader follows (default 100)
  --limit N              page size requested (default 20)
  --target X             then load both at X × bare's req/s and compare p99 (default 0.85; 0: skip)
  --rate-rounds N        rounds of that fixed-rate comparison (default 2)
  --sql-runs N           sequential runs of each statement for the SQL timing (default 200)
  --profile-endpoint E   list | feed | both: the endpoints profiled (default both)
  --explain              seed, then EXPLAIN (ANALYZE, BUFFERS) the list, each filter, the feed
                         and search, write bench/results/blog-explain-<label>.md, and stop
  --label NAME           the <label> (default: today's date)
`;

const { flags, opts, positive, oneOf, fail } = parseFlags(USAGE, {
  users: { type: 'string', default: '1000' },
  articles: { type: 'string', default: '10000' },
  tags: { type: 'string', default: '100' },
  'feed-follows': { type: 'string', default: '100' },
  limit: { type: 'string', default: '20' },
  target: { type: 'string', default: '0.85' },
  'rate-rounds': { type: 'string', default: '2' },
  'sql-runs': { type: 'string', default: '200' },
  'profile-endpoint': { type: 'string', default: 'both' },
  explain: { type: 'boolean', default: false },
  label: { type: 'string' },
});
const data = {
  users: positive('users'),
  articles: positive('articles'),
  tags: positive('tags'),
  feedFollows: positive('feed-follows'),
};
const limit = positive('limit');
const rateRounds = positive('rate-rounds');
const sqlRuns = positive('sql-runs');
const target = Number(flags.target);
if (!(target >= 0 && target <= 1)) fail('--target must be between 0 and 1');
oneOf('profile-endpoint', ['list', 'feed', 'both']);
if (data.feedFollows >= data.users) fail('--feed-follows must be below --users');

// ---------------------------------------------------------------------------------------------
// Stoa's own SQL, for EXPLAIN and timing

/**
 * The statement Stoa runs for `criteria`, taken from the built ArticlesRepository itself with a
 * stand-in data source that records the query instead of sending it — so what is EXPLAINed is
 * exactly what the snapshot runs. `criteria` are what ArticlesService passes for each route.
 */
async function stoaStatement(stack, criteria) {
  const require = createRequire(join(stack.app.root, 'dist/src/main.js'));
  const { ArticlesRepository } = require('./modules/blog/articles.repository.js');
  let captured;
  const recorder = {
    manager: {
      query: (sql, params) => {
        captured = { sql, params };
        return Promise.resolve([{ total: 0, articles: [] }]);
      },
    },
  };
  await new ArticlesRepository(recorder).findPage({
    withBody: false,
    limit,
    offset: 0,
    ...criteria,
  });
  return captured;
}

/** Every list and filter the blog serves, as Stoa's and (list, feed) the bare server's SQL. */
async function statements(stack, viewerId, values) {
  const stoa = (criteria) => stoaStatement(stack, criteria);
  const bare = (sql, viewer) => ({ sql, params: [viewer, limit, 0] });
  return [
    { name: 'list', route: `GET /articles?limit=${limit}`, ...(await stoa({})) },
    { name: 'list (bare)', route: 'the same, bare server', ...bare(LIST_SQL, null) },
    {
      name: 'tag filter',
      route: `GET /articles?tag=${values.tag} (the most used tag)`,
      ...(await stoa({ tag: values.tag })),
    },
    {
      name: 'author filter',
      route: `GET /articles?author=${values.author} (the most prolific writer)`,
      ...(await stoa({ author: values.author })),
    },
    {
      name: 'favorited filter',
      route: `GET /articles?favorited=${values.favorited} (the most favorites)`,
      ...(await stoa({ favoritedBy: values.favorited })),
    },
    {
      name: 'feed',
      route: `GET /articles/feed?limit=${limit} (follows ${data.feedFollows} writers)`,
      ...(await stoa({ feedOf: viewerId, viewerId })),
    },
    { name: 'feed (bare)', route: 'the same, bare server', ...bare(FEED_SQL, viewerId) },
    {
      name: 'search',
      route: 'GET /articles/search?q=autovacuum (in 0.1 % of the articles)',
      ...(await stoa({ search: 'autovacuum' })),
    },
  ];
}

/** The scan nodes of a text plan: how each table is reached ("Seq Scan on articles a", ...). */
function scansOf(planLines) {
  const scans = new Set();
  for (const line of planLines) {
    const m =
      /(Seq Scan on \w+|(?:Index Only Scan|Index Scan|Bitmap Index Scan)(?: Backward)?(?: using| on) \w+)/.exec(
        line,
      );
    if (m) scans.add(m[1]);
  }
  return [...scans];
}

/** EXPLAIN (ANALYZE, BUFFERS) each statement after three warm-up runs; a Markdown report. */
async function explainAll(client, stack, seeded, list) {
  const sections = [];
  const summary = [];
  for (const s of list) {
    for (let i = 0; i < 3; i++) await client.query(s.sql, s.params);
    const { rows } = await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${s.sql}`, s.params);
    const lines = rows.map((r) => r['QUERY PLAN']);
    const ms = Number(/Execution Time: ([\d.]+)/.exec(lines.at(-1))?.[1]);
    const planMs = Number(/Planning Time: ([\d.]+)/.exec(lines.at(-2))?.[1]);
    const scans = scansOf(lines);
    summary.push(
      `| ${s.name} | ${ms.toFixed(2)} | ${planMs.toFixed(2)} | ` +
        `${scans.map((x) => `\`${x}\``).join(', ')} |`,
    );
    sections.push(
      `## ${s.name}: \`${s.route}\`\n\n\`\`\`sql\n${s.sql.trim()}\n\`\`\`\n\n` +
        `Parameters: \`${JSON.stringify(s.params)}\`\n\n\`\`\`text\n${lines.join('\n')}\n\`\`\``,
    );
    log(`EXPLAIN ${s.name}: ${ms} ms; ${scans.join(', ')}`);
  }
  return [
    '# Blog queries: EXPLAIN (ANALYZE, BUFFERS)',
    `Written by \`node bench/blog.mjs --explain\` on ${new Date().toISOString()}, commit ` +
      `\`${stack.git.commit}\`${stack.git.dirty ? ' (with uncommitted changes in the tree)' : ''}, ` +
      `PostgreSQL ${stack.versions.postgres}. Data: ${Object.entries(seeded)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ')}. Each statement ran three times before the EXPLAIN (warm cache).`,
    '| Statement | Execution ms | Planning ms | Scans |\n| --- | ---: | ---: | --- |\n' +
      summary.join('\n'),
    ...sections,
  ].join('\n\n');
}

// ---------------------------------------------------------------------------------------------
// The run

async function main() {
  const stack = await prepareStack(flags);
  const stoa = await startStoa(stack);
  log(`Stoa up on ${stoa.url}; logs in ${stoa.logPath}`);

  // The reader whose feed is loaded: registered through Stoa, so the session row is real.
  const viewer = `bench_${stack.runId}`;
  const token = await registerUser(stoa, viewer);

  const client = new pg.Client({ connectionString: stack.dbUrl });
  await client.connect();
  onCleanup('close seed connection', () => client.end());
  const viewerId = (await client.query('SELECT id FROM users WHERE username = $1', [viewer]))
    .rows[0].id;
  log(`seeding ${data.users} writers, ${data.articles} articles, ${data.tags} tags`);
  const seeded = await seedBlog(client, { ...data, viewerId });
  const list = await statements(stack, viewerId, await filterValues(client));

  if (flags.explain) {
    const label = flags.label ?? new Date().toISOString().slice(0, 10);
    const outFile = join(flags.out, `blog-explain-${label}.md`);
    await writeText(outFile, await explainAll(client, stack, seeded, list));
    log(`plans: ${relative(process.cwd(), outFile)}`);
    return;
  }

  const bare = await startBare(stack, `/api/v1/articles?limit=${limit}`);
  log(`bare baseline up on ${bare.url}`);

  const endpoints = [
    { name: `GET /api/v1/articles?limit=${limit}`, path: `/api/v1/articles?limit=${limit}` },
    {
      name: `GET /api/v1/articles/feed?limit=${limit}`,
      path: `/api/v1/articles/feed?limit=${limit}`,
      headers: { authorization: `Token ${token}` },
    },
  ];
  await assertSameResponses(stoa, bare, endpoints);

  const byName = Object.fromEntries(list.map((s) => [s.name, s]));
  const sqlMs = await timeStatements(
    client,
    [
      ['list', byName.list, byName['list (bare)']],
      ['feed', byName.feed, byName['feed (bare)']],
    ],
    sqlRuns,
  );

  const started = new Date();
  const loadavg = loadAverage();
  const total =
    endpoints.length *
    2 *
    (opts.warmup + opts.duration) *
    (opts.rounds + (target ? rateRounds : 0));
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
  process.stdout.write(`\n${markdownTable(results)}\n\n`);

  const atRate = [];
  if (target) {
    for (const [i, e] of endpoints.entries()) {
      const rate = Math.round(target * results[i].bare.rps);
      atRate.push(await measureAtRate({ stoa, bare, endpoint: e, rate, rounds: rateRounds, opts }));
    }
    process.stdout.write(
      [
        `| Endpoint | offered req/s (${target} × bare) | Stoa served | Stoa p50 / p99 ms | bare p50 / p99 ms |`,
        '| --- | ---: | ---: | ---: | ---: |',
        ...atRate.map(
          (r) =>
            `| \`${r.name}\` | ${r.rate} | ${r.stoa.rps} | ${r.stoa.p50} / ${r.stoa.p99} ` +
            `| ${r.bare.p50} / ${r.bare.p99} |`,
        ),
      ].join('\n') + '\n\n',
    );
  }

  const report = {
    benchmark: 'blog',
    date: started.toISOString(),
    git: stack.git,
    machine: machineInfo(stack, loadavg),
    data: { ...data, seeded, limit },
    method: {
      rounds: opts.rounds,
      durationS: opts.duration,
      warmupS: opts.warmup,
      connections: opts.connections,
      order: 'interleaved per endpoint: stoa, bare, stoa, bare, ...',
      loadGenerator: `autocannon ${autocannonVersion()}, in-process`,
      latency: 'p50/p99 are means of the per-round percentiles',
      cpu: 'CPU ms per request from /proc: the server process; db = the bench database backends',
      sql: `client-side ms per statement, ${sqlRuns} sequential runs on one connection`,
      atRate: target ? `${target} × bare req/s offered to both, ${rateRounds} rounds` : 'skipped',
    },
    clean,
    sqlMs,
    endpoints: results,
    atRate,
  };
  const outFile = join(flags.out, `blog-${started.toISOString().slice(0, 10)}.json`);
  await writeJson(outFile, report);
  log(`results: ${relative(process.cwd(), outFile)}`);

  if (!flags['skip-profile']) {
    // Stop the measured servers first: the profiled runs should have the machine to themselves.
    await stopServer(stoa);
    await stopServer(bare);
    // Both servers, one after the other: the bare server's profile is the floor — socket
    // writes, HTTP parsing, pg — against which Stoa's extra frames stand out.
    const which = flags['profile-endpoint'];
    report.profiles = [];
    for (const [i, tag] of ['list', 'feed'].entries()) {
      if (which !== 'both' && which !== tag) continue;
      for (const side of ['stoa', 'bare']) {
        log(`profiling ${side} on ${endpoints[i].name} for ${opts.profileDuration} s`);
        const p =
          side === 'stoa'
            ? await profileStoa(stack, endpoints[i], opts, `stoa-blog-${tag}`)
            : await profileBare(stack, endpoints[i], opts, {
                tag: `bare-blog-${tag}`,
                readyPath: endpoints[0].path,
              });
        report.profiles.push({ server: side, ...p });
        process.stdout.write(`${side}: ${profileTables(p)}\n\n`);
        log(`profile: ${p.file} (open in Chrome DevTools › Performance; not committed)`);
      }
    }
    await writeJson(outFile, report);
  }
  if (flags['keep-logs']) log(`logs kept in ${stack.logDir}`);
  if (!clean) {
    log('some rounds had non-2xx responses or errors: the figures are not trustworthy');
    process.exitCode = 1;
  }
}

await runMain(main);
