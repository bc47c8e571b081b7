import type { OrderStatus } from './entities/order.entity';

/**
 * The order state machine. Every status change goes through `OrdersRepository.transition`, a
 * conditional UPDATE that only matches from an allowed status, so two racing transitions cannot
 * both win and an illegal one is a 409 `SHOP.ILLEGAL_TRANSITION`.
 *
 * ```
 * pending_payment ──paid──▶ paid ──▶ fulfilled ──▶ delivered
 *        │                   │           │             │
 *        ▼                   └────┬──────┴─────────────┘
 *    cancelled                    ▼ (refunds)
 *                 partially_refunded ──▶ refunded
 * ```
 * A partial refund does not stop fulfilment (`partially_refunded` → fulfilled/delivered).
 */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  pending_payment: ['paid', 'cancelled'],
  paid: ['fulfilled', 'partially_refunded', 'refunded'],
  fulfilled: ['delivered', 'partially_refunded', 'refunded'],
  delivered: ['partially_refunded', 'refunded'],
  partially_refunded: ['partially_refunded', 'refunded', 'fulfilled', 'delivered'],
  refunded: [],
  cancelled: [],
};

/** The statuses from which `to` may be reached. */
export function allowedFrom(to: OrderStatus): OrderStatus[] {
  return (Object.keys(ORDER_TRANSITIONS) as OrderStatus[]).filter((from) =>
    ORDER_TRANSITIONS[from].includes(to),
  );
}
