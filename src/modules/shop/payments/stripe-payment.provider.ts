import { Inject, Injectable } from '@nestjs/common';
import Stripe from 'stripe';
import { shopConfig, type ShopConfig } from '@/config';
import { ErrorKind } from '@/core/http/domain-error';
import { PaymentProviderUnavailableError, PaymentRefusedError } from '../shop.errors';
import {
  PaymentProvider,
  type CreatedPayment,
  type CreatePaymentInput,
  type ProviderEvent,
  type RefundInput,
} from './payment-provider';

/** The event types this adapter acts on, and what they mean for an order's payment. */
const EVENT_TYPES: Readonly<Record<string, ProviderEvent['type']>> = {
  'payment_intent.succeeded': 'payment.succeeded',
  'payment_intent.payment_failed': 'payment.failed',
  'payment_intent.canceled': 'payment.failed',
};

/**
 * Stripe through its official SDK (`stripe`): a payment is a PaymentIntent created and
 * confirmed with the customer's PaymentMethod (`pm_…`, e.g. Stripe's test `pm_card_visa`),
 * refunds are Refunds, both with Stripe's own `Idempotency-Key`. Outcomes come from webhooks
 * (`Stripe-Signature`, the same HMAC scheme the fake provider uses, so one verifier serves
 * both) or, when none came, from retrieving the PaymentIntent. Amounts are in the currency's
 * minor unit both here and at Stripe; Stripe wants currency codes in lower case.
 */
@Injectable()
export class StripePaymentProvider extends PaymentProvider {
  readonly name = 'stripe';
  readonly signatureHeader = 'stripe-signature';
  private client?: Stripe;

  constructor(@Inject(shopConfig.KEY) private readonly config: ShopConfig) {
    super();
  }

  /** Created on first use, so a store on the fake provider needs no Stripe key. */
  private get stripe(): Stripe {
    if (!this.client) {
      const { secretKey, apiUrl } = this.config.stripe;
      if (!secretKey) throw new Error('STRIPE_SECRET_KEY is not set');
      const url = apiUrl ? new URL(apiUrl) : undefined;
      this.client = new Stripe(secretKey, {
        maxNetworkRetries: 2, // safe: every write carries an idempotency key
        timeout: 15_000,
        telemetry: false,
        ...(url && {
          host: url.hostname,
          port: url.port || (url.protocol === 'https:' ? 443 : 80),
          protocol: url.protocol === 'https:' ? 'https' : 'http',
        }),
      });
    }
    return this.client;
  }

  async createPayment(input: CreatePaymentInput): Promise<CreatedPayment> {
    const intent = await this.call(async () => {
      try {
        return await this.stripe.paymentIntents.create(
          {
            amount: input.amountMinor,
            currency: input.currency.toLowerCase(),
            payment_method: input.paymentMethod,
            confirm: true,
            automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
            metadata: { order_id: input.orderId },
          },
          { idempotencyKey: input.idempotencyKey },
        );
      } catch (error) {
        // A declined card fails the confirming call, but the PaymentIntent exists (its
        // `payment_intent.payment_failed` event follows): record it like any other attempt.
        if (error instanceof Stripe.errors.StripeCardError && error.payment_intent) {
          return error.payment_intent;
        }
        throw error;
      }
    });
    return {
      providerPaymentId: intent.id,
      clientSecret: intent.client_secret ?? '',
      failed: intent.status === 'requires_payment_method' && !!intent.last_payment_error,
    };
  }

  async refund(input: RefundInput): Promise<{ providerRefundId: string }> {
    const refund = await this.call(() =>
      this.stripe.refunds.create(
        { payment_intent: input.providerPaymentId, amount: input.amountMinor },
        { idempotencyKey: input.idempotencyKey },
      ),
    );
    return { providerRefundId: refund.id };
  }

  parseEvent(payload: unknown): ProviderEvent {
    const event = payload as Partial<Stripe.Event> | null;
    if (typeof event?.id !== 'string' || typeof event.created !== 'number' || !event.type) {
      return { id: String(event?.id ?? 'unknown'), type: 'other', createdAt: new Date() };
    }
    const type = EVENT_TYPES[event.type] ?? 'other';
    const intent = (event.data?.object ?? {}) as Partial<Stripe.PaymentIntent>;
    return {
      id: event.id,
      type,
      providerPaymentId: type === 'other' ? undefined : intent.id,
      orderId: intent.metadata?.order_id,
      amountMinor: type === 'payment.succeeded' ? intent.amount_received : intent.amount,
      currency: intent.currency?.toUpperCase(),
      createdAt: new Date(event.created * 1000),
    };
  }

  /** The PaymentIntent wrapped as the event Stripe would have sent; nothing while undecided. */
  async retrievePaymentEvent(providerPaymentId: string): Promise<Stripe.Event | undefined> {
    const intent = await this.call(() => this.stripe.paymentIntents.retrieve(providerPaymentId));
    const type =
      intent.status === 'succeeded'
        ? 'payment_intent.succeeded'
        : intent.status === 'canceled'
          ? 'payment_intent.canceled'
          : intent.status === 'requires_payment_method' && intent.last_payment_error
            ? 'payment_intent.payment_failed'
            : undefined;
    if (!type) return undefined;
    return {
      id: `evt_retrieved_${intent.id}_${intent.status}`,
      object: 'event',
      type,
      created: intent.created,
      data: { object: intent },
    } as unknown as Stripe.Event;
  }

  /**
   * Stripe's errors as ours: unreachable or failing on its side is a 503; a request it refuses
   * because of what the customer sent (an unknown payment method, an amount below its minimum,
   * a declined card) is a 422; a key it saw with other parameters is a 409. Never a 500.
   */
  private async call<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      const { errors } = Stripe;
      if (
        error instanceof errors.StripeConnectionError ||
        error instanceof errors.StripeAPIError ||
        error instanceof errors.StripeRateLimitError
      ) {
        throw new PaymentProviderUnavailableError(this.name);
      }
      if (
        error instanceof errors.StripeCardError ||
        error instanceof errors.StripeInvalidRequestError
      ) {
        throw new PaymentRefusedError(error.param ?? 'payment', error.message);
      }
      if (error instanceof errors.StripeIdempotencyError) {
        throw new PaymentRefusedError('payment', error.message, ErrorKind.Conflict);
      }
      throw error;
    }
  }
}
