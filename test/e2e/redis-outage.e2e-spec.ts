import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { registerUser } from '../factories/user.factory';
import { createTestApp, type TestApp } from '../helpers/test-app';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A Redis of this test's own (the machine's redis-server binary), so it can be stopped. */
async function startRedis(port: number): Promise<ChildProcess> {
  const redis = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    redis.stdout?.on('data', (d: Buffer) => d.toString().includes('Ready to accept') && resolve());
    redis.once('exit', () => reject(new Error('redis-server exited')));
  });
  return redis;
}

async function stop(redis: ChildProcess): Promise<void> {
  const exited = new Promise((r) => redis.once('exit', r));
  redis.kill('SIGTERM');
  await exited;
}

describe('Redis outage (e2e)', () => {
  let t: TestApp;
  let redis: ChildProcess;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    redis = await startRedis(port);
    t = await createTestApp({ env: { REDIS_URL: `redis://127.0.0.1:${port}` } });
  });

  afterAll(async () => {
    await t.close(); // while its Redis still runs, so every connection closes cleanly
    if (redis.exitCode === null) await stop(redis);
  });

  it('should fail fast with 503s, keep liveness, and recover when Redis returns', async () => {
    const u = await registerUser(t);
    await t.http().get('/api/health/ready').expect(200);
    await stop(redis);

    const started = Date.now();
    await t.http().get('/api/health/live').expect(200);
    const ready = await t.http().get('/api/health/ready').expect(503);
    expect(ready.body).toMatchObject({ status: 'error', error: { redis: { status: 'down' } } });
    const me = await t
      .http()
      .get('/api/v1/user')
      .set('Authorization', `Bearer ${u.token}`)
      .expect(503);
    expect(me.body).toMatchObject({ code: 'COMMON.DEPENDENCY_UNAVAILABLE', statusCode: 503 });
    // Seconds, not the minutes a request would hang on an unbounded offline queue.
    expect(Date.now() - started).toBeLessThan(10_000);

    redis = await startRedis(port);
    const deadline = Date.now() + 15_000;
    let status = 0;
    while (status !== 200 && Date.now() < deadline) {
      status = (await t.http().get('/api/health/ready')).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe(200);
    await t.http().get('/api/v1/user').set('Authorization', `Bearer ${u.token}`).expect(200);
  });
});
