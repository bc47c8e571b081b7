import { Client } from 'pg';
import { assertTestDatabase } from '../setup/test-runtime';
import { createTestDatabase } from '../helpers/test-database';

describe('Test harness', () => {
  describe(assertTestDatabase.name, () => {
    it('should refuse databases whose name does not say test', () => {
      for (const name of ['stoa', 'postgres', 'production_db']) {
        expect(() => assertTestDatabase(name)).toThrow(/refusing to use non-test database/);
      }
      expect(() => assertTestDatabase('stoa_test_abc')).not.toThrow();
    });
  });

  describe(createTestDatabase.name, () => {
    it('should clone a migrated, isolated database per call', async () => {
      const [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
      try {
        expect(a.name).not.toBe(b.name);
        const client = new Client({ connectionString: a.url });
        await client.connect();
        try {
          const { rows } = await client.query<{ n: string }>(
            'SELECT count(*) AS n FROM typeorm_migrations',
          );
          expect(Number(rows[0].n)).toBeGreaterThan(0);
          await client.query(
            "INSERT INTO users (email, username, password_hash) VALUES ('a@x.test', 'a', 'h')",
          );
        } finally {
          await client.end();
        }
        const other = new Client({ connectionString: b.url });
        await other.connect();
        try {
          const { rows } = await other.query<{ n: string }>('SELECT count(*) AS n FROM users');
          expect(Number(rows[0].n)).toBe(0);
        } finally {
          await other.end();
        }
      } finally {
        await Promise.all([a.drop(), b.drop()]);
      }
    });
  });
});
