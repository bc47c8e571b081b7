import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryFailedError, type EntityManager } from 'typeorm';
import type { ProductStatus } from './entities/product.entity';
import {
  CategoryHasChildrenError,
  DuplicateVariantOptionsError,
  ProductWithoutVariantsError,
  SkuTakenError,
  SlugTakenError,
  VariantInUseError,
} from './shop.errors';

export interface ProductFields {
  slug: string;
  title: string;
  description: string;
  status: ProductStatus;
  categoryId: string | null;
  images: string[];
}

export interface VariantFields {
  sku: string;
  title: string;
  options: Record<string, string>;
  priceMinor: number;
  weightGrams: number;
  position?: number;
}

export interface LockedProduct {
  id: string;
  slug: string;
  status: ProductStatus;
  version: number;
}

const COLUMN: Record<keyof ProductFields, string> = {
  slug: 'slug',
  title: 'title',
  description: 'description',
  status: 'status',
  categoryId: 'category_id',
  images: 'images',
};

/** Unique and foreign-key violations that mean "your input conflicts", as domain errors. */
function conflictOf(error: unknown): Error | undefined {
  if (!(error instanceof QueryFailedError)) return undefined;
  const driver = error.driverError as { code?: string; constraint?: string; detail?: string };
  switch (driver.constraint) {
    case 'shop_variants_sku_key':
      return new SkuTakenError(/\(sku\)=\((.{1,64})\)/.exec(driver.detail ?? '')?.[1]);
    case 'shop_products_active_priced_check':
      return new ProductWithoutVariantsError();
    case 'shop_variants_product_options_key':
      return new DuplicateVariantOptionsError();
    case 'shop_products_slug_key':
      return new SlugTakenError('product');
    case 'shop_categories_slug_key':
      return new SlugTakenError('category');
    case 'shop_collections_slug_key':
      return new SlugTakenError('collection');
    case 'shop_order_lines_variant_id_fkey':
      return new VariantInUseError();
    case 'shop_categories_parent_id_fkey':
      return driver.code === '23503' ? new CategoryHasChildrenError() : undefined;
    case undefined:
    default:
      return undefined;
  }
}

export async function mapConflicts<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    throw conflictOf(error) ?? error;
  }
}

/**
 * Writes of products with their variants. Every product
 * write ends with `saveProduct`, which recomputes the price range from the variants in the
 * same transaction and bumps the version (the ETag). Constraint violations come back as the
 * shop's domain errors (409 with a code), never as a 500.
 */
@Injectable()
export class CatalogWritesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The product row, locked until commit: concurrent writes of one product queue here. */
  async lockProduct(manager: EntityManager, slug: string): Promise<LockedProduct | undefined> {
    const [row] = await manager.query<LockedProduct[]>(
      'SELECT id, slug, status, version FROM shop_products WHERE slug = $1 FOR UPDATE',
      [slug],
    );
    return row;
  }

  async insertProduct(manager: EntityManager, fields: ProductFields): Promise<string> {
    const [row] = await mapConflicts(
      manager.query<{ id: string }[]>(
        `INSERT INTO shop_products (slug, title, description, status, category_id, images)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb) RETURNING id`,
        [
          fields.slug,
          fields.title,
          fields.description,
          fields.status,
          fields.categoryId,
          JSON.stringify(fields.images),
        ],
      ),
    );
    return row.id;
  }

  /**
   * Applies `changes`, sets price_min/price_max from the variants as they are now in this
   * transaction, and (unless `bump` is false, for a new product) bumps the version.
   */
  async saveProduct(
    manager: EntityManager,
    id: string,
    changes: Partial<ProductFields>,
    bump = true,
  ): Promise<{ slug: string; version: number }> {
    const params: unknown[] = [id];
    const sets = Object.entries(changes)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => {
        params.push(key === 'images' ? JSON.stringify(value) : value);
        const column = COLUMN[key as keyof ProductFields];
        return `${column} = $${params.length}${key === 'images' ? '::jsonb' : ''}`;
      });
    const [[row]] = await mapConflicts(
      manager.query<[{ slug: string; version: number }[], number]>(
        `UPDATE shop_products p SET ${[...sets, ''].join(', ')}
           price_min = agg.lowest, price_max = agg.highest,
           version = p.version + ${bump ? 1 : 0}, updated_at = now()
         FROM (SELECT min(price_minor) AS lowest, max(price_minor) AS highest
               FROM shop_variants WHERE product_id = $1) agg
         WHERE p.id = $1
         RETURNING p.slug, p.version`,
        params,
      ),
    );
    return row;
  }

  /** Inserts variants after the product's last position, in one statement. Stock starts at 0. */
  async insertVariants(
    manager: EntityManager,
    productId: string,
    variants: VariantFields[],
  ): Promise<void> {
    await mapConflicts(
      manager.query(
        `INSERT INTO shop_variants (product_id, sku, title, options, price_minor, weight_grams, position)
         SELECT $1, x.sku, x.title, x.options, x.price_minor, x.weight_grams,
                coalesce(x.position, (SELECT coalesce(max(position) + 1, 0)
                                      FROM shop_variants WHERE product_id = $1) + x.ord - 1)
         FROM ROWS FROM (jsonb_to_recordset($2::jsonb) AS (sku text, title text, options jsonb,
                         price_minor bigint, weight_grams int, position int))
              WITH ORDINALITY AS x(sku, title, options, price_minor, weight_grams, position, ord)`,
        [
          productId,
          JSON.stringify(
            variants.map((v) => ({
              sku: v.sku,
              title: v.title,
              options: v.options,
              price_minor: v.priceMinor,
              weight_grams: v.weightGrams,
              position: v.position ?? null,
            })),
          ),
        ],
      ),
    );
  }

  /** Changes one variant of the product; false if the product has no such SKU. */
  async updateVariant(
    manager: EntityManager,
    productId: string,
    sku: string,
    changes: Partial<VariantFields>,
  ): Promise<boolean> {
    const columns: Record<keyof VariantFields, string> = {
      sku: 'sku',
      title: 'title',
      options: 'options',
      priceMinor: 'price_minor',
      weightGrams: 'weight_grams',
      position: 'position',
    };
    const params: unknown[] = [productId, sku];
    const sets = Object.entries(changes)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => {
        params.push(key === 'options' ? JSON.stringify(value) : value);
        return `${columns[key as keyof VariantFields]} = $${params.length}${key === 'options' ? '::jsonb' : ''}`;
      });
    const [, affected] = await mapConflicts(
      manager.query<[unknown[], number]>(
        `UPDATE shop_variants SET ${[...sets, 'updated_at = now()'].join(', ')}
         WHERE product_id = $1 AND sku = $2`,
        params,
      ),
    );
    return affected > 0;
  }

  async deleteVariant(manager: EntityManager, productId: string, sku: string): Promise<boolean> {
    const [, affected] = await mapConflicts(
      manager.query<[unknown[], number]>(
        'DELETE FROM shop_variants WHERE product_id = $1 AND sku = $2',
        [productId, sku],
      ),
    );
    return affected > 0;
  }

  /** Slugs of the products owning these variants (to invalidate their cached copies). */
  async productSlugsOfVariants(variantIds: readonly string[]): Promise<string[]> {
    const rows = await this.dataSource.query<{ slug: string }[]>(
      `SELECT DISTINCT p.slug FROM shop_variants v JOIN shop_products p ON p.id = v.product_id
       WHERE v.id = ANY($1::uuid[])`,
      [variantIds],
    );
    return rows.map((r) => r.slug);
  }
}
