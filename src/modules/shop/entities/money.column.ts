import { Column, type ColumnOptions } from 'typeorm';

/**
 * An amount in minor units (cents, yen, fils) as PostgreSQL `bigint`. The driver returns bigint
 * as a string; amounts are bounded by CHECK constraints to 2^53 − 1, so a JS number is exact.
 */
export const MoneyColumn = (options: ColumnOptions = {}) =>
  Column({
    type: 'bigint',
    transformer: {
      to: (value: number | null | undefined) => value,
      from: (value: string | null) => (value === null ? null : Number(value)),
    },
    ...options,
  });
