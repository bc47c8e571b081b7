import { IsIn, IsOptional, IsString, IsUrl, Matches } from 'class-validator';
import { defineConfig, type ConfigOf } from './config.loader';
import { EnvInt } from './env.decorators';

/**
 * ISO 4217 minor-unit exponents of the currencies a store may be configured with. A currency
 * outside this list is refused at startup rather than priced with a guessed exponent.
 */
export const CURRENCY_EXPONENTS: Readonly<Record<string, number>> = {
  AUD: 2,
  BHD: 3,
  BRL: 2,
  CAD: 2,
  CHF: 2,
  CLP: 0,
  CNY: 2,
  CZK: 2,
  DKK: 2,
  EUR: 2,
  GBP: 2,
  HKD: 2,
  HUF: 2,
  IDR: 2,
  ILS: 2,
  INR: 2,
  ISK: 0,
  JOD: 3,
  JPY: 0,
  KRW: 0,
  KWD: 3,
  MXN: 2,
  NOK: 2,
  NZD: 2,
  OMR: 3,
  PLN: 2,
  SEK: 2,
  SGD: 2,
  THB: 2,
  TND: 3,
  TRY: 2,
  USD: 2,
  VND: 0,
  ZAR: 2,
};

class ShopEnv {
  /** The store's one currency (ISO 4217). Prices are integers in its minor unit. */
  @IsOptional()
  @IsIn(Object.keys(CURRENCY_EXPONENTS))
  SHOP_CURRENCY?: string;

  /** Tax rate in basis points (2000 = 20 %), applied to the discounted subtotal. */
  @EnvInt(0, 10_000)
  SHOP_TAX_RATE_BP?: number;

  /**
   * Shipping by parcel weight: `maxGrams:priceMinor` pairs, ascending, comma-separated. A cart
   * heavier than the last bracket cannot be shipped.
   */
  @IsOptional()
  @Matches(/^\d+:\d+(,\d+:\d+)*$/, {
    message: 'SHOP_SHIPPING_RATES must look like 1000:490,5000:990',
  })
  SHOP_SHIPPING_RATES?: string;

  /** Subtotal (minor units, after discounts) from which shipping is free; 0 = never. */
  @EnvInt(0, Number.MAX_SAFE_INTEGER)
  SHOP_FREE_SHIPPING_FROM?: number;

  /** How long checkout holds stock for an unpaid order, in seconds (default 15 minutes). */
  @EnvInt(1, 24 * 3600)
  SHOP_RESERVATION_SECONDS?: number;

  /** The payment provider behind checkout: the built-in `fake`, or `stripe` (README). */
  @IsOptional()
  @IsIn(['fake', 'stripe'])
  SHOP_PAYMENT_PROVIDER?: 'fake' | 'stripe';

  /** Stripe's secret (or restricted) API key; needed with `SHOP_PAYMENT_PROVIDER=stripe`. */
  @IsOptional()
  @Matches(/^(sk|rk)_(test|live)_[A-Za-z0-9]+$/, {
    message: 'STRIPE_SECRET_KEY must be a Stripe secret key (sk_test_…, sk_live_…)',
  })
  STRIPE_SECRET_KEY?: string;

  /** Another Stripe API base URL (stripe-mock, a recording proxy); default Stripe's own. */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  STRIPE_API_URL?: string;

  /** Secret that signs payment webhooks (HMAC-SHA256). */
  @IsOptional()
  @IsString()
  SHOP_WEBHOOK_SECRET?: string;

  /** Oldest webhook timestamp accepted, in seconds from now (replay window). */
  @EnvInt(1, 3600)
  SHOP_WEBHOOK_TOLERANCE_SECONDS?: number;

  /**
   * Where the fake provider sends its webhooks. Default: this API's own address
   * (`/api/v1/shop/webhooks/fake` on the port it listens on).
   */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  SHOP_FAKE_PROVIDER_WEBHOOK_URL?: string;

  /** Days a guest cart may sit untouched before the hourly cleanup deletes it (default 30). */
  @EnvInt(1, 3650)
  SHOP_GUEST_CART_TTL_DAYS?: number;

  /**
   * Age in seconds after which a payment still waiting for its webhook is looked up at the
   * provider (reconciliation; default 5 minutes, well inside the stock hold).
   */
  @EnvInt(1, 24 * 3600)
  SHOP_PAYMENT_RECONCILE_AFTER_SECONDS?: number;

  /** First retry delay of an outbound webhook delivery (doubles per attempt, 8 attempts). */
  @EnvInt(10, 600_000)
  SHOP_WEBHOOK_RETRY_BASE_MS?: number;

  /** How long the fake provider takes to confirm a payment, in milliseconds. */
  @EnvInt(0, 60_000)
  SHOP_FAKE_PROVIDER_DELAY_MS?: number;

  /** First retry delay of the fake provider's webhook delivery (doubles per attempt). */
  @EnvInt(10, 600_000)
  SHOP_FAKE_PROVIDER_RETRY_BASE_MS?: number;
}

export const DEV_SHOP_WEBHOOK_SECRET = 'dev-shop-webhook-secret-change-me';

export const shopConfig = defineConfig('shop', ShopEnv, (env) => {
  const currency = env.SHOP_CURRENCY ?? 'EUR';
  return {
    currency,
    currencyExponent: CURRENCY_EXPONENTS[currency],
    taxRateBp: env.SHOP_TAX_RATE_BP ?? 2000,
    shippingRates: (env.SHOP_SHIPPING_RATES ?? '1000:490,5000:990,30000:1990')
      .split(',')
      .map((pair) => pair.split(':').map(Number))
      .map(([maxGrams, priceMinor]) => ({ maxGrams, priceMinor })),
    freeShippingFrom: env.SHOP_FREE_SHIPPING_FROM ?? 0,
    reservationSeconds: env.SHOP_RESERVATION_SECONDS ?? 900,
    guestCartTtlDays: env.SHOP_GUEST_CART_TTL_DAYS ?? 30,
    paymentProvider: env.SHOP_PAYMENT_PROVIDER ?? 'fake',
    stripe: { secretKey: env.STRIPE_SECRET_KEY, apiUrl: env.STRIPE_API_URL },
    webhookSecret: env.SHOP_WEBHOOK_SECRET ?? DEV_SHOP_WEBHOOK_SECRET,
    webhookToleranceSeconds: env.SHOP_WEBHOOK_TOLERANCE_SECONDS ?? 300,
    paymentReconcileAfterSeconds: env.SHOP_PAYMENT_RECONCILE_AFTER_SECONDS ?? 300,
    webhookRetryBaseMs: env.SHOP_WEBHOOK_RETRY_BASE_MS ?? 5_000,
    fakeProviderWebhookUrl: env.SHOP_FAKE_PROVIDER_WEBHOOK_URL,
    fakeProviderDelayMs: env.SHOP_FAKE_PROVIDER_DELAY_MS ?? 200,
    fakeProviderRetryBaseMs: env.SHOP_FAKE_PROVIDER_RETRY_BASE_MS ?? 2_000,
  };
});
export type ShopConfig = ConfigOf<typeof shopConfig>;
