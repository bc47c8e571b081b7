import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { isUUID } from 'class-validator';
import type { EntityManager } from 'typeorm';
import { shopConfig, type ShopConfig } from '@/config';
import { TransactionService } from '@/core/database/transaction.service';
import { ValidationFailedError } from '@/core/http/domain-error';
import { OutboxService } from '@/core/outbox/outbox.service';
import { QueueName, ShopJob, type ShopJobPayloads } from '@/core/queue/queue.constants';
import { InventoryRepository } from './inventory.repository';
import { allowedFrom } from './order-status';
import { OrdersRepository, type OrderView } from './orders.repository';
import { PaymentProvider, type ProviderEvent } from './payments/payment-provider';
import { verifyWebhook } from './payments/webhook-signature';
import { PaymentsRepository, type PaymentRow } from './payments.repository';
import { ShopEvent, type OrderRefundedPayload } from './shop.events';
import {
  CurrencyMismatchError,
  IllegalTransitionError,
  OrderNotFoundError,
  NothingToPayError,
  OrderNotPayableError,
  RefundExceedsCaptureError,
  RefundKeyReusedError,
  UnknownProviderError,
  WebhookSignatureError,
} from './shop.errors';

export interface PaymentView {
  id: string;
  status: PaymentRow['status'];
  amountMinor: number;
  currency: string;
  /** For the client to confirm with the provider; only in the answer that created it. */
  clientSecret?: string;
}

/** An event that arrived before the payment it names was committed: retry the job later. */
class PaymentNotYetKnownError extends Error {}

/**
 * How long an event for a payment we have no row for waits for that row: `pay` may still be
 * committing it (a provider can call back before our transaction ends). After that, a success
 * naming one of our orders is adopted (the row was lost: a timeout after the provider charged);
 * anything else is retried for an hour, then set aside.
 */
const ADOPT_AFTER_MS = 2 * 60 * 1000;
const UNKNOWN_PAYMENT_GRACE_MS = 60 * 60 * 1000;

/**
 * Payments: creating them at the provider, learning their outcome from signed webhooks only,
 * and refunds. Each state change is one transaction with its stock, history and outbox effects.
 *
 * Webhook delivery is at-least-once and unordered, so: a verified event is stored once (unique
 * provider + event id) and processed by a job; a success applies only to a pending payment of a
 * pending order and only for exactly the order's total in the store currency; a failure that
 * arrives after the success is stale and ignored; a success for an order that was cancelled in
 * the meantime is refunded at once.
 */
@Injectable()
export class PaymentsService {
  private readonly logger = new Logger(PaymentsService.name);

  constructor(
    private readonly orders: OrdersRepository,
    private readonly payments: PaymentsRepository,
    private readonly inventory: InventoryRepository,
    private readonly provider: PaymentProvider,
    private readonly outbox: OutboxService,
    private readonly tx: TransactionService,
    @InjectQueue(QueueName.Shop)
    private readonly queue: Queue<ShopJobPayloads[ShopJob], void, ShopJob>,
    @Inject(shopConfig.KEY) private readonly config: ShopConfig,
  ) {}

  /**
   * Starts paying an unpaid order. A second call while a payment is pending (or after it
   * succeeded) returns that payment: the partial unique index allows one live payment per order,
   * so a double click cannot become a double charge.
   */
  async pay(order: OrderView, paymentMethod: string): Promise<PaymentView> {
    return this.tx.run(async ({ manager }) => {
      const money = await this.orders.lockMoney(manager, order.id);
      if (!money) throw new OrderNotFoundError();
      const live = await this.payments.live(manager, order.id);
      if (live) return view(live);
      if (money.status !== 'pending_payment') throw new OrderNotPayableError(money.status);
      if (money.totalMinor < 1) throw new NothingToPayError();
      const attempt = (await this.payments.attempts(manager, order.id)) + 1;
      const created = await this.provider.createPayment({
        orderId: order.id,
        amountMinor: money.totalMinor,
        currency: order.currency,
        paymentMethod,
        idempotencyKey: `order-${order.id}-attempt-${attempt}`,
      });
      const row = await this.payments.insert(manager, {
        orderId: order.id,
        provider: this.provider.name,
        providerPaymentId: created.providerPaymentId,
        amountMinor: money.totalMinor,
        currency: order.currency,
        status: created.failed ? 'failed' : 'requires_payment',
      });
      return { ...view(row), clientSecret: created.clientSecret };
    });
  }

  /**
   * The webhook endpoint's work: verify the signature on the raw bytes, store the event once,
   * queue it. Returns whether it was new. Answers fast; the processing is the job's.
   */
  async receive(
    providerName: string,
    rawBody: Buffer | undefined,
    headers: Record<string, string | string[] | undefined>,
  ): Promise<{ duplicate: boolean }> {
    if (providerName !== this.provider.name) throw new UnknownProviderError();
    if (!rawBody) throw new WebhookSignatureError('missing');
    const header = headers[this.provider.signatureHeader];
    const signature = typeof header === 'string' ? header : undefined;
    const problem = verifyWebhook(
      this.config.webhookSecret,
      signature,
      rawBody,
      this.config.webhookToleranceSeconds,
    );
    if (problem) throw new WebhookSignatureError(problem);
    let payload: unknown;
    try {
      payload = JSON.parse(rawBody.toString('utf8'));
    } catch {
      throw new ValidationFailedError({ body: ['must be JSON'] });
    }
    return { duplicate: !(await this.store(payload)) };
  }

