import type { ShopConfig } from '@/config';
import { allocate, mulDivRound } from './money';
import { NotShippableError } from './shop.errors';

export interface PricedLineInput {
  unitPriceMinor: number;
  quantity: number;
  weightGrams: number;
}

export interface CouponTerms {
  kind: 'percentage' | 'fixed';
  amount: number;
}

export interface Totals {
  subtotalMinor: number;
  discountMinor: number;
  /** The discount spread over the lines (largest remainder), in line order. */
  lineDiscounts: number[];
  shippingMinor: number;
  taxMinor: number;
  totalMinor: number;
}

type Rules = Pick<ShopConfig, 'taxRateBp' | 'shippingRates' | 'freeShippingFrom'>;

/**
 * The one place totals are computed, for the cart preview and for checkout alike (the client
 * never sends a price). Integer minor units; one rounding per step:
 * subtotal → discount (percentage rounded half-up, fixed capped at the subtotal) → shipping by
 * parcel weight (free from a threshold on the discounted subtotal) → tax on discounted subtotal
 * plus shipping, rounded half-up once.
 */
export function priceCart(
  lines: readonly PricedLineInput[],
  coupon: CouponTerms | undefined,
  rules: Rules,
): Totals {
  const lineSubtotals = lines.map((l) => l.unitPriceMinor * l.quantity);
  const subtotalMinor = lineSubtotals.reduce((a, b) => a + b, 0);
  const discountMinor = !coupon
    ? 0
    : coupon.kind === 'percentage'
      ? mulDivRound(subtotalMinor, coupon.amount, 100)
      : Math.min(coupon.amount, subtotalMinor);
  const lineDiscounts = allocate(discountMinor, lineSubtotals);
  const discounted = subtotalMinor - discountMinor;
  const shippingMinor = lines.length === 0 ? 0 : shippingFor(lines, discounted, rules);
  const taxMinor = mulDivRound(discounted + shippingMinor, rules.taxRateBp, 10_000);
  return {
    subtotalMinor,
    discountMinor,
    lineDiscounts,
    shippingMinor,
    taxMinor,
    totalMinor: discounted + shippingMinor + taxMinor,
  };
}

function shippingFor(lines: readonly PricedLineInput[], discounted: number, rules: Rules): number {
  if (rules.freeShippingFrom > 0 && discounted >= rules.freeShippingFrom) return 0;
  const grams = lines.reduce((a, l) => a + l.weightGrams * l.quantity, 0);
  const rate = rules.shippingRates.find((r) => grams <= r.maxGrams);
  if (!rate) throw new NotShippableError();
  return rate.priceMinor;
}
