import { existsSync, readFileSync } from 'node:fs';
import { fromRoot } from '@/core/paths';

/** Written by global setup, read by every test file: where the test infrastructure lives. */
export interface TestRuntime {
  /** A maintenance connection (database `postgres`) used to create and drop test databases. */
  adminUrl: string;
  /** The migrated template every test database is cloned from. */
  templateDb: string;
  /** Unset when the machine has no Redis configured: tests then run in no-Redis mode. */
  redisUrl?: string;
  /** Set when global setup had to start an embedded PostgreSQL. */
  embeddedDir?: string;
}

export const RUNTIME_FILE = fromRoot('.data', 'test-runtime.json');
/** Each `jest` run migrates its own template, so two runs on one server never collide. */
export const TEMPLATE_PREFIX = 'stoa_test_template_';

export function readTestRuntime(): TestRuntime {
  if (!existsSync(RUNTIME_FILE))
    throw new Error('test runtime missing: run tests through jest (global setup)');
  return JSON.parse(readFileSync(RUNTIME_FILE, 'utf8')) as TestRuntime;
}

/** Refuses to touch any database whose name does not say it is a test database. */
export function assertTestDatabase(name: string): void {
  if (!/test/i.test(name)) throw new Error(`refusing to use non-test database "${name}"`);
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