  /**
   * Reconciliation: asks the provider about payments still waiting for their webhook and
   * stores what it answers as an event, applied like a delivered one (so a webhook that does
   * arrive later finds the payment settled and changes nothing). Returns how many outcomes it
   * learned. One payment the provider cannot answer for does not stop the others.
   */
  async reconcile(limit = 100): Promise<number> {
    const due = await this.payments.dueForReconciliation(
      this.provider.name,
      this.config.paymentReconcileAfterSeconds,
      limit,
    );
    let learned = 0;
    for (const providerPaymentId of due) {
      try {
        const payload = await this.provider.retrievePaymentEvent(providerPaymentId);
        if (payload !== undefined && (await this.store(payload))) learned += 1;
      } catch (error) {
        this.logger.warn(`reconciling payment ${providerPaymentId}: ${String(error)}`);
      }
    }
    return learned;
  }

  /** Stores a provider event once (unique provider + event id) and queues it; `false` if known. */
  private async store(payload: unknown): Promise<boolean> {
    const event = this.provider.parseEvent(payload);
    const id = await this.payments.storeEvent({
      provider: this.provider.name,
      eventId: event.id,
      type: event.type,
      payload,
    });
    if (id) await this.enqueue(id);
    return id !== undefined;
  }

  /**
   * Queues the processing of a stored event; the job id makes a second enqueue a no-op. BullMQ
   * applies that also to a job that failed for good (retries used up while its payment was not
   * committed yet, or the database was away) and keeps it, so the sweep's re-enqueue of such an
   * event would never run it again: that job is retried instead.
   */
  async enqueue(webhookEventId: string): Promise<void> {
    const payload: ShopJobPayloads[ShopJob.ProcessProviderEvent] = { webhookEventId };
    const job = await this.queue.add(ShopJob.ProcessProviderEvent, payload, {
      jobId: `provider-event-${webhookEventId}`,
    });
    if (await job.isFailed()) await job.retry('failed', { resetAttemptsMade: true });
  }

  /** The job: applies one stored event, exactly once (the event row is locked and marked). */
  async process(webhookEventId: string): Promise<string> {
    return this.tx.run(async ({ manager }) => {
      const stored = await this.payments.lockEvent(manager, webhookEventId);
      if (!stored) return 'no such event';
      if (stored.processedAt) return 'already processed';
      const event = this.provider.parseEvent(stored.payload);
      const outcome =
        event.type === 'payment.succeeded'
          ? await this.succeeded(manager, event)
          : event.type === 'payment.failed'
            ? await this.failed(manager, event)
            : 'ignored: not a payment event';
      await this.payments.markProcessed(manager, stored.id, outcome);
      return outcome;
    });
  }

  /**
   * Refunds part or all of what was captured, in the order's currency (never converted); the
   * key makes a retried refund happen once.
   */
  async refund(
    order: OrderView,
    amount: { amount: number; currency: string },
    reason: string | undefined,
    actorId: string,
    key: string,
  ): Promise<void> {
    if (amount.currency !== order.currency) throw new CurrencyMismatchError(order.currency);
    if (amount.amount < 1) throw new ValidationFailedError({ amount: ['must be at least 1'] });
    const amountMinor = amount.amount;
    await this.tx.run(async ({ manager }) => {
      const money = await this.orders.lockMoney(manager, order.id);
      if (!money) throw new OrderNotFoundError();
      const earlier = await this.payments.findRefund(manager, order.id, key);
      if (earlier) {
        // The same refund again (a retry) — or the key reused for another amount: refuse that.
        if (earlier.amountMinor !== amountMinor)
          throw new RefundKeyReusedError(earlier.amountMinor);
        return;
      }
      const refundable = money.capturedMinor - money.refundedMinor;
      if (amountMinor > refundable) throw new RefundExceedsCaptureError(refundable);
      const payment = await this.payments.live(manager, order.id);
      if (!payment || payment.status !== 'succeeded') {
        throw new IllegalTransitionError(money.status, 'refunded');
      }
      const to = amountMinor === refundable ? 'refunded' : 'partially_refunded';
      const moved = await this.orders.transition(manager, {
        orderId: order.id,
        to,
        from: allowedFrom(to),
        actorId,
        note: reason,
        refundedMinor: amountMinor,
      });
      if (!moved.ok) throw new IllegalTransitionError(moved.current ?? money.status, to);
      const { providerRefundId } = await this.provider.refund({
        providerPaymentId: payment.providerPaymentId,
        amountMinor,
        idempotencyKey: `refund-${order.id}-${key}`,
      });
      const refundId = await this.payments.insertRefund(manager, {
        orderId: order.id,
        paymentId: payment.id,
        amountMinor,
        reason: reason ?? null,
        providerRefundId,
        idempotencyKey: key,
        actorId,
      });
      const event: OrderRefundedPayload = { orderId: order.id, refundId, amountMinor };
      await this.outbox.add(manager, ShopEvent.OrderRefunded, { ...event });
    });
  }

