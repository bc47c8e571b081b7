import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { contractDrift, renderContracts } from '@/contracts';
import { fromRoot } from '@/core/paths';
import { createTestApp } from '../helpers/test-app';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';

const run = promisify(execFile);

/**
 * The committed OpenAPI document and GraphQL SDL are what client generators consume. Changing
 * the API without regenerating them (`npm run openapi:export`) fails here. The check runs the
 * built CLI because the OpenAPI metadata comes from the swagger compiler plugin of `nest build`
 * (Jest's swc transform does not run it).
 */
describe('Public contracts (e2e, built CLI)', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db.drop();
  });

  it('should match docs/openapi.json and schema.gql byte for byte', async () => {
    const cli = fromRoot('dist', 'src', 'cli.js');
    expect(existsSync(cli)).toBe(true);
    const env = {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      DATABASE_URL: db.url,
      LOG_LEVEL: 'warn',
    };
    const result = await run(process.execPath, [cli, 'openapi:export', '--check'], {
      env,
      cwd: fromRoot(),
    }).then(
      () => 'up to date',
      (error: { stderr: string }) => error.stderr,
    );
    expect(result).toBe('up to date');
  });

  it('should serve the very same contracts from the app under test (plugin metadata loaded)', async () => {
    const t = await createTestApp();
    try {
      expect(contractDrift(await renderContracts(t.app))).toEqual([]);
    } finally {
      await t.close();
    }
  });

  it('should give every operation a unique id and document errors in the common shape', async () => {
    const spec = (await import(fromRoot('docs', 'openapi.json'))) as {
      paths: Record<
        string,
        Record<string, { operationId?: string; responses: Record<string, unknown> }>
      >;
    };
    const operations = Object.values(spec.paths).flatMap((item) => Object.values(item));
    const ids = operations.map((op) => op.operationId);
    expect(ids.every(Boolean)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(operations.every((op) => op.responses['500'] && op.responses['429'])).toBe(true);
  });
});
