import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { isoTimestamp } from '@/core/database/sql';
import { MAX_OPTIONS_PER_VARIANT, type ProductSort } from './dto/catalog-fields';
import type { ProductStatus } from './entities/product.entity';

export interface OptionValuesRow {
  name: string;
  /** In the order the variants first use them (S, M, L — not alphabetical). */
  values: string[];
}

/** A product as lists show it: no description, variants summarised. Amounts in minor units. */
export interface ProductSummaryRow {
  id: string;
  slug: string;
  title: string;
  status: ProductStatus;
  images: string[];
  category: { slug: string; name: string } | null;
  priceMin: number | null;
  priceMax: number | null;
  /** Units that can be bought now, over all variants (on hand − reserved). */
  available: number;
  variantCount: number;
  options: OptionValuesRow[];
  createdAt: string;
  updatedAt: string;
}

export interface VariantRow {
  id: string;
  sku: string;
  title: string;
  options: { name: string; value: string }[];
  priceMinor: number;
  weightGrams: number;
  available: number;
}

export interface ProductRow extends ProductSummaryRow {
  description: string;
  /** The edit version behind the ETag (not part of the JSON). */
  version: number;
  variants: VariantRow[];
}

/** Where a keyset page ends: the last row's sort key and id. */
export interface ProductCursor {
  sort: ProductSort;
  /** created_at to the microsecond (newest), price_min (price sorts, may be null), rank. */
  key: string | number | null;
  id: string;
}

export interface ProductCriteria {
  /** Only this status; undefined = every status (staff lists). */
  status?: ProductStatus;
  /** Category slug: the category and all its descendants. */
  category?: string;
  collection?: string;
  /** A product matches when one variant satisfies every variant condition at once. */
  priceMin?: number;
  priceMax?: number;
  inStock?: boolean;
  /** Option name → accepted values (OR within a name, AND across names). */
  options?: Record<string, string[]>;
  q?: string;
  sort: ProductSort;
  limit: number;
  /** Keyset pagination (storefront) … */
  after?: ProductCursor;
  /** … or offset pagination (staff lists, with `total`). */
  offset?: number;
  withTotal: boolean;
  withFacets: boolean;
}

export interface FacetsRow {
  total: number;
  /** Products per category, counted in every ancestor too (a shirt counts for "Clothing"). */
  categories: { slug: string; name: string; count: number }[];
  options: { name: string; value: string; count: number }[];
  priceMin: number | null;
  priceMax: number | null;
}

export interface ProductPage {
  rows: ProductSummaryRow[];
  next?: ProductCursor;
  total?: number;
  facets?: FacetsRow;
}

const SEARCH_DOCUMENT = `to_tsvector('english', p.title || ' ' || p.description)`;

/** ORDER BY of each sort over the `filtered` columns (the last column makes it total). */
const ORDER: Record<ProductSort, string> = {
  newest: 'created_at DESC, id DESC',
  price_asc: 'price_min ASC NULLS LAST, id ASC',
  // The exact reverse of price_asc, so the (status, price_min, id) index serves both directions.
  price_desc: 'price_min DESC NULLS FIRST, id DESC',
  relevance: 'rank DESC, id DESC',
};

