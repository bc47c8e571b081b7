import { Client } from 'pg';
import { readTestRuntime } from './test-runtime';

export default async function globalTeardown(): Promise<void> {
  const runtime = readTestRuntime();
  const admin = new Client({ connectionString: runtime.adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${runtime.templateDb}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
  const embedded = (globalThis as { __embeddedPg?: { stop(): Promise<void> } }).__embeddedPg;
  await embedded?.stop();
}
