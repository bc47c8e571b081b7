import { allocate, formatMinor, mulDivRound } from './money';

describe('money', () => {
  it('should round half up in minor units', () => {
    expect(mulDivRound(1000, 2000, 10_000)).toBe(200); // 20 % of 10.00
    expect(mulDivRound(5, 1, 2)).toBe(3); // 2.5 → 3
    expect(mulDivRound(1, 1, 3)).toBe(0);
    expect(mulDivRound(Number.MAX_SAFE_INTEGER, 1, 1)).toBe(Number.MAX_SAFE_INTEGER); // no float loss
  });

  it('should split by largest remainder so the parts add up', () => {
    expect(allocate(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocate(10, [333, 333, 334])).toEqual([3, 3, 4]);
    expect(allocate(0, [5, 5])).toEqual([0, 0]);
    expect(allocate(7, [0, 0])).toEqual([0, 0]);
    for (let i = 0; i < 200; i++) {
      const weights = Array.from({ length: 1 + (i % 7) }, (_, k) => ((i * 31 + k * 17) % 997) + 1);
      const total = (i * 7919) % 100_000;
      const parts = allocate(total, weights);
      expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
      expect(parts.every((p) => Number.isInteger(p) && p >= 0)).toBe(true);
    }
  });

  it('should format with the currency exponent', () => {
    expect(formatMinor(1234, 2)).toBe('12.34');
    expect(formatMinor(5, 2)).toBe('0.05');
    expect(formatMinor(1234, 0)).toBe('1234');
    expect(formatMinor(1234, 3)).toBe('1.234');
  });
});
