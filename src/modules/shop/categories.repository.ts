import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { mapConflicts } from './catalog-writes.repository';

export interface CategoryRow {
  id: string;
  parentId: string | null;
  slug: string;
  name: string;
  position: number;
}

/** The category tree: reads, and writes that keep it a tree. */
@Injectable()
export class CategoriesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findCategory(
    slug: string,
  ): Promise<{ slug: string; name: string; parent: string | null; position: number } | undefined> {
    const [row] = await this.dataSource.query<
      { slug: string; name: string; parent: string | null; position: number }[]
    >(
      `SELECT c.slug, c.name, parent.slug AS parent, c.position
       FROM shop_categories c LEFT JOIN shop_categories parent ON parent.id = c.parent_id
       WHERE c.slug = $1`,
      [slug],
    );
    return row;
  }

  /** Every category in sibling order (position, name); callers build the tree. */
  findCategories(): Promise<CategoryRow[]> {
    return this.dataSource.query<CategoryRow[]>(
      `SELECT id, parent_id AS "parentId", slug, name, position
       FROM shop_categories ORDER BY position, name, slug`,
    );
  }

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
}
