/** What our side needs from a payment service provider (PSP). */
export interface CreatedPayment {
  providerPaymentId: string;
  /** Handed to the client to confirm the payment with the provider (card entry, 3-D Secure). */
  clientSecret: string;
  /** The provider declined it at once (a card error): recorded as a failed attempt. */
  failed?: boolean;
}

export interface CreatePaymentInput {
  orderId: string;
  amountMinor: number;
  currency: string;
  paymentMethod: string;
  /** Makes a retried call create the payment once (the provider's own idempotency key). */
  idempotencyKey: string;
}

export interface RefundInput {
  providerPaymentId: string;
  amountMinor: number;
  idempotencyKey: string;
}

/** A provider event, normalised; the raw payload is stored too. */
export interface ProviderEvent {
  id: string;
  type: 'payment.succeeded' | 'payment.failed' | 'refund.succeeded' | 'other';
  providerPaymentId?: string;
  /** Our order id as the provider keeps it (metadata): lets a payment we never recorded be adopted. */
  orderId?: string;
  amountMinor?: number;
  currency?: string;
  /** When the provider created the event (orders events that arrive out of order). */
  createdAt: Date;
}

/**
 * The seam to a payment provider. The shop never talks to one directly: it creates payments and
 * refunds through this class and learns outcomes only from signed webhooks (a payment's result
 * is never taken from the client). `fake` is built in; a real provider implements the same four
 * methods (see src/modules/shop/README.md for the Stripe mapping).
 */
export abstract class PaymentProvider {
  abstract readonly name: string;
  /** The request header (lower-case) that carries the webhook signature. */
  abstract readonly signatureHeader: string;

  /** Creates a payment for an order; `idempotencyKey` makes a retried call create it once. */
  abstract createPayment(input: CreatePaymentInput): Promise<CreatedPayment>;

  /** Refunds part or all of a captured payment; idempotent by key like `createPayment`. */
  abstract refund(input: RefundInput): Promise<{ providerRefundId: string }>;

  /** Reads an event from the JSON body whose signature was verified. */
  abstract parseEvent(payload: unknown): ProviderEvent;

  /**
   * Asks the provider where a payment stands, for reconciliation when its webhook never came
   * (deliveries given up, a wrong secret, an outage longer than the provider retries). Answers
   * an event body in the provider's own webhook format with an id of its own (for Stripe: the
   * PaymentIntent wrapped as a `payment_intent.succeeded` event), so it is stored and applied
   * exactly like a delivered one; `undefined` while the payment has no outcome yet.
   */
  abstract retrievePaymentEvent(providerPaymentId: string): Promise<unknown>;
}
