import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { AdvisoryLockService } from '@/core/database/advisory-lock.service';
import { SessionsService } from './sessions.service';

/** Expired or revoked sessions are kept this long for the "recent activity" audit trail. */
const GRACE_DAYS = 7;

/**
 * Deletes stale sessions every hour. Runs in worker processes only; with several workers the
 * PostgreSQL advisory lock lets exactly one of them do the work.
 */
@Injectable()
export class SessionsCleanupTask {
  private readonly logger = new Logger(SessionsCleanupTask.name);

  constructor(
    private readonly sessions: SessionsService,
    private readonly locks: AdvisoryLockService,
  ) {}

  @Cron(CronExpression.EVERY_HOUR, { name: 'sessions-cleanup' })
  async run(): Promise<{ acquired: boolean; deleted: number }> {
    const { acquired, result } = await this.locks.tryWithLock('cron:sessions-cleanup', async () => {
      let total = 0;
      let deleted: number;
      do {
        deleted = await this.sessions.deleteStale(GRACE_DAYS);
        total += deleted;
      } while (deleted > 0);
      return total;
    });
    const deleted = result ?? 0;
    if (acquired) this.logger.log(`deleted ${deleted} stale session(s)`);
    else this.logger.debug('another worker holds the sessions-cleanup lock; skipped');
    return { acquired, deleted };
  }
}
