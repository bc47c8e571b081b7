import { Client } from 'pg';
import { readTestRuntime } from '../setup/test-runtime';
import { createTestApp, type TestApp } from '../helpers/test-app';

describe('Health and failure modes (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  async function admin(sql: string): Promise<void> {
    const client = new Client({ connectionString: readTestRuntime().adminUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }

  it('should report 503 with per-dependency details while the database is unreachable, then recover', async () => {
    await t.http().get('/api/health/ready').expect(200);
    // Make the database refuse connections and cut the ones the pool holds.
    await admin(`ALTER DATABASE "${t.db.name}" ALLOW_CONNECTIONS false`);
    await admin(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${t.db.name}'`,
    );
    try {
      const down = await t.http().get('/api/health/ready').expect(503);
      expect(down.body).toMatchObject({ status: 'error', error: { database: { status: 'down' } } });
      await t.http().get('/api/health/live').expect(200);
    } finally {
      await admin(`ALTER DATABASE "${t.db.name}" ALLOW_CONNECTIONS true`);
    }
    await t.http().get('/api/health/ready').expect(200);
  });

  it('should answer an unexpected failure with a generic 500 body and no stack', async () => {
    // Break the schema under the running app: the next query fails in a way no code expects.
    await t.dataSource.query('ALTER TABLE users RENAME TO users_gone');
    try {
      const res = await t.http().get('/api/v1/profiles/anyone').expect(500);
      expect(res.body).toEqual({
        errors: { body: ['internal server error'] },
        code: 'INTERNAL',
        message: 'internal server error',
        statusCode: 500,
        correlationId: expect.any(String),
      });
      expect(JSON.stringify(res.body)).not.toMatch(/users_gone|does not exist|\.ts:\d/);
    } finally {
      await t.dataSource.query('ALTER TABLE users_gone RENAME TO users');
    }
  });
});
