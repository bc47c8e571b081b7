import { createHash } from 'node:crypto';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Queue } from 'bullmq';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { shopConfig, type ShopConfig } from '@/config';
import { QueueName, ShopJob, type ShopJobPayloads } from '@/core/queue/queue.constants';
import { KeyValueStore } from '@/core/redis/key-value.store';
import {
  PaymentProvider,
  type CreatedPayment,
  type CreatePaymentInput,
  type ProviderEvent,
  type RefundInput,
} from './payment-provider';
import { UnknownPaymentMethodError } from '../shop.errors';
import { signWebhook } from './webhook-signature';

/**
 * Test payment methods, after Stripe's test cards: what the "customer" does at the provider.
 * - `pm_card_visa`: succeeds.
 * - `pm_card_chargeDeclined`: fails.
 * - `pm_card_duplicateEvents`: succeeds, and the provider sends the event twice.
 * - `pm_card_outOfOrder`: a first attempt failed, the retry succeeded, and the two events
 *   arrive newest first (the stale failure after the success).
 */
export const FAKE_PAYMENT_METHODS = [
  'pm_card_visa',
  'pm_card_chargeDeclined',
  'pm_card_duplicateEvents',
  'pm_card_outOfOrder',
] as const;
export type FakePaymentMethod = (typeof FAKE_PAYMENT_METHODS)[number];

interface FakeEventBody {
  id: string;
  type: 'payment.succeeded' | 'payment.failed' | 'refund.succeeded';
  created: number;
  data: { payment: string; order?: string; amount: number; currency: string };
}

/**
 * Delivery attempts per event. At the default 2 s first delay, doubling, that is about three
 * days of retries — the window Stripe documents for its webhooks. The queue's default (5
 * attempts, about 30 s) gave up while an API restart on a loaded machine took 6–18 s and the
 * queue lagged behind: those orders stayed unpaid although the "customer" had paid
 * (bench/shop-reliability.mjs).
 */
export const FAKE_DELIVERY_ATTEMPTS = 18;

/**
 * How long the fake provider remembers a payment: a day past the three days reconciliation asks
 * about one (a real provider keeps it for years; here it would only grow the key-value store).
 */
const FAKE_PAYMENT_RETENTION_MS = 4 * 24 * 3600 * 1000;

/** What the fake provider keeps about a payment on "its side" (the key-value store). */
interface FakePaymentRecord {
  outcome: 'payment.succeeded' | 'payment.failed';
  order: string;
  amount: number;
  currency: string;
  /** When the customer's confirmation completes, in epoch seconds. */
  settles: number;
}

/** Ids derived from the idempotency key: the same call creates the same object, even after a restart. */
const idFor = (prefix: string, key: string) =>
  `${prefix}_${createHash('sha256').update(key).digest('base64url').slice(0, 24)}`;

/**
 * A payment provider that behaves like a remote one without leaving the machine: it answers
 * `createPayment` at once, then "the customer confirms" and it calls our webhook later — signed
 * with the shared secret over timestamp + raw body, retried with backoff until we answer 2xx
 * (delivery runs as BullMQ jobs, so it survives our restarts like a provider's retries would).
 * It can fail a payment, send an event twice and send events out of order (see the payment
 * methods above), which is what the webhook handling must survive. It remembers each payment in
 * the key-value store (shared by the API and the worker with Redis), so it can also be asked
 * where a payment stands, as reconciliation does when no webhook came.
 */
@Injectable()
export class FakePaymentProvider extends PaymentProvider {
  readonly name = 'fake';
  readonly signatureHeader = 'stoa-signature';
  private readonly logger = new Logger(FakePaymentProvider.name);

  constructor(
    @Inject(shopConfig.KEY) private readonly config: ShopConfig,
    @InjectQueue(QueueName.Shop)
    private readonly queue: Queue<ShopJobPayloads[ShopJob], void, ShopJob>,
    private readonly adapterHost: HttpAdapterHost,
    private readonly store: KeyValueStore,
  ) {
    super();
  }

