import { existsSync } from 'node:fs';
import { config as dotenv } from 'dotenv';
import type { RawEnv } from '@/config';
import { fromRoot } from './paths';

/**
 * The only place that reads `process.env`. Outside production a `.env` file at the project root
 * is loaded first (real environment variables win). Tests never call this: they build the
 * environment object they need.
 */
export function loadDotenv(): RawEnv {
  const file = fromRoot('.env');
  if (process.env.NODE_ENV !== 'production' && existsSync(file)) {
    dotenv({ path: file, quiet: true });
  }
  return process.env;
}
