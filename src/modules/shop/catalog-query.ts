import { ValidationFailedError } from '@/core/http/domain-error';
import { decodeCursor, encodeCursor } from '@/core/http/pagination.dto';
import type { ProductCriteria, ProductCursor } from './catalog.repository';
import { PRODUCT_SORTS, type ProductSort } from './dto/catalog-fields';
import type { ProductStatus } from './entities/product.entity';

/**
 * The pure part of catalog listing: filters as repository criteria, and the opaque keyset
 * cursor. No I/O, so the rules are unit-tested on their own (catalog-query.spec.ts).
 */

export interface OptionInputValue {
  name: string;
  value: string;
}

/** What a list asks for, from REST (`?options=size:M` already split) or GraphQL alike. */
export interface ProductFilter {
  category?: string;
  collection?: string;
  priceMin?: number;
  priceMax?: number;
  inStock?: boolean;
  options?: OptionInputValue[];
  q?: string;
  sort?: ProductSort;
  status?: ProductStatus;
}

/** Filters (status aside) as repository criteria; contradictions are refused with 422. */
export function toCriteria(
  filter: ProductFilter,
): Omit<ProductCriteria, 'status' | 'limit' | 'withTotal' | 'withFacets'> {
  const sort = filter.sort ?? (filter.q !== undefined ? 'relevance' : 'newest');
  if (sort === 'relevance' && filter.q === undefined) {
    throw new ValidationFailedError({ sort: ['relevance needs a search query (q)'] });
  }
  if (
    filter.priceMin !== undefined &&
    filter.priceMax !== undefined &&
    filter.priceMin > filter.priceMax
  ) {
    throw new ValidationFailedError({ priceMax: ['must not be below priceMin'] });
  }
  // One name twice means either value: group the values by name.
  const options: Record<string, string[]> = {};
  for (const { name, value } of filter.options ?? []) {
    options[name] = [...new Set([...(options[name] ?? []), value])];
  }
  return {
    category: filter.category,
    collection: filter.collection,
    priceMin: filter.priceMin,
    priceMax: filter.priceMax,
    inStock: filter.inStock,
    options,
    q: filter.q,
    sort,
  };
}

/** base64url JSON of the last row's sort key and id; an unpriced product's key is `''`. */
export function encodeProductCursor(cursor: ProductCursor): string {
  return encodeCursor({ sort: cursor.sort, key: cursor.key ?? '', id: cursor.id });
}

/** A cursor back to a position; refused (422) if it was made for another sort or forged. */
/**
 * Exactly the timestamps the list writes into its cursors (`YYYY-MM-DDTHH:MM:SS.ffffffZ`, a
 * real calendar instant): JavaScript's date parser accepts far more than PostgreSQL does.
 */
function isCursorTimestamp(key: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/.test(key)) return false;
  const ms = Date.parse(key);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 19) === key.slice(0, 19);
}

export function decodeProductCursor(cursor: string, sort: ProductSort): ProductCursor {
  const raw = decodeCursor(cursor);
  const invalid = () => new ValidationFailedError({ cursor: ['is invalid for this list'] });
  if (!raw || raw.sort !== sort || !PRODUCT_SORTS.includes(raw.sort as ProductSort)) {
    throw invalid();
  }
  const { key, id } = raw;
  if (typeof id !== 'string' || !/^[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i.test(id)) {
    throw invalid();
  }
  switch (sort) {
    case 'newest':
      if (typeof key !== 'string' || !isCursorTimestamp(key)) throw invalid();
      return { sort, key, id };
    case 'relevance':
      // ts_rank is a non-negative float4: anything else would fail in PostgreSQL, not here.
      if (typeof key !== 'number' || !(key >= 0 && key < 1e30)) throw invalid();
      return { sort, key, id };
    case 'price_asc':
    case 'price_desc':
      if (key === '') return { sort, key: null, id };
      if (typeof key !== 'number' || !Number.isSafeInteger(key)) throw invalid();
      return { sort, key, id };
  }
}

/** A URL slug from a title: lower-case ASCII words joined by dashes (`fallback` if none). */
export function slugOf(text: string, fallback: string, max = 200): string {
  const base = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/, '');
  return base || fallback;
}
