import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromRoot } from '@/core/paths';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * `npm ci && npm start` on a bare machine: the built API, started with no DATABASE_URL and no
 * REDIS_URL, brings up an embedded PostgreSQL, migrates, runs queues on PostgreSQL, becomes
 * ready, and stops cleanly on SIGTERM. (`npm test` builds before Jest runs, as `npm start` does.)
 */
describe('Two-command start (e2e, real process)', () => {
  const main = fromRoot('dist', 'src', 'main.js');
  let child: ChildProcess | undefined;
  let dataDir: string;
  let output = '';

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'stoa-smoke-'));
    // As root, PostgreSQL runs as a `postgres` user that must be able to reach its data dir.
    chmodSync(dataDir, 0o755);
  });

  afterAll(() => {
    child?.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('should reach /api/health/ready on embedded PostgreSQL and stop cleanly', async () => {
    expect(existsSync(main)).toBe(true);
    const port = await freePort();
    // Only what a bare shell has: no DATABASE_URL, no REDIS_URL.
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: String(port),
      HOST: '127.0.0.1',
      EMBEDDED_PG_DIR: join(dataDir, 'pg'),
      LOG_PRETTY: 'false',
      ADMIN_PASSWORD: 'smoke-test-admin-pw',
    };
    const started = Date.now();
    child = spawn(process.execPath, [main], {
      env,
      cwd: fromRoot(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) =>
      child!.once('exit', (code) => resolve(code)),
    );

    let ready: { status: string; info: Record<string, unknown> } | undefined;
    while (!ready && Date.now() - started < 60_000) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/api/health/ready`);
        if (res.status === 200) ready = (await res.json()) as typeof ready;
      } catch {
        // not listening yet
      }
      if (!ready) await new Promise((r) => setTimeout(r, 250));
    }
    expect({ ready: Boolean(ready), output: ready ? '' : output }).toEqual({
      ready: true,
      output: '',
    });
    expect(ready?.info).toMatchObject({
      database: { status: 'up' },
      'memory-store': { status: 'up' },
    });
    expect(output).toContain('DATABASE_URL is not set: started embedded PostgreSQL');
    expect(output).toContain('REDIS_URL is not set');
    expect(output).toContain('created the first admin');

    // The documented first steps work against it: register → welcome mail in the log.
    const reg = await fetch(`http://127.0.0.1:${port}/api/v1/users`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Request-Id': 'smoke-trace-1' },
      body: JSON.stringify({
        user: { username: 'smoke', email: 'smoke@example.test', password: 'smoke-password' },
      }),
    });
    expect(reg.status).toBe(201);
    const deadline = Date.now() + 15_000;
    while (!output.includes('[mail:log] to=smoke@example.test') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(output).toContain('[mail:log] to=smoke@example.test');

    // Request logs: one JSON line per request carrying the client's correlation id, and never
    // the credentials it sent.
    const { token } = ((await reg.json()) as { user: { token: string } }).user;
    await fetch(`http://127.0.0.1:${port}/api/v1/user`, {
      headers: { Authorization: `Token ${token}`, 'X-Request-Id': 'smoke-trace-2' },
    });
    await new Promise((r) => setTimeout(r, 200));
    const lines = output.split('\n').filter((l) => l.startsWith('{'));
    const traced = lines.filter((l) => l.includes('smoke-trace-'));
    expect(traced.length).toBeGreaterThanOrEqual(2);
    expect(JSON.parse(traced.find((l) => l.includes('smoke-trace-2'))!)).toMatchObject({
      level: 30,
      req: { id: 'smoke-trace-2', method: 'GET', url: '/api/v1/user' },
      res: { statusCode: 200 },
    });
    expect(output).not.toContain(token);
    expect(output).not.toContain('smoke-password');

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('stopped cleanly');
    expect(output).toContain('embedded PostgreSQL stopped');
    child = undefined;
  }, 120_000);
});
