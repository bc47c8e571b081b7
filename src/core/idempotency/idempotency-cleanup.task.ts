import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { AdvisoryLockService } from '@/core/database/advisory-lock.service';
import { IdempotencyRepository } from './idempotency.repository';

/**
 * Deletes expired idempotency keys every hour, in batches so no statement holds many row locks
 * for long. Worker processes only; the advisory lock lets one worker of several do it.
 */
@Injectable()
export class IdempotencyCleanupTask {
  private readonly logger = new Logger(IdempotencyCleanupTask.name);

  constructor(
    private readonly keys: IdempotencyRepository,
    private readonly locks: AdvisoryLockService,
  ) {}

  @Cron(CronExpression.EVERY_HOUR, { name: 'idempotency-cleanup' })
  async run(): Promise<{ acquired: boolean; deleted: number }> {
    const { acquired, result } = await this.locks.tryWithLock(
      'cron:idempotency-cleanup',
      async () => {
        let total = 0;
        let deleted: number;
        do {
          deleted = await this.keys.deleteExpired();
          total += deleted;
        } while (deleted > 0);
        return total;
      },
    );
    const deleted = result ?? 0;
    if (acquired) this.logger.log(`deleted ${deleted} expired idempotency key(s)`);
    else this.logger.debug('another worker holds the idempotency-cleanup lock; skipped');
    return { acquired, deleted };
  }
}
