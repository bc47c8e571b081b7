import { basename, resolve } from 'node:path';

/**
 * The project root, both from sources (`src/core`) and from the build (`dist/src/core`), so
 * templates, static files and `.data/` resolve the same way in `ts-node`, tests and production.
 */
function findRoot(): string {
  const up2 = resolve(__dirname, '..', '..');
  return basename(up2) === 'dist' ? resolve(up2, '..') : up2;
}

export const PROJECT_ROOT = findRoot();
export const VIEWS_DIR = resolve(PROJECT_ROOT, 'views');
export const PUBLIC_DIR = resolve(PROJECT_ROOT, 'public');
export const fromRoot = (...parts: string[]): string => resolve(PROJECT_ROOT, ...parts);