/** The sort key a cursor stores, per sort. Timestamps keep their microseconds. */
const CURSOR_KEY: Record<ProductSort, string> = {
  newest: `to_char(f.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
  // float8: a number in both result forms (pg returns bigint columns as strings).
  price_asc: 'f.price_min::float8',
  price_desc: 'f.price_min::float8',
  relevance: 'f.rank',
};

/**
 * Everything a list shows about a product, from `p` (shop_products) in one pass over its
 * variants: category, price range, availability, variant count and the option values in use.
 */
const SUMMARY_COLUMNS = `
  p.id, p.slug, p.title, p.status, p.images,
  (SELECT json_build_object('slug', c.slug, 'name', c.name)
     FROM shop_categories c WHERE c.id = p.category_id) AS category,
  p.price_min AS "priceMin", p.price_max AS "priceMax",
  vs.available, vs."variantCount", os.options,
  ${isoTimestamp('p.created_at')} AS "createdAt",
  ${isoTimestamp('p.updated_at')} AS "updatedAt"`;

const SUMMARY_JOINS = `
  CROSS JOIN LATERAL (
    SELECT coalesce(sum(v.on_hand - v.reserved), 0)::int AS available, count(*)::int AS "variantCount"
    FROM shop_variants v WHERE v.product_id = p.id
  ) vs
  CROSS JOIN LATERAL (
    SELECT coalesce(json_agg(json_build_object('name', kv.name, 'values', kv.vals) ORDER BY kv.name),
                    '[]'::json) AS options
    FROM (
      SELECT name, json_agg(value ORDER BY first_position, value) AS vals
      FROM (
        SELECT o.key AS name, o.value, min(v.position) AS first_position
        FROM shop_variants v CROSS JOIN LATERAL jsonb_each_text(v.options) o
        WHERE v.product_id = p.id
        GROUP BY o.key, o.value
      ) used GROUP BY name
    ) kv
  ) os`;

type Param = (value: unknown) => string;

/**
 * Product reads, each one SQL statement with the JSON built by PostgreSQL: a page of products
 * with their variant summary, price and availability (plus facet counts when asked), and one
 * product with its variants.
 */
@Injectable()
export class CatalogRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findPage(c: ProductCriteria): Promise<ProductPage> {
    const params: unknown[] = [];
    const p: Param = (value) => {
      params.push(value);
      return `$${params.length}`;
    };
    const ctes: string[] = [];
    const where: string[] = [];
    if (c.status) where.push(`p.status = ${p(c.status)}`);
    if (c.category !== undefined) {
      // UNION, not UNION ALL: even a cycle in the tree cannot make the recursion endless.
      ctes.push(`in_category AS (
        SELECT id FROM shop_categories WHERE slug = ${p(c.category)}
        UNION
        SELECT ch.id FROM shop_categories ch JOIN in_category t ON ch.parent_id = t.id)`);
      // = ANY(ARRAY(…)) rather than IN (subquery): the planner then estimates a handful of
      // categories instead of half the table (which costed facet queries into JIT compilation).
      where.push('p.category_id = ANY (ARRAY(SELECT id FROM in_category))');
    }
    if (c.collection !== undefined) {
      where.push(`EXISTS (SELECT 1 FROM shop_collection_products cp
                          JOIN shop_collections co ON co.id = cp.collection_id
                          WHERE cp.product_id = p.id AND co.slug = ${p(c.collection)})`);
    }
    const query = c.q !== undefined ? `websearch_to_tsquery('english', ${p(c.q)})` : undefined;
    // The very expression of the GIN index shop_products_search_idx, so the index applies.
    if (query) where.push(`${SEARCH_DOCUMENT} @@ ${query}`);
    where.push(...this.variantConditions(c, p));

    // The storefront's page alone (no total, no facets) reads `filtered` once: it is inlined,
    // carries the columns the page shows, and the rows come back as rows (below). Totals and
    // facets read `filtered` several times, so there it stays narrow (it is materialized).
    const rowsOnly = !c.withTotal && !c.withFacets;
    ctes.push(`filtered AS (
      SELECT p.id, p.created_at, p.price_min, p.price_max, p.category_id,
             ${rowsOnly ? 'p.slug, p.title, p.status, p.images, p.updated_at,' : ''}
             ${query ? `ts_rank(${SEARCH_DOCUMENT}, ${query})` : '0::real'} AS rank
      FROM shop_products p
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''})`);
    const keyset = c.after ? this.keyset(c.after, p, c.status === 'active') : undefined;
    // One row more than asked tells whether a next page exists.
    const fetch = c.offset === undefined ? c.limit + 1 : c.limit;
    ctes.push(`page AS (
      SELECT f.*, ${CURSOR_KEY[c.sort]} AS cursor_key FROM filtered f
      ${keyset ? `WHERE ${keyset}` : ''}
      ORDER BY ${ORDER[c.sort]}
      LIMIT ${p(fetch)}${c.offset !== undefined ? ` OFFSET ${p(c.offset)}` : ''})`);
    if (rowsOnly) {
      return this.toPage(c, await this.findPageRows(c, ctes, params));
    }
    ctes.push(`rows AS (
      SELECT ${SUMMARY_COLUMNS},
             page.created_at, page.price_min, page.rank, page.cursor_key
      FROM page JOIN shop_products p ON p.id = page.id
      ${SUMMARY_JOINS})`);
    if (c.withFacets) ctes.push(...this.facetCtes());

    const recursive = c.category !== undefined || c.withFacets;
    const sql = `
      WITH ${recursive ? 'RECURSIVE ' : ''}${ctes.join(',\n')}
      SELECT coalesce((SELECT json_agg(r ORDER BY ${ORDER[c.sort].replace(/(\w+) (ASC|DESC)/g, 'r.$1 $2')})
                       FROM rows r), '[]'::json) AS products
             ${c.withTotal || c.withFacets ? ', (SELECT count(*) FROM filtered)::int AS total' : ''}
             ${c.withFacets ? `, ${this.facetColumns()}` : ''}`;
    const [result] = await this.dataSource.manager.query<
      {
        products: (ProductSummaryRow & { cursor_key: string | number | null })[];
        total?: number;
        facets?: Omit<FacetsRow, 'total'>;
      }[]
    >(sql, params);
    return {
      ...this.toPage(
        c,
        result.products.map(({ cursor_key, ...row }) => ({
          row: {
            id: row.id,
            slug: row.slug,
            title: row.title,
            status: row.status,
            images: row.images,
            category: row.category,
            priceMin: row.priceMin,
            priceMax: row.priceMax,
            available: row.available,
            variantCount: row.variantCount,
            options: row.options,
            createdAt: row.createdAt,
            updatedAt: row.updatedAt,
          },
          cursor_key,
        })),
      ),
      total: result.total,
      facets:
        result.facets && result.total !== undefined
          ? { ...result.facets, total: result.total }
          : undefined,
    };
  }

  /**
   * The page as plain rows, as a hand-written query would return them: no second visit of
   * `shop_products`, no sub-select per row for the category, no `json_agg` of the page. Measured
   * on the bench's 100k variants: 1.85 ms a statement against 2.7 ms for the JSON form
   * (bench/README.md, shop); pg parses these columns as cheaply as one JSON value.
   */
  private async findPageRows(
    c: ProductCriteria,
    ctes: string[],
    params: unknown[],
  ): Promise<{ row: ProductSummaryRow; cursor_key: string | number | null }[]> {
    const sql = `
      WITH ${c.category !== undefined ? 'RECURSIVE ' : ''}${ctes.join(',\n')}
      SELECT p.id, p.slug, p.title, p.status, p.images,
             c.slug AS category_slug, c.name AS category_name,
             p.price_min::float8 AS price_min, p.price_max::float8 AS price_max,
             vs.available, vs."variantCount", os.options,
             ${isoTimestamp('p.created_at')} AS "createdAt",
             ${isoTimestamp('p.updated_at')} AS "updatedAt",
             p.cursor_key
      FROM page p
      LEFT JOIN shop_categories c ON c.id = p.category_id
      ${SUMMARY_JOINS}
      ORDER BY ${ORDER[c.sort].replace(/(\w+) (ASC|DESC)/g, 'p.$1 $2')}`;
    const rows = await this.dataSource.manager.query<
      (Omit<ProductSummaryRow, 'category' | 'priceMin' | 'priceMax'> & {
        category_slug: string | null;
        category_name: string | null;
        price_min: number | null;
        price_max: number | null;
        cursor_key: string | number | null;
      })[]
    >(sql, params);
    return rows.map((r) => ({
      row: {
        id: r.id,
        slug: r.slug,
        title: r.title,
        status: r.status,
        images: r.images,
        category:
          r.category_slug === null ? null : { slug: r.category_slug, name: r.category_name ?? '' },
        priceMin: r.price_min,
        priceMax: r.price_max,
        available: r.available,
        variantCount: r.variantCount,
        options: r.options,
        createdAt: r.createdAt,
        updatedAt: r.updatedAt,
      },
      cursor_key: r.cursor_key,
    }));
  }

  /** The asked-for rows, and the cursor after them when one more row came back. */
  private toPage(
    c: ProductCriteria,
    all: { row: ProductSummaryRow; cursor_key: string | number | null }[],
  ): ProductPage {
    const last = all.length > c.limit ? all[c.limit - 1] : undefined;
    return {
      rows: all.slice(0, c.limit).map((r) => r.row),
      next: last ? { sort: c.sort, key: last.cursor_key, id: last.row.id } : undefined,
    };
  }

  /**
   * Variant-level filters in one EXISTS: "size M, in stock, under 20 €" means one variant that
   * is all three, not three different variants. Option equality is `@>` containment, which the
   * GIN index on shop_variants.options serves.
   */
  private variantConditions(c: ProductCriteria, p: Param): string[] {
    const product: string[] = [];
    const variant: string[] = [];
    if (c.priceMin !== undefined) {
      const min = p(c.priceMin);
      product.push(`p.price_max >= ${min}`); // cheap pre-filter on the product's range
      variant.push(`v.price_minor >= ${min}`);
    }
    if (c.priceMax !== undefined) {
      const max = p(c.priceMax);
      product.push(`p.price_min <= ${max}`);
      variant.push(`v.price_minor <= ${max}`);
    }
    if (c.inStock) variant.push('v.on_hand > v.reserved');
    for (const [name, values] of Object.entries(c.options ?? {})) {
      const any = values.map(
        (value) => `v.options @> ${p(JSON.stringify({ [name]: value }))}::jsonb`,
      );
      variant.push(any.length === 1 ? any[0] : `(${any.join(' OR ')})`);
    }
    if (variant.length) {
      product.push(`EXISTS (SELECT 1 FROM shop_variants v
                            WHERE v.product_id = p.id AND ${variant.join(' AND ')})`);
    }
    return product;
  }

  /**
   * Rows strictly after the cursor in the sort's order, as row comparisons the index can start
   * from. Active products always have a price (shop_products_active_priced_check), so only
   * lists that may hold drafts need the branches for unpriced rows.
   */
  private keyset(after: ProductCursor, p: Param, allPriced: boolean): string {
    const id = `${p(after.id)}::uuid`;
    switch (after.sort) {
      case 'newest':
        return `(f.created_at, f.id) < (${p(after.key)}::timestamptz, ${id})`;
      case 'relevance':
        return `(f.rank, f.id) < (${p(after.key)}::real, ${id})`;
      case 'price_asc':
        if (allPriced) return `(f.price_min, f.id) > (${p(after.key)}::bigint, ${id})`;
        // NULLS LAST: unpriced products (drafts without variants) come after every priced one.
        return after.key === null
          ? `(f.price_min IS NULL AND f.id > ${id})`
          : `((f.price_min, f.id) > (${p(after.key)}::bigint, ${id}) OR f.price_min IS NULL)`;
      case 'price_desc':
        return after.key === null
          ? `(f.price_min IS NOT NULL OR f.id < ${id})`
          : `(f.price_min, f.id) < (${p(after.key)}::bigint, ${id})`;
    }
  }

  /** The category closure (ancestor, descendant), for counts that roll up the tree. */
  private facetCtes(): string[] {
    return [
      `category_closure AS (
        SELECT id AS ancestor, id AS descendant FROM shop_categories
        UNION
        SELECT cc.ancestor, ch.id FROM category_closure cc
        JOIN shop_categories ch ON ch.parent_id = cc.descendant)`,
    ];
  }

  private facetColumns(): string {
    return `json_build_object(
      'categories', coalesce((
        SELECT json_agg(x ORDER BY x.count DESC, x.slug) FROM (
          SELECT c.slug, c.name, count(*)::int AS count
          FROM filtered f
          JOIN category_closure cc ON cc.descendant = f.category_id
          JOIN shop_categories c ON c.id = cc.ancestor
          GROUP BY c.id, c.slug, c.name) x), '[]'::json),
      'options', coalesce((
        SELECT json_agg(x ORDER BY x.name, x.value) FROM (
          SELECT o.key AS name, o.value, count(DISTINCT f.id)::int AS count
          FROM filtered f
          JOIN shop_variants v ON v.product_id = f.id
          -- The LIMIT (a variant has at most ${MAX_OPTIONS_PER_VARIANT} options) only corrects the
          -- planner's default guess of 100 rows per set-returning call.
          CROSS JOIN LATERAL (SELECT key, value FROM jsonb_each_text(v.options)
                              LIMIT ${MAX_OPTIONS_PER_VARIANT}) o
          GROUP BY o.key, o.value) x), '[]'::json),
      'priceMin', (SELECT min(f.price_min) FROM filtered f),
      'priceMax', (SELECT max(f.price_max) FROM filtered f)
    ) AS facets`;
  }

  /** One product with its variants; `status` limits what may be seen (undefined = any). */
  async findProduct(slug: string, status?: ProductStatus): Promise<ProductRow | undefined> {
    // Built as JSON like the lists, so bigint amounts arrive as numbers, not strings.
    const [row] = await this.dataSource.manager.query<{ product: ProductRow }[]>(
      `SELECT to_json(d) AS product FROM (
       SELECT ${SUMMARY_COLUMNS}, p.description, p.version,
         coalesce((
           SELECT json_agg(json_build_object(
             'id', v.id, 'sku', v.sku, 'title', v.title,
             'options', (SELECT coalesce(json_agg(json_build_object('name', o.key, 'value', o.value)
                                                  ORDER BY o.key), '[]'::json)
                         FROM jsonb_each_text(v.options) o),
             'priceMinor', v.price_minor, 'weightGrams', v.weight_grams,
             'available', v.on_hand - v.reserved
           ) ORDER BY v.position, v.sku)
           FROM shop_variants v WHERE v.product_id = p.id), '[]'::json) AS variants
       FROM shop_products p
       ${SUMMARY_JOINS}
       WHERE p.slug = $1 ${status ? 'AND p.status = $2' : ''}) d`,
      status ? [slug, status] : [slug],
    );
    return row?.product;
  }
}