  private async succeeded(manager: EntityManager, event: ProviderEvent): Promise<string> {
    const payment = await this.knownPayment(manager, event);
    if (typeof payment === 'string') return payment;
    if (payment.status === 'succeeded') return 'duplicate: payment already succeeded';
    const order = await this.orders.findById(payment.orderId, manager);
    if (!order) return 'order gone';
    if (event.amountMinor !== order.totalMinor || event.currency !== order.currency) {
      this.logger.error(
        `payment ${payment.providerPaymentId}: captured ${String(event.amountMinor)} ${String(event.currency)}, order ${order.number} totals ${order.totalMinor} ${order.currency}`,
      );
      return 'amount mismatch: not applied, needs review';
    }
    await this.payments.setStatus(manager, payment.id, 'succeeded');
    const moved = await this.orders.transition(manager, {
      orderId: order.id,
      to: 'paid',
      from: allowedFrom('paid'),
      actorId: null,
      note: `payment ${payment.providerPaymentId}`,
      endHold: true,
      capturedMinor: event.amountMinor,
    });
    if (!moved.ok) {
      // Paid after the hold ran out and the order was cancelled: give the money back.
      const { providerRefundId } = await this.provider.refund({
        providerPaymentId: payment.providerPaymentId,
        amountMinor: event.amountMinor,
        idempotencyKey: `late-${payment.id}`,
      });
      this.logger.warn(`order ${order.number} was ${moved.current ?? '?'}: payment refunded`);
      return `order was ${moved.current ?? 'gone'}: payment refunded (${providerRefundId})`;
    }
    const short = await this.inventory.sell(manager, order.id, order.lines);
    if (short.length) throw new Error(`order ${order.id}: sold more than was held`);
    await this.outbox.add(manager, ShopEvent.OrderPaid, { orderId: order.id });
    return 'order paid';
  }

  private async failed(manager: EntityManager, event: ProviderEvent): Promise<string> {
    const payment = await this.knownPayment(manager, event);
    if (typeof payment === 'string') return payment;
    if (payment.status !== 'requires_payment') {
      return `stale: payment already ${payment.status}`;
    }
    await this.payments.setStatus(manager, payment.id, 'failed');
    return 'payment failed; the order can be paid again';
  }

  /** The payment an event names, or why it cannot be applied (thrown: retry later). */
  private async knownPayment(
    manager: EntityManager,
    event: ProviderEvent,
  ): Promise<PaymentRow | string> {
    if (!event.providerPaymentId) return 'ignored: no payment in event';
    const payment = await this.payments.lockByProviderId(
      manager,
      this.provider.name,
      event.providerPaymentId,
    );
    if (payment) return payment;
    const age = Date.now() - event.createdAt.getTime();
    const { orderId } = event;
    if (event.type === 'payment.succeeded' && isUUID(orderId) && age >= ADOPT_AFTER_MS) {
      return this.adopt(manager, event, event.providerPaymentId, orderId as string);
    }
    if (age < UNKNOWN_PAYMENT_GRACE_MS) {
      throw new PaymentNotYetKnownError(`payment ${event.providerPaymentId} not known yet`);
    }
    return 'unknown payment: set aside';
  }

  /**
   * A charge we have no row for (the provider charged, its answer never reached us): recorded
   * for its order so the success applies as usual — or, when the order already has a live
   * payment, given back at once so nobody pays twice.
   */
  private async adopt(
    manager: EntityManager,
    event: ProviderEvent,
    providerPaymentId: string,
    orderId: string,
  ): Promise<PaymentRow | string> {
    const adopted = await this.payments.insertIfNoLive(manager, {
      orderId,
      provider: this.provider.name,
      providerPaymentId,
      amountMinor: event.amountMinor ?? 0,
      currency: event.currency ?? '',
    });
    if (adopted) {
      this.logger.warn(`payment ${providerPaymentId} had no row: adopted for order ${orderId}`);
      return adopted;
    }
    const raced = await this.payments.lockByProviderId(
      manager,
      this.provider.name,
      providerPaymentId,
    );
    if (raced) return raced;
    const { providerRefundId } = await this.provider.refund({
      providerPaymentId,
      amountMinor: event.amountMinor ?? 0,
      idempotencyKey: `orphan-${providerPaymentId}`,
    });
    this.logger.warn(`payment ${providerPaymentId} had no row and its order another: refunded`);
    return `orphan payment refunded (${providerRefundId})`;
  }
}

function view(p: PaymentRow): PaymentView {
  return { id: p.id, status: p.status, amountMinor: p.amountMinor, currency: p.currency };
}
