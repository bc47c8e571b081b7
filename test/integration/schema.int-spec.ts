import { createTestApp, type TestApp } from '../helpers/test-app';

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
    expect(upQueries.map((q) => q.query)).toEqual([]);
  });

  it('should have applied every migration file and have no pending one', async () => {
    expect(await t.dataSource.showMigrations()).toBe(false);
  });

  it('should revert every migration and re-apply them to the same schema', async () => {
    const count = t.dataSource.migrations.length;
    // Sessions hold a FK to users; nothing else may be connected while tables are dropped.
    for (let i = 0; i < count; i++) await t.dataSource.undoLastMigration({ transaction: 'each' });
    const tables = await t.dataSource.query<{ n: string }[]>(
      "SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'typeorm_migrations'",
    );
    expect(Number(tables[0].n)).toBe(0);
    await t.dataSource.runMigrations({ transaction: 'each' });
    const { upQueries } = await t.dataSource.driver.createSchemaBuilder().log();
    expect(upQueries).toEqual([]);
  });

  it('should run app sessions with JIT off and a statement timeout', async () => {
    const [{ jit }] = await t.dataSource.query<{ jit: string }[]>('SHOW jit');
    const [{ statement_timeout: timeout }] =
      await t.dataSource.query<{ statement_timeout: string }[]>('SHOW statement_timeout');
    expect(jit).toBe('off');
    expect(timeout).not.toBe('0');
  });

  it('should never synchronize', () => {
    expect(t.dataSource.options.synchronize).toBe(false);
  });
});
