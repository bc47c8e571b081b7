import { randomBytes } from 'node:crypto';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { appConfig, shopConfig, type AppConfig, type ShopConfig } from '@/config';
import { ValidationFailedError } from '@/core/http/domain-error';
import { QueueName, ShopJob, type ShopJobPayloads } from '@/core/queue/queue.constants';
import { toOrderDto } from './dto/order.dto';
import { OrdersRepository } from './orders.repository';
import { OutboundWebhooksRepository, type EndpointRow } from './outbound-webhooks.repository';
import { signWebhook } from './payments/webhook-signature';
import { ShopEvent } from './shop.events';
import { WebhookEndpointNotFoundError } from './shop.errors';

/** Attempts per delivery (with the default 5 s base, about 10 minutes of backoff), then failed. */
export const WEBHOOK_DELIVERY_ATTEMPTS = 8;

/**
 * Outbound webhooks: shop events are POSTed to every subscribed endpoint, signed with that
 * endpoint's secret in the same scheme we verify inbound (`Stoa-Signature: t=…,v1=…`). One
 * delivery row per event and endpoint (unique), sent by a job retried with exponential backoff;
 * every attempt's status code or error is kept, so the log answers "did they get it?".
 */
@Injectable()
export class OutboundWebhooksService {
  private readonly logger = new Logger(OutboundWebhooksService.name);

  constructor(
    private readonly repo: OutboundWebhooksRepository,
    private readonly orders: OrdersRepository,
    @InjectQueue(QueueName.Shop)
    private readonly queue: Queue<ShopJobPayloads[ShopJob], void, ShopJob>,
    @Inject(appConfig.KEY) private readonly app: AppConfig,
    @Inject(shopConfig.KEY) private readonly shop: ShopConfig,
  ) {}

  async createEndpoint(input: {
    url: string;
    events: ShopEvent[];
  }): Promise<EndpointRow & { secret: string }> {
    if (this.app.isProduction && !input.url.startsWith('https://')) {
      throw new ValidationFailedError({ url: ['must be an https URL in production'] });
    }
    const secret = `whsec_${randomBytes(24).toString('base64url')}`;
    const events = [...new Set(input.events)].sort();
    return { ...(await this.repo.createEndpoint({ url: input.url, events, secret })), secret };
  }

  listEndpoints(): Promise<EndpointRow[]> {
    return this.repo.listEndpoints();
  }

  async deleteEndpoint(id: string): Promise<void> {
    if (!(await this.repo.deleteEndpoint(id))) throw new WebhookEndpointNotFoundError();
  }

  async deliveries(endpointId: string, page: { limit: number; offset: number }) {
    if (!(await this.repo.endpointExists(endpointId))) throw new WebhookEndpointNotFoundError();
    return this.repo.deliveries(endpointId, page);
  }

  /** An order event from the outbox: one delivery per subscribed endpoint, each queued. */
  async publish(topic: ShopEvent, eventKey: string, orderId: string, extra: object = {}) {
    const order = await this.orders.findById(orderId);
    if (!order) return;
    const ids = await this.repo.fanOut(topic, eventKey, { order: toOrderDto(order), ...extra });
    for (const deliveryId of ids) {
      const payload: ShopJobPayloads[ShopJob.DeliverWebhook] = { deliveryId };
      await this.queue.add(ShopJob.DeliverWebhook, payload, {
        jobId: `webhook-delivery-${deliveryId}`,
        attempts: WEBHOOK_DELIVERY_ATTEMPTS,
        backoff: { type: 'exponential', delay: this.shop.webhookRetryBaseMs },
      });
    }
  }

  /** One attempt; throws on failure so the queue retries, and marks it failed on the last. */
  async deliver(deliveryId: string, lastAttempt: boolean): Promise<void> {
    const d = await this.repo.forSending(deliveryId);
    if (!d || d.status === 'delivered') return;
    const body = JSON.stringify({
      id: d.eventKey,
      type: d.topic,
      created: Math.floor(new Date(d.createdAt).getTime() / 1000),
      data: d.payload,
    });
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(d.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Stoa-Webhooks/1',
          'stoa-event': d.topic,
          'stoa-delivery': deliveryId,
          'stoa-signature': signWebhook(d.secret, body),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(10_000),
      });
      statusCode = response.status;
      if (!response.ok) error = `answered ${response.status}`;
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    const status = error === null ? 'delivered' : lastAttempt ? 'failed' : 'pending';
    await this.repo.recordAttempt(deliveryId, { status, statusCode, error });
    if (error !== null) {
      this.logger.warn(`webhook delivery ${deliveryId} to ${d.url}: ${error}`);
      throw new Error(`webhook delivery ${deliveryId}: ${error}`);
    }
  }
}
