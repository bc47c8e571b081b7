/** Events of the shop, written to the outbox in the transaction of the change they announce. */
export enum ShopEvent {
  OrderPlaced = 'shop.orderPlaced',
  OrderPaid = 'shop.orderPaid',
  OrderRefunded = 'shop.orderRefunded',
}

export interface OrderEventPayload {
  orderId: string;
}

export interface OrderRefundedPayload extends OrderEventPayload {
  refundId: string;
  amountMinor: number;
}
