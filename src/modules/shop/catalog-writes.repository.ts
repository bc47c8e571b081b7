import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryFailedError, type EntityManager } from 'typeorm';
import { isoTimestamp } from '@/core/database/sql';
import type { ProductStatus } from './entities/product.entity';
import {
  CategoryHasChildrenError,
  DuplicateVariantOptionsError,
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

export interface CollectionRow {
  slug: string;
  title: string;
  description: string;
  /** Active products in it. */
  productsCount: number;
  createdAt: string;
  updatedAt: string;
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

async function mapConflicts<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    throw conflictOf(error) ?? error;
  }
}

/**
 * Catalog writes: products with their variants, categories and collections. Every product
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

  async countVariants(manager: EntityManager, productId: string): Promise<number> {
    const [row] = await manager.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM shop_variants WHERE product_id = $1',
      [productId],
    );
    return row.n;
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

  // ---------------------------------------------------------------- categories

  async categoryIdBySlug(manager: EntityManager, slug: string): Promise<string | undefined> {
    const [row] = await manager.query<{ id: string }[]>(
      'SELECT id FROM shop_categories WHERE slug = $1',
      [slug],
    );
    return row?.id;
  }

  async insertCategory(
    manager: EntityManager,
    fields: { slug: string; name: string; parentId: string | null; position: number },
  ): Promise<void> {
    await mapConflicts(
      manager.query(
        'INSERT INTO shop_categories (slug, name, parent_id, position) VALUES ($1, $2, $3, $4)',
        [fields.slug, fields.name, fields.parentId, fields.position],
      ),
    );
  }

  /**
   * Serialises moves in the category tree for this transaction: two concurrent moves (A under
   * B, B under A) would each pass the cycle check alone.
   */
  async lockCategoryTree(manager: EntityManager): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('shop_categories_tree'))`);
  }

  /** Whether `candidateId` is `categoryId` itself or lies below it. */
  async isSelfOrDescendant(
    manager: EntityManager,
    categoryId: string,
    candidateId: string,
  ): Promise<boolean> {
    const [row] = await manager.query<{ found: boolean }[]>(
      `WITH RECURSIVE below AS (
         SELECT id FROM shop_categories WHERE id = $1
         UNION
         SELECT c.id FROM shop_categories c JOIN below b ON c.parent_id = b.id
       ) SELECT EXISTS (SELECT 1 FROM below WHERE id = $2) AS found`,
      [categoryId, candidateId],
    );
    return row.found;
  }

  async updateCategory(
    manager: EntityManager,
    id: string,
    changes: Partial<{ slug: string; name: string; parentId: string | null; position: number }>,
  ): Promise<void> {
    const columns = { slug: 'slug', name: 'name', parentId: 'parent_id', position: 'position' };
    const params: unknown[] = [id];
    const sets = Object.entries(changes)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => {
        params.push(value);
        return `${columns[key as keyof typeof columns]} = $${params.length}`;
      });
    await mapConflicts(
      manager.query(
        `UPDATE shop_categories SET ${[...sets, 'updated_at = now()'].join(', ')} WHERE id = $1`,
        params,
      ),
    );
  }

  /** Deletes a leaf category; its products become uncategorised (FK SET NULL). */
  async deleteCategory(manager: EntityManager, id: string): Promise<void> {
    await mapConflicts(manager.query('DELETE FROM shop_categories WHERE id = $1', [id]));
  }

  /** Slugs of the products directly in a category (their copies show its name). */
  async productSlugsInCategory(manager: EntityManager, categoryId: string): Promise<string[]> {
    const rows = await manager.query<{ slug: string }[]>(
      'SELECT slug FROM shop_products WHERE category_id = $1',
      [categoryId],
    );
    return rows.map((r) => r.slug);
  }

  // ---------------------------------------------------------------- collections

  async listCollections(
    limit: number,
    offset: number,
  ): Promise<{ collections: CollectionRow[]; total: number }> {
    const [row] = await this.dataSource.query<{ collections: CollectionRow[]; total: number }[]>(
      `WITH page AS (
         SELECT * FROM shop_collections ORDER BY title, slug LIMIT $1 OFFSET $2
       ), rows AS (${this.collectionSelect('page')})
       SELECT (SELECT count(*) FROM shop_collections)::int AS total,
              coalesce((SELECT json_agg(r ORDER BY r.title, r.slug) FROM rows r), '[]'::json)
                AS collections`,
      [limit, offset],
    );
    return row;
  }

  async findCollection(slug: string): Promise<CollectionRow | undefined> {
    const [row] = await this.dataSource.query<CollectionRow[]>(
      `${this.collectionSelect('shop_collections')} WHERE co.slug = $1`,
      [slug],
    );
    return row;
  }

  private collectionSelect(from: string): string {
    return `SELECT co.slug, co.title, co.description,
              (SELECT count(*) FROM shop_collection_products cp
               JOIN shop_products p ON p.id = cp.product_id AND p.status = 'active'
               WHERE cp.collection_id = co.id)::int AS "productsCount",
              ${isoTimestamp('co.created_at')} AS "createdAt",
              ${isoTimestamp('co.updated_at')} AS "updatedAt"
            FROM ${from} co`;
  }

  async insertCollection(fields: {
    slug: string;
    title: string;
    description: string;
  }): Promise<void> {
    await mapConflicts(
      this.dataSource.query(
        'INSERT INTO shop_collections (slug, title, description) VALUES ($1, $2, $3)',
        [fields.slug, fields.title, fields.description],
      ),
    );
  }

  async updateCollection(
    slug: string,
    changes: Partial<{ slug: string; title: string; description: string }>,
  ): Promise<boolean> {
    const params: unknown[] = [slug];
    const sets = (['slug', 'title', 'description'] as const)
      .filter((key) => changes[key] !== undefined)
      .map((key) => {
        params.push(changes[key]);
        return `${key} = $${params.length}`;
      });
    const [, affected] = await mapConflicts(
      this.dataSource.query<[unknown[], number]>(
        `UPDATE shop_collections SET ${[...sets, 'updated_at = now()'].join(', ')}
         WHERE slug = $1`,
        params,
      ),
    );
    return affected > 0;
  }

  async deleteCollection(slug: string): Promise<boolean> {
    const [, affected] = await this.dataSource.query<[unknown[], number]>(
      'DELETE FROM shop_collections WHERE slug = $1',
      [slug],
    );
    return affected > 0;
  }

  /**
   * Puts a product in a collection (idempotent: already there changes nothing). Returns which
   * of the two was missing, if any.
   */
  async addToCollection(
    collectionSlug: string,
    productSlug: string,
  ): Promise<'ok' | 'collection' | 'product'> {
    const [row] = await this.dataSource.query<{ collection: boolean; product: boolean }[]>(
      `WITH co AS (SELECT id FROM shop_collections WHERE slug = $1),
            p AS (SELECT id FROM shop_products WHERE slug = $2),
            added AS (
              INSERT INTO shop_collection_products (collection_id, product_id, position)
              SELECT co.id, p.id,
                     (SELECT coalesce(max(position) + 1, 0) FROM shop_collection_products
                      WHERE collection_id = co.id)
              FROM co, p
              ON CONFLICT (collection_id, product_id) DO NOTHING
            )
       SELECT EXISTS (SELECT 1 FROM co) AS collection, EXISTS (SELECT 1 FROM p) AS product`,
      [collectionSlug, productSlug],
    );
    return !row.collection ? 'collection' : !row.product ? 'product' : 'ok';
  }

  async removeFromCollection(
    collectionSlug: string,
    productSlug: string,
  ): Promise<'ok' | 'collection' | 'product'> {
    const [row] = await this.dataSource.query<{ collection: boolean; product: boolean }[]>(
      `WITH co AS (SELECT id FROM shop_collections WHERE slug = $1),
            p AS (SELECT id FROM shop_products WHERE slug = $2),
            removed AS (
              DELETE FROM shop_collection_products cp USING co, p
              WHERE cp.collection_id = co.id AND cp.product_id = p.id
            )
       SELECT EXISTS (SELECT 1 FROM co) AS collection, EXISTS (SELECT 1 FROM p) AS product`,
      [collectionSlug, productSlug],
    );
    return !row.collection ? 'collection' : !row.product ? 'product' : 'ok';
  }
}