  async createPayment(input: CreatePaymentInput): Promise<CreatedPayment> {
    const providerPaymentId = idFor('fpi', input.idempotencyKey);
    const data = {
      payment: providerPaymentId,
      order: input.orderId,
      amount: input.amountMinor,
      currency: input.currency,
    };
    const now = Math.floor(Date.now() / 1000);
    const event = (type: FakeEventBody['type'], created: number, n = 0): FakeEventBody => ({
      id: idFor('evt', `${providerPaymentId}:${type}:${n}`),
      type,
      created,
      data,
    });
    if (!(FAKE_PAYMENT_METHODS as readonly string[]).includes(input.paymentMethod)) {
      throw new UnknownPaymentMethodError(FAKE_PAYMENT_METHODS);
    }
    const method = input.paymentMethod as FakePaymentMethod;
    const deliveries: FakeEventBody[] =
      method === 'pm_card_chargeDeclined'
        ? [event('payment.failed', now)]
        : method === 'pm_card_duplicateEvents'
          ? [event('payment.succeeded', now), event('payment.succeeded', now)]
          : method === 'pm_card_outOfOrder'
            ? [event('payment.succeeded', now), event('payment.failed', now - 5, 1)]
            : [event('payment.succeeded', now)];
    const record: FakePaymentRecord = {
      outcome: method === 'pm_card_chargeDeclined' ? 'payment.failed' : 'payment.succeeded',
      order: input.orderId,
      amount: input.amountMinor,
      currency: input.currency,
      settles: now + Math.ceil(this.config.fakeProviderDelayMs / 1000),
    };
    await this.store.set(
      recordKey(providerPaymentId),
      JSON.stringify(record),
      FAKE_PAYMENT_RETENTION_MS,
    );
    await this.send(deliveries);
    return { providerPaymentId, clientSecret: `${providerPaymentId}_secret` };
  }

  async refund(input: RefundInput): Promise<{ providerRefundId: string }> {
    return Promise.resolve({ providerRefundId: idFor('fre', input.idempotencyKey) });
  }

  async retrievePaymentEvent(providerPaymentId: string): Promise<FakeEventBody | undefined> {
    const stored = await this.store.get(recordKey(providerPaymentId));
    if (!stored) return undefined; // not ours, or forgotten: nothing to say
    const record = JSON.parse(stored) as FakePaymentRecord;
    if (record.settles > Date.now() / 1000) return undefined; // the customer is still confirming
    return {
      id: idFor('evt', `${providerPaymentId}:retrieved:${record.outcome}`),
      type: record.outcome,
      created: record.settles,
      data: {
        payment: providerPaymentId,
        order: record.order,
        amount: record.amount,
        currency: record.currency,
      },
    };
  }

  parseEvent(payload: unknown): ProviderEvent {
    const body = payload as Partial<FakeEventBody>;
    if (typeof body?.id !== 'string' || typeof body.created !== 'number' || !body.data) {
      return { id: String(body?.id ?? 'unknown'), type: 'other', createdAt: new Date() };
    }
    return {
      id: body.id,
      type:
        body.type === 'payment.succeeded' || body.type === 'payment.failed' ? body.type : 'other',
      providerPaymentId: body.data.payment,
      orderId: body.data.order,
      amountMinor: body.data.amount,
      currency: body.data.currency,
      createdAt: new Date(body.created * 1000),
    };
  }

  /** The worker's side of a delivery: POST the signed body; a non-2xx answer is retried. */
  async deliver(url: string, body: string): Promise<void> {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'stoa-signature': signWebhook(this.config.webhookSecret, body),
      },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) throw new Error(`webhook answered ${response.status}`);
  }

  private async send(events: FakeEventBody[]): Promise<void> {
    const url = this.webhookUrl();
    if (!url) {
      this.logger.warn('fake provider: no webhook URL (API not listening); events not sent');
      return;
    }
    for (const [index, event] of events.entries()) {
      const payload: ShopJobPayloads[ShopJob.DeliverFakeWebhook] = {
        url,
        body: JSON.stringify(event),
      };
      await this.queue.add(ShopJob.DeliverFakeWebhook, payload, {
        jobId: `fake-webhook-${event.id}-${index}`,
        delay: this.config.fakeProviderDelayMs + index * 50,
        attempts: FAKE_DELIVERY_ATTEMPTS,
        backoff: { type: 'exponential', delay: this.config.fakeProviderRetryBaseMs },
      });
    }
  }

  private webhookUrl(): string | undefined {
    if (this.config.fakeProviderWebhookUrl) return this.config.fakeProviderWebhookUrl;
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    const address: AddressInfo | string | null | undefined = server?.address();
    if (!address || typeof address === 'string') return undefined;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const reachable = host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host;
    return `http://${reachable}:${address.port}/api/v1/shop/webhooks/fake`;
  }
}

const recordKey = (providerPaymentId: string) => `shop:fake-psp:payment:${providerPaymentId}`;
