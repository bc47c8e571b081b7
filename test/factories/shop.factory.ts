import { randomUUID } from 'node:crypto';
import type { TestApp } from '../helpers/test-app';

export interface VariantSeed {
  priceMinor?: number;
  onHand?: number;
  weightGrams?: number;
  options?: Record<string, string>;
}

/**
 * An active product with one variant, written straight to the tables (the catalog API has its
 * own tests): a unique SKU, the product's price range set as every catalog write keeps it.
 */
export async function createVariant(t: TestApp, seed: VariantSeed = {}): Promise<string> {
  const sku = `sku-${randomUUID().slice(0, 8)}`;
  const price = seed.priceMinor ?? 1000;
  const [row] = await t.dataSource.query<{ id: string }[]>(
    `WITH p AS (
       INSERT INTO shop_products (slug, title, status, price_min, price_max)
       VALUES ($1, $1, 'active', $2, $2) RETURNING id
     )
     INSERT INTO shop_variants (product_id, sku, title, price_minor, weight_grams, on_hand, options)
     SELECT id, $1, 'Default', $2, $3, $4, $5 FROM p RETURNING id`,
    [sku, price, seed.weightGrams ?? 100, seed.onHand ?? 0, JSON.stringify(seed.options ?? {})],
  );
  return row.id;
}
