import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { OutboundWebhooksService } from './outbound-webhooks.service';
import { ShopEvent, type OrderEventPayload, type OrderRefundedPayload } from './shop.events';

/** Shop events relayed from the outbox → outbound webhooks (idempotent per event key). */
@Injectable()
export class ShopEventsListener {
  constructor(private readonly webhooks: OutboundWebhooksService) {}

  @OnEvent(ShopEvent.OrderPlaced, { promisify: true, suppressErrors: false })
  async onPlaced(e: OrderEventPayload): Promise<void> {
    await this.webhooks.publish(
      ShopEvent.OrderPlaced,
      `${ShopEvent.OrderPlaced}:${e.orderId}`,
      e.orderId,
    );
  }

  @OnEvent(ShopEvent.OrderPaid, { promisify: true, suppressErrors: false })
  async onPaid(e: OrderEventPayload): Promise<void> {
    await this.webhooks.publish(
      ShopEvent.OrderPaid,
      `${ShopEvent.OrderPaid}:${e.orderId}`,
      e.orderId,
    );
  }

  @OnEvent(ShopEvent.OrderRefunded, { promisify: true, suppressErrors: false })
  async onRefunded(e: OrderRefundedPayload): Promise<void> {
    await this.webhooks.publish(
      ShopEvent.OrderRefunded,
      `${ShopEvent.OrderRefunded}:${e.refundId}`,
      e.orderId,
      { refund: { id: e.refundId, amountMinor: e.amountMinor } },
    );
  }
}
