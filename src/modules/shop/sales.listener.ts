import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { SalesService } from './sales.service';
import { ShopEvent, type OrderEventPayload, type OrderRefundedPayload } from './shop.events';

/**
 * The analytics consumer of the shop's outbox events: each one is counted into the daily sales
 * rollup once, however often the relay delivers it (the event key is claimed with the count).
 */
@Injectable()
export class SalesListener {
  constructor(private readonly sales: SalesService) {}

  @OnEvent(ShopEvent.OrderPlaced, { promisify: true, suppressErrors: false })
  async onPlaced(e: OrderEventPayload): Promise<void> {
    await this.sales.record('placed', `${ShopEvent.OrderPlaced}:${e.orderId}`, e.orderId);
  }

  @OnEvent(ShopEvent.OrderPaid, { promisify: true, suppressErrors: false })
  async onPaid(e: OrderEventPayload): Promise<void> {
    await this.sales.record('paid', `${ShopEvent.OrderPaid}:${e.orderId}`, e.orderId);
  }

  @OnEvent(ShopEvent.OrderRefunded, { promisify: true, suppressErrors: false })
  async onRefunded(e: OrderRefundedPayload): Promise<void> {
    await this.sales.record('refunded', `${ShopEvent.OrderRefunded}:${e.refundId}`, e.refundId);
  }
}
