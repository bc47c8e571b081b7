import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * Cluster-wide mutual exclusion through PostgreSQL advisory locks (works with or without Redis).
 * Used by cron jobs so two worker instances never run the same job at once.
 */
@Injectable()
export class AdvisoryLockService {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Runs `work` if the lock is free, holding it on one dedicated connection; returns
   * `{ acquired: false }` immediately when another process holds it.
   */
  async tryWithLock<T>(
    name: string,
    work: () => Promise<T>,
  ): Promise<{ acquired: boolean; result?: T }> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [row] = (await runner.query('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [
        name,
      ])) as {
        ok: boolean;
      }[];
      if (!row?.ok) return { acquired: false };
      try {
        return { acquired: true, result: await work() };
      } finally {
        await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [name]);
      }
    } finally {
      await runner.release();
    }
  }
}
