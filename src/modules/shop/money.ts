/**
 * Money arithmetic in integer minor units. No floats touch an amount: percentages are in basis
 * points or whole percent and rounded half-up once, and shares of an amount are split by the
 * largest-remainder method so the parts always add up to the whole.
 */

/** `amount × numerator ÷ denominator`, rounded half-up (non-negative integers only). */
export function mulDivRound(amount: number, numerator: number, denominator: number): number {
  const product = BigInt(amount) * BigInt(numerator);
  const d = BigInt(denominator);
  return Number((product * 2n + d) / (2n * d));
}

/**
 * Splits `total` over parts proportionally to `weights` (largest remainder, ties to the earlier
 * part). The result has one integer per weight and sums to `total` exactly.
 */
export function allocate(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum === 0) return weights.map(() => 0);
  const T = BigInt(total);
  const S = BigInt(sum);
  const shares = weights.map((w, index) => {
    const exact = T * BigInt(w);
    return { index, floor: exact / S, remainder: exact % S };
  });
  let left = T - shares.reduce((a, s) => a + s.floor, 0n);
  const byRemainder = [...shares].sort((a, b) =>
    a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1,
  );
  const result = shares.map((s) => s.floor);
  for (const share of byRemainder) {
    if (left === 0n) break;
    result[share.index] += 1n;
    left -= 1n;
  }
  return result.map(Number);
}

/** `1234` in EUR (exponent 2) → `"12.34"`; in JPY (exponent 0) → `"1234"`. */
export function formatMinor(amount: number, exponent: number): string {
  if (exponent === 0) return String(amount);
  const sign = amount < 0 ? '-' : '';
  const digits = String(Math.abs(amount)).padStart(exponent + 1, '0');
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}
