import { spawn, type ChildProcess } from 'node:child_process';
import { fromRoot } from '@/core/paths';
import { readTestRuntime } from '../setup/test-runtime';

/** The lines test/topology/topology.mjs prints for its checks, in order. */
const CHECKS = [
  'nginx spreads requests over both replicas',
  'a token issued through nginx works on replica A and on replica B',
  'logout on A revokes the access token on B at once',
  'refresh-token reuse is detected across replicas',
  'rate limits are shared between replicas',
  'the worker, not the APIs, sends the welcome mail',
  'rolling restart: no failed application request while replica A stops',
];

/**
 * The production topology as real processes: two API replicas of the built `dist/` behind
 * nginx (deploy/nginx.local.conf), a separate worker, the test run's PostgreSQL server and
 * Redis. deploy/local-topology.sh starts and tears it down; test/topology/topology.mjs checks
 * from the outside that the replicas share auth state, rate limits and queues, and that a
 * replica can stop under traffic. Ports 3101, 3102 and 8080 are fixed by the nginx config, so
 * this file must never run twice at once (Jest runs each file once per run).
 */
describe('Production topology (e2e, real processes behind nginx)', () => {
  let child: ChildProcess | undefined;
  let exited: Promise<number | null> | undefined;

  afterAll(async () => {
    // A timed-out run: SIGTERM lets the script's trap stop the processes, stop nginx, drop
    // the database and delete the Redis keys; SIGKILL would leak all of them.
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  }, 30_000);

  it('should serve as one service across two replicas, a worker and a rolling restart', async () => {
    const runtime = readTestRuntime();
    if (!runtime.redisUrl) {
      throw new Error(
        'this topology needs Redis (shared rate limits, token denylist and queues between ' +
          'replicas): run the tests with REDIS_URL set, e.g. REDIS_URL=redis://127.0.0.1:6379',
      );
    }
    // Only what a bare shell has, plus where the servers are: the script sets everything else.
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      STOA_PG_ADMIN_URL: runtime.adminUrl,
      STOA_REDIS_URL: runtime.redisUrl,
    };
    child = spawn(
      'bash',
      [fromRoot('deploy', 'local-topology.sh'), '--', 'node', 'test/topology/topology.mjs'],
      { env, cwd: fromRoot(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    exited = new Promise((resolve) => {
      child!.once('exit', (code) => resolve(code));
      child!.once('error', (error) => {
        output += `spawn failed: ${error.message}\n`;
        resolve(null);
      });
    });

    const code = await exited;
    // The whole output on failure: it names the failed check, and the script prints the log
    // tail of a process that did not start.
    expect({ code, output: code === 0 ? '' : output }).toEqual({ code: 0, output: '' });
    for (const title of CHECKS) expect(output).toContain(`ok - ${title} (`);
    expect(output).toContain(`all ${CHECKS.length} checks passed`);
    expect(output).toMatch(/\[topology\] cleaned up/);
  }, 120_000);
});
