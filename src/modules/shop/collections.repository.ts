import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { isoTimestamp } from '@/core/database/sql';
import { mapConflicts } from './catalog-writes.repository';

export interface CollectionRow {
  slug: string;
  title: string;
  description: string;
  /** Active products in it. */
  productsCount: number;
  createdAt: string;
  updatedAt: string;
}

/** Hand-picked sets of products and their membership. */
@Injectable()
export class CollectionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

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
