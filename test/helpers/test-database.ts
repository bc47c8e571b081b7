import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { assertTestDatabase, readTestRuntime, withDatabase } from '../setup/test-runtime';

/** A database of this test file's own, cloned from the migrated template in ~100 ms. */
export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

async function admin<T>(adminUrl: string, work: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const runtime = readTestRuntime();
  const name = `stoa_test_${randomBytes(5).toString('hex')}`;
  assertTestDatabase(name);
  // CREATE DATABASE … TEMPLATE fails while another session is connected to the template; the
  // template is only used here, but retry briefly in case parallel files clone at once.
  for (let attempt = 0; ; attempt++) {
    try {
      await admin(runtime.adminUrl, (c) =>
        c.query(`CREATE DATABASE "${name}" TEMPLATE "${runtime.templateDb}"`),
      );
      break;
    } catch (error) {
      if (attempt >= 20 || !/being accessed by other users/.test((error as Error).message))
        throw error;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    }
  }
  return {
    name,
    url: withDatabase(runtime.adminUrl, name),
    drop: () =>
      admin(runtime.adminUrl, (c) =>
        c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
      ).then(() => undefined),
  };
}
