import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { DATABASE_URL } from '@/core/database/database.module';
import { MetricsService } from '@/core/observability/metrics.service';
import { OutboxMessage } from './outbox-message.entity';
import { OUTBOX_CHANNEL } from './outbox.service';

const BATCH = 100;
/** Fallback poll: catches messages whose NOTIFY was missed (relay restarting, connection lost). */
const POLL_MS = 5_000;

/**
 * Publishes outbox messages to in-process subscribers (`@OnEvent(topic)`), which typically
 * enqueue a BullMQ job. Runs in worker roles. Each batch is claimed with
 * `FOR UPDATE SKIP LOCKED`, so several workers share the work without publishing a message
 * twice at the same time; a subscriber that throws leaves its message pending for the next
 * round (at-least-once — subscribers enqueue with a deterministic job id to stay idempotent).
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private listener?: Client;
  private timer?: NodeJS.Timeout;
  private draining?: Promise<unknown>;
  private again = false;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly events: EventEmitter2,
    private readonly metrics: MetricsService,
    @Inject(DATABASE_URL) private readonly databaseUrl: string,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.metrics.registerGauge(
      'outbox_pending',
      'Outbox messages not yet published',
      [],
      async (set) => {
        const [row] = await this.dataSource.query<{ n: string }[]>(
          'SELECT count(*) AS n FROM outbox WHERE published_at IS NULL',
        );
        set({}, Number(row?.n ?? 0));
      },
    );
    this.listener = new Client({ connectionString: this.databaseUrl });
    this.listener.on('notification', () => this.kick());
    this.listener.on('error', (error) => this.logger.warn(`outbox listener: ${error.message}`));
    await this.listener.connect();
    await this.listener.query(`LISTEN ${OUTBOX_CHANNEL}`);
    this.timer = setInterval(() => this.kick(), POLL_MS);
    this.kick();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.draining;
    await this.listener?.end().catch(() => undefined);
  }

  /** Starts a drain, or asks the running one to go round once more. */
  kick(): void {
    if (this.stopped) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = this.drain()
      .catch((error: unknown) => this.logger.error({ err: error }, 'outbox drain failed'))
      .finally(() => {
        this.draining = undefined;
        if (this.again && !this.stopped) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Publishes until nothing is pending; returns how many messages were published. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const published = await this.publishBatch();
      total += published;
      if (published < BATCH || this.stopped) return total;
    }
  }

  private async publishBatch(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const messages = await manager
        .getRepository(OutboxMessage)
        .createQueryBuilder('m')
        .where('m.published_at IS NULL')
        .orderBy('m.id', 'ASC')
        .limit(BATCH)
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .getMany();
      const done: string[] = [];
      for (const message of messages) {
        try {
          await this.events.emitAsync(message.topic, message.payload);
          done.push(message.id);
        } catch (error) {
          this.logger.warn(
            `outbox ${message.topic}#${message.id} failed: ${(error as Error).message}`,
          );
          await manager.increment(OutboxMessage, { id: message.id }, 'attempts', 1);
          // Keep order per relay: later messages wait for this one's next attempt.
          break;
        }
      }
      if (done.length) {
        await manager
          .createQueryBuilder()
          .update(OutboxMessage)
          .set({ publishedAt: () => 'now()' })
          .whereInIds(done)
          .execute();
      }
      return done.length === messages.length ? done.length : 0;
    });
  }
}
