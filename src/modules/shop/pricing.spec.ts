import { priceCart } from './pricing';
import { NotShippableError } from './shop.errors';

const rules = {
  taxRateBp: 2000,
  shippingRates: [
    { maxGrams: 1000, priceMinor: 490 },
    { maxGrams: 5000, priceMinor: 990 },
  ],
  freeShippingFrom: 10_000,
};
const shirt = { unitPriceMinor: 1999, quantity: 2, weightGrams: 300 };
const socks = { unitPriceMinor: 500, quantity: 1, weightGrams: 200 };

describe('priceCart', () => {
  it('should total subtotal, discount, shipping and tax in minor units', () => {
    expect(priceCart([shirt, socks], { kind: 'percentage', amount: 10 }, rules)).toEqual({
      subtotalMinor: 4498,
      discountMinor: 450, // 449.8, half-up
      lineDiscounts: [400, 50], // 399.94 and 50.02 → the larger remainder gets the cent
      shippingMinor: 490, // 800 g
      taxMinor: 908, // 20 % of (4048 + 490) = 907.6
      totalMinor: 4048 + 490 + 908,
    });
  });

  it('should cap a fixed coupon at the subtotal', () => {
    const totals = priceCart([socks], { kind: 'fixed', amount: 9_999 }, rules);
    expect(totals.discountMinor).toBe(500);
    expect(totals.lineDiscounts).toEqual([500]);
    expect(totals.totalMinor).toBe(490 + 98); // shipping and its tax remain
  });

  it('should ship free from the threshold and refuse parcels above the last bracket', () => {
    expect(priceCart([{ ...shirt, quantity: 6 }], undefined, rules).shippingMinor).toBe(0);
    expect(() =>
      priceCart([{ unitPriceMinor: 1, quantity: 10, weightGrams: 600 }], undefined, rules),
    ).toThrow(NotShippableError);
  });

  it('should keep the total equal to its parts for any cart', () => {
    for (let i = 1; i < 300; i++) {
      const lines = Array.from({ length: (i % 4) + 1 }, (_, k) => ({
        unitPriceMinor: (i * 37 + k * 101) % 5000,
        quantity: ((i + k) % 3) + 1,
        weightGrams: 10,
      }));
      const t = priceCart(lines, { kind: 'percentage', amount: (i % 100) + 1 }, rules);
      expect(t.lineDiscounts.reduce((a, b) => a + b, 0)).toBe(t.discountMinor);
      expect(t.totalMinor).toBe(t.subtotalMinor - t.discountMinor + t.shippingMinor + t.taxMinor);
      expect(t.discountMinor).toBeLessThanOrEqual(t.subtotalMinor);
    }
  });
});
