import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TransactionService } from '@/core/database/transaction.service';
import { ReadThroughCache } from '@/core/redis/read-through-cache';
import { CategoriesRepository } from './categories.repository';
import { CollectionsRepository, type CollectionRow } from './collections.repository';
import { slugOf } from './catalog-query';
import { CatalogService } from './catalog.service';
import {
  toCategoryTree,
  type CategoryDto,
  type CategoryNodeDto,
  type CollectionDto,
} from './dto/catalog.dto';
import {
  CategoryCycleError,
  CategoryNotFoundError,
  CollectionNotFoundError,
  ProductNotFoundError,
  UnknownCategoryError,
} from './shop.errors';

export interface CategoryInput {
  name: string;
  slug?: string;
  parent?: string | null;
  position?: number;
}

export interface CollectionInput {
  title: string;
  slug?: string;
  description?: string;
}

const CATEGORY_TREE_KEY = 'shop:categories';
const CATEGORY_TREE_TTL_MS = 5 * 60_000;

/** How the catalog is organised: the category tree and hand-picked collections. */
@Injectable()
export class CatalogTaxonomyService {
  constructor(
    private readonly categories: CategoriesRepository,
    private readonly collections: CollectionsRepository,
    private readonly tx: TransactionService,
    private readonly cache: ReadThroughCache,
    private readonly catalog: CatalogService,
  ) {}

  /** The whole tree, cached; every category write invalidates it. */
  categoryTree(): Promise<CategoryNodeDto[]> {
    return this.cache.get(CATEGORY_TREE_KEY, CATEGORY_TREE_TTL_MS, async () =>
      toCategoryTree(await this.categories.findCategories()),
    );
  }

  async category(slug: string): Promise<CategoryDto> {
    const category = await this.categories.findCategory(slug);
    if (!category) throw new CategoryNotFoundError();
    return category;
  }

  async createCategory(input: CategoryInput): Promise<CategoryDto> {
    const slug = input.slug ?? slugOf(input.name, 'category', 140);
    await this.tx.run(async ({ manager }) => {
      await this.categories.lockCategoryTree(manager);
      await this.categories.insertCategory(manager, {
        slug,
        name: input.name,
        parentId: await this.parentIdOf(manager, input.parent ?? null),
        position: input.position ?? 0,
      });
    });
    await this.cache.invalidate(CATEGORY_TREE_KEY);
    return this.category(slug);
  }

  /** Rename, re-slug, reorder or move; a move below itself or its descendants is refused. */
  async updateCategory(slug: string, changes: Partial<CategoryInput>): Promise<CategoryDto> {
    const { next, products } = await this.tx.run(async ({ manager }) => {
      await this.categories.lockCategoryTree(manager);
      const id = await this.categoryId(manager, slug);
      let parentId: string | null | undefined;
      if (changes.parent !== undefined) {
        parentId = await this.parentIdOf(manager, changes.parent);
        if (parentId && (await this.categories.isSelfOrDescendant(manager, id, parentId))) {
          throw new CategoryCycleError();
        }
      }
      await this.categories.updateCategory(manager, id, {
        name: changes.name,
        slug: changes.slug,
        position: changes.position,
        parentId,
      });
      // Product pages show the category's slug and name.
      const renamed = changes.name !== undefined || changes.slug !== undefined;
      return {
        next: changes.slug ?? slug,
        products: renamed ? await this.categories.productSlugsInCategory(manager, id) : [],
      };
    });
    await this.cache.invalidate(CATEGORY_TREE_KEY);
    await this.catalog.forget(...products);
    return this.category(next);
  }

  /** Deletes a category without subcategories; its products become uncategorised. */
  async deleteCategory(slug: string): Promise<void> {
    const products = await this.tx.run(async ({ manager }) => {
      await this.categories.lockCategoryTree(manager);
      const id = await this.categoryId(manager, slug);
      const inIt = await this.categories.productSlugsInCategory(manager, id);
      await this.categories.deleteCategory(manager, id);
      return inIt;
    });
    await this.cache.invalidate(CATEGORY_TREE_KEY);
    await this.catalog.forget(...products);
  }

  listCollections(page: {
    limit: number;
    offset: number;
  }): Promise<{ collections: CollectionDto[]; total: number }> {
    return this.collections.listCollections(page.limit, page.offset);
  }

  async collection(slug: string): Promise<CollectionDto> {
    const row: CollectionRow | undefined = await this.collections.findCollection(slug);
    if (!row) throw new CollectionNotFoundError();
    return row;
  }

  async createCollection(input: CollectionInput): Promise<CollectionDto> {
    const slug = input.slug ?? slugOf(input.title, 'collection', 140);
    await this.collections.insertCollection({
      slug,
      title: input.title,
      description: input.description ?? '',
    });
    return this.collection(slug);
  }

  async updateCollection(slug: string, changes: Partial<CollectionInput>): Promise<CollectionDto> {
    if (!(await this.collections.updateCollection(slug, changes)))
      throw new CollectionNotFoundError();
    return this.collection(changes.slug ?? slug);
  }

  async deleteCollection(slug: string): Promise<void> {
    if (!(await this.collections.deleteCollection(slug))) throw new CollectionNotFoundError();
  }

  /** Adds a product to a collection; adding it twice changes nothing. */
  async addToCollection(slug: string, productSlug: string): Promise<void> {
    this.found(await this.collections.addToCollection(slug, productSlug));
  }

  async removeFromCollection(slug: string, productSlug: string): Promise<void> {
    this.found(await this.collections.removeFromCollection(slug, productSlug));
  }

  private found(outcome: 'ok' | 'collection' | 'product'): void {
    if (outcome === 'collection') throw new CollectionNotFoundError();
    if (outcome === 'product') throw new ProductNotFoundError();
  }

  private async categoryId(manager: EntityManager, slug: string): Promise<string> {
    const id = await this.categories.categoryIdBySlug(manager, slug);
    if (!id) throw new CategoryNotFoundError();
    return id;
  }

  private async parentIdOf(manager: EntityManager, slug: string | null): Promise<string | null> {
    if (slug === null) return null;
    const id = await this.categories.categoryIdBySlug(manager, slug);
    if (!id) throw new UnknownCategoryError('parent');
    return id;
  }
}
