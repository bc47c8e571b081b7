import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * Constraints that exist in the database on purpose but not in entity metadata: foreign keys
 * across module boundaries are declared in migrations only, so one module's entity never
 * imports another's.
 */
const DB_ONLY = [/DROP CONSTRAINT "sessions_user_id_fkey"/];

describe('Entities vs. migrated schema', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it('should need no schema change to match the entities (migrations are complete)', async () => {
    const { upQueries } = await t.dataSource.driver.createSchemaBuilder().log();
    const drift = upQueries
      .map((q) => q.query)
      .filter((sql) => !DB_ONLY.some((re) => re.test(sql)));
    expect(drift).toEqual([]);
  });

  it('should have applied every migration file and have no pending one', async () => {
    expect(await t.dataSource.showMigrations()).toBe(false);
  });

  it('should never synchronize', () => {
    expect(t.dataSource.options.synchronize).toBe(false);
  });
});
