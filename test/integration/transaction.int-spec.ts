import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner.js';
import { TransactionService } from '@/core/database/transaction.service';
import { createTestApp, type TestApp } from '../helpers/test-app';

describe(TransactionService.name, () => {
  let t: TestApp;
  let tx: TransactionService;

  beforeAll(async () => {
    t = await createTestApp();
    tx = t.app.get(TransactionService);
  });

  afterAll(async () => {
    await t.close();
  });

  const countUsers = async (email: string) =>
    Number(
      (
        await t.dataSource.query<{ n: string }[]>(
          'SELECT count(*) AS n FROM users WHERE email = $1',
          [email],
        )
      )[0].n,
    );
  const insertUser =
    (email: string) =>
    (manager: Parameters<Parameters<TransactionService['run']>[0]>[0]['manager']) =>
      manager.query("INSERT INTO users (email, username, password_hash) VALUES ($1, $1, 'x')", [
        email,
      ]);

  describe('run', () => {
    it('should commit the work and then run the after-commit hooks', async () => {
      const seen: number[] = [];
      await tx.run(async ({ manager, afterCommit }) => {
        await insertUser('commit@tx.test')(manager);
        afterCommit(async () => void seen.push(await countUsers('commit@tx.test')));
      });
      expect(seen).toEqual([1]); // the hook saw the committed row
    });

    it('should begin READ COMMITTED in one statement, and other levels as asked', async () => {
      const spy = jest.spyOn(PostgresQueryRunner.prototype, 'query');
      try {
        const level = await tx.run(async ({ manager }) => {
          const [row] = await manager.query<{ transaction_isolation: string }[]>(
            'SHOW transaction_isolation',
          );
          return row.transaction_isolation;
        });
        expect(level).toBe('read committed');
        // No `SET TRANSACTION ISOLATION LEVEL` round trip: the sessions default to it.
        expect(spy.mock.calls.map(([sql]) => sql)).toEqual([
          'START TRANSACTION',
          'SHOW transaction_isolation',
          'COMMIT',
        ]);
      } finally {
        spy.mockRestore();
      }
      const serializable = await tx.run(async ({ manager }) => {
        const [row] = await manager.query<{ transaction_isolation: string }[]>(
          'SHOW transaction_isolation',
        );
        return row.transaction_isolation;
      }, 'SERIALIZABLE');
      expect(serializable).toBe('serializable');
    });

    it('should roll everything back and skip the hooks when the work throws', async () => {
      const hook = jest.fn();
      await expect(
        tx.run(async ({ manager, afterCommit }) => {
          await insertUser('rollback@tx.test')(manager);
          afterCommit(hook);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await countUsers('rollback@tx.test')).toBe(0);
      expect(hook).not.toHaveBeenCalled();
    });
  });
});
