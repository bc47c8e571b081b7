import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import type { Job } from 'bullmq';
import { shopConfig, type ShopConfig } from '@/config';
import { AdvisoryLockService } from '@/core/database/advisory-lock.service';
import { MetricsService } from '@/core/observability/metrics.service';
import { QueueName, ShopJob, type ShopJobPayloads } from '@/core/queue/queue.constants';
import { CartsRepository } from './carts.repository';
import { OrderLifecycleService } from './order-lifecycle.service';
import { FakePaymentProvider } from './payments/fake-payment.provider';
import { OutboundWebhooksService } from './outbound-webhooks.service';
import { PaymentsRepository } from './payments.repository';
import { PaymentsService } from './payments.service';

type ShopJobOf<N extends ShopJob> = Job<ShopJobPayloads[N], void, N>;

/** Worker for the `shop` queue. Every handler is idempotent (guarded transitions). */
@Processor(QueueName.Shop)
export class ShopProcessor extends WorkerHost {
  private readonly logger = new Logger(ShopProcessor.name);

  constructor(
    private readonly lifecycle: OrderLifecycleService,
    private readonly payments: PaymentsService,
    private readonly fakeProvider: FakePaymentProvider,
    private readonly webhooks: OutboundWebhooksService,
    private readonly metrics: MetricsService,
  ) {
    super();
  }

  async process(job: Job<ShopJobPayloads[ShopJob], void, ShopJob>): Promise<void> {
    switch (job.name) {
      case ShopJob.ExpireHold: {
        const { orderId } = (job as ShopJobOf<ShopJob.ExpireHold>).data;
        if (await this.lifecycle.expireHold(orderId)) {
          this.logger.log(`order ${orderId}: hold expired, stock released`);
        }
        return;
      }
      case ShopJob.ProcessProviderEvent: {
        const { webhookEventId } = (job as ShopJobOf<ShopJob.ProcessProviderEvent>).data;
        const outcome = await this.payments.process(webhookEventId);
        this.logger.log(`provider event ${webhookEventId}: ${outcome}`);
        return;
      }
      case ShopJob.DeliverWebhook: {
        const { deliveryId } = (job as ShopJobOf<ShopJob.DeliverWebhook>).data;
        const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
        await this.webhooks.deliver(deliveryId, last);
        return;
      }
      case ShopJob.DeliverFakeWebhook: {
        const { url, body } = (job as ShopJobOf<ShopJob.DeliverFakeWebhook>).data;
        await this.fakeProvider.deliver(url, body);
        return;
      }
      default: {
        const unknown: never = job.name;
        throw new Error(`no handler for shop job ${String(unknown)}`);
      }
    }
  }

  @OnWorkerEvent('completed')
  onCompleted(job: Job): void {
    this.metrics.jobsProcessed.inc({ queue: QueueName.Shop, name: job.name, outcome: 'completed' });
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job | undefined): void {
    this.metrics.jobsProcessed.inc({
      queue: QueueName.Shop,
      name: job?.name ?? 'unknown',
      outcome: 'failed',
    });
  }
}

/**
 * Every minute, queues provider events that were stored but never processed (the process died
 * between storing and enqueueing). The job id makes a second enqueue a no-op.
 */
@Injectable()
export class ShopEventsSweep {
  constructor(
    private readonly payments: PaymentsService,
    private readonly events: PaymentsRepository,
    private readonly locks: AdvisoryLockService,
  ) {}

  @Cron(CronExpression.EVERY_MINUTE, { name: 'shop-events-sweep' })
  async run(): Promise<number> {
    const { result } = await this.locks.tryWithLock('cron:shop-events-sweep', async () => {
      const ids = await this.events.unprocessedEvents(60, 500);
      for (const id of ids) await this.payments.enqueue(id);
      return ids.length;
    });
    return result ?? 0;
  }
}

/**
 * Every minute, looks up payments whose webhook has not come after
 * `SHOP_PAYMENT_RECONCILE_AFTER_SECONDS` at the provider (PaymentsService.reconcile). One
 * worker at a time.
 */
@Injectable()
export class ShopPaymentReconciliation {
  private readonly logger = new Logger(ShopPaymentReconciliation.name);

  constructor(
    private readonly payments: PaymentsService,
    private readonly locks: AdvisoryLockService,
  ) {}

  @Cron(CronExpression.EVERY_MINUTE, { name: 'shop-payment-reconciliation' })
  async run(): Promise<number> {
    const { result } = await this.locks.tryWithLock('cron:shop-payment-reconciliation', () =>
      this.payments.reconcile(),
    );
    if (result) this.logger.log(`learned the outcome of ${result} payment(s) from the provider`);
    return result ?? 0;
  }
}

/**
 * Every minute, releases the stock of unpaid orders whose hold ran out but whose delayed job
 * was lost (crash between commit and enqueue, queue data lost). One worker at a time.
 */
@Injectable()
export class ShopHoldSweep {
  private readonly logger = new Logger(ShopHoldSweep.name);

  constructor(
    private readonly lifecycle: OrderLifecycleService,
    private readonly locks: AdvisoryLockService,
  ) {}

  @Cron(CronExpression.EVERY_MINUTE, { name: 'shop-hold-sweep' })
  async run(): Promise<number> {
    const { result } = await this.locks.tryWithLock('cron:shop-hold-sweep', () =>
      this.lifecycle.expireAllDue(),
    );
    if (result) this.logger.log(`released the holds of ${result} unpaid order(s)`);
    return result ?? 0;
  }
}

/**
 * Every hour, deletes guest carts idle for `SHOP_GUEST_CART_TTL_DAYS`, in batches so no
 * statement holds many row locks for long. One worker at a time.
 */
@Injectable()
export class ShopCartCleanup {
  private readonly logger = new Logger(ShopCartCleanup.name);

  constructor(
    private readonly carts: CartsRepository,
    private readonly locks: AdvisoryLockService,
    @Inject(shopConfig.KEY) private readonly config: ShopConfig,
  ) {}

  @Cron(CronExpression.EVERY_HOUR, { name: 'shop-cart-cleanup' })
  async run(): Promise<number> {
    const { result } = await this.locks.tryWithLock('cron:shop-cart-cleanup', async () => {
      let total = 0;
      let deleted: number;
      do {
        deleted = await this.carts.deleteIdleGuestCarts(this.config.guestCartTtlDays, 1000);
        total += deleted;
      } while (deleted > 0);
      return total;
    });
    if (result) this.logger.log(`deleted ${result} idle guest cart(s)`);
    return result ?? 0;
  }
}

/**
 * The shop's gauge for operators: payments waiting for their webhook, `fresh` or `overdue`
 * (older than `SHOP_PAYMENT_RECONCILE_AFTER_SECONDS`: reconciliation is asking the provider).
 * A growing `overdue` means webhooks are not arriving — a wrong secret, a blocked route.
 */
@Injectable()
export class ShopMetrics implements OnApplicationBootstrap {
  constructor(
    private readonly metrics: MetricsService,
    private readonly payments: PaymentsRepository,
    @Inject(shopConfig.KEY) private readonly config: ShopConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.metrics.registerGauge(
      'shop_payments_pending',
      'Payments waiting for the provider webhook, fresh or overdue (being reconciled)',
      ['state'],
      async (set) => {
        const counts = await this.payments.pendingCounts(this.config.paymentReconcileAfterSeconds);
        set({ state: 'fresh' }, counts.fresh);
        set({ state: 'overdue' }, counts.overdue);
      },
    );
  }
}
