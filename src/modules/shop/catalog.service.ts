import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { shopConfig, type ShopConfig } from '@/config';
import { MissingPermissionError, UnauthenticatedError } from '@/core/auth/auth.errors';
import { Permission, roleHasPermissions, type AuthUser } from '@/core/auth/permissions';
import { TransactionService } from '@/core/database/transaction.service';
import { ReadThroughCache } from '@/core/redis/read-through-cache';
import {
  decodeProductCursor,
  encodeProductCursor,
  slugOf,
  toCriteria,
  type OptionInputValue,
  type ProductFilter,
} from './catalog-query';
import { CatalogRepository, type ProductRow } from './catalog.repository';
import { CategoriesRepository } from './categories.repository';
import {
  CatalogWritesRepository,
  type LockedProduct,
  type ProductFields,
  type VariantFields,
} from './catalog-writes.repository';
import {
  toFacetsDto,
  toProductDto,
  toProductSummaryDto,
  type FacetsDto,
  type ProductDto,
  type ProductSummaryDto,
} from './dto/catalog.dto';
import type { ProductStatus } from './entities/product.entity';
import {
  CurrencyMismatchError,
  ProductNotFoundError,
  ProductWithoutVariantsError,
  StaleProductError,
  UnknownCategoryError,
  VariantNotFoundError,
} from './shop.errors';

export interface MoneyInputValue {
  amount: number;
  currency: string;
}

export interface VariantInput {
  sku: string;
  title: string;
  options?: OptionInputValue[];
  price: MoneyInputValue;
  weightGrams?: number;
  position?: number;
}

export interface ProductInput {
  title: string;
  slug?: string;
  description?: string;
  status?: ProductStatus;
  category?: string | null;
  images?: string[];
  variants?: VariantInput[];
}

export type ProductChanges = Partial<Omit<ProductInput, 'variants'>>;

/** A product as read, with the revision its ETag is made of. */
export interface ProductRead {
  product: ProductDto;
  /** Edit version of the product (what `If-Match` is compared with). */
  version: number;
  /** `v<version>.<stock hash>`: changes with every edit and every stock change. */
  revision: string;
}

const productKey = (slug: string) => `shop:product:${slug}`;
const PRODUCT_TTL_MS = 60_000;

/**
 * The product catalog: storefront lists and product pages (active products only, cached), and
 * the staff writes of products and their variants. Variant stock is not written here — the
 * inventory service owns it; new variants start with nothing on hand.
 */
@Injectable()
export class CatalogService {
  constructor(
    private readonly reads: CatalogRepository,
    private readonly writes: CatalogWritesRepository,
    private readonly categories: CategoriesRepository,
    private readonly tx: TransactionService,
    private readonly cache: ReadThroughCache,
    @Inject(shopConfig.KEY) private readonly shop: ShopConfig,
  ) {}

  /**
   * A storefront page: keyset-paginated (opaque cursor), one SQL statement including facet
   * counts when asked. Only active products unless a catalog editor asks for another status.
   */
  async list(
    filter: ProductFilter & { limit: number; cursor?: string; facets?: boolean },
    viewer?: AuthUser,
  ): Promise<{ products: ProductSummaryDto[]; nextCursor: string | null; facets?: FacetsDto }> {
    const criteria = {
      ...toCriteria(filter),
      status: this.visibleStatus(filter.status, viewer),
    };
    const after = filter.cursor ? decodeProductCursor(filter.cursor, criteria.sort) : undefined;
    const page = await this.reads.findPage({
      ...criteria,
      limit: filter.limit,
      after,
      withTotal: false,
      withFacets: filter.facets === true,
    });
    const { currency } = this.shop;
    return {
      products: page.rows.map((row) => toProductSummaryDto(row, currency)),
      nextCursor: page.next ? encodeProductCursor(page.next) : null,
      ...(page.facets ? { facets: toFacetsDto(page.facets, currency) } : {}),
    };
  }

  /** Staff list: any status (or the one asked for), offset paging with the total. */
  async listForStaff(
    filter: ProductFilter & { limit: number; offset: number },
  ): Promise<{ products: ProductSummaryDto[]; productsCount: number }> {
    const page = await this.reads.findPage({
      ...toCriteria(filter),
      status: filter.status,
      limit: filter.limit,
      offset: filter.offset,
      withTotal: true,
      withFacets: false,
    });
    return {
      products: page.rows.map((row) => toProductSummaryDto(row, this.shop.currency)),
      productsCount: page.total ?? 0,
    };
  }

  /**
   * One product. The public copy (active products, or `null` for any other slug) comes from the
   * shared cache; catalog editors read the database and also see drafts and archived products.
   */
  async get(slug: string, viewer?: AuthUser): Promise<ProductRead> {
    const row = this.isEditor(viewer)
      ? await this.reads.findProduct(slug)
      : await this.cache.get(
          productKey(slug),
          PRODUCT_TTL_MS,
          async () => (await this.reads.findProduct(slug, 'active')) ?? null,
        );
    if (!row) throw new ProductNotFoundError();
    return this.toRead(row);
  }

  async create(input: ProductInput): Promise<ProductRead> {
    const variants = (input.variants ?? []).map((v) => this.variantFields(v));
    const status = input.status ?? 'draft';
    if (status === 'active' && variants.length === 0) throw new ProductWithoutVariantsError();
    const slug = input.slug ?? slugOf(input.title, 'product');
    await this.tx.run(async ({ manager }) => {
      // Inserted as a draft: an active product must have a price (a CHECK), and the price
      // range exists only once the variants do. The last statement sets both at once.
      const id = await this.writes.insertProduct(manager, {
        slug,
        title: input.title,
        description: input.description ?? '',
        status: 'draft',
        categoryId: await this.categoryIdOf(manager, input.category ?? null),
        images: input.images ?? [],
      });
      if (variants.length) await this.writes.insertVariants(manager, id, variants);
      await this.writes.saveProduct(manager, id, { status }, false);
    });
    await this.forget(slug); // a cached "no such product"
    return this.readForEditor(slug);
  }

  /** Product fields; `expectedVersion` (from If-Match) makes it apply to that version only. */
  async update(
    slug: string,
    changes: ProductChanges,
    expectedVersion?: number,
  ): Promise<ProductRead> {
    const saved = await this.tx.run(async ({ manager }) => {
      const product = await this.lock(manager, slug, expectedVersion);
      // Activating a product without variants fails on shop_products_active_priced_check.
      const fields: Partial<ProductFields> = {
        title: changes.title,
        slug: changes.slug,
        description: changes.description,
        status: changes.status,
        images: changes.images,
        categoryId:
          changes.category === undefined
            ? undefined
            : await this.categoryIdOf(manager, changes.category),
      };
      return this.writes.saveProduct(manager, product.id, fields);
    });
    await this.forget(slug, saved.slug);
    return this.readForEditor(saved.slug);
  }

  async addVariant(
    slug: string,
    input: VariantInput,
    expectedVersion?: number,
  ): Promise<ProductRead> {
    const variant = this.variantFields(input);
    return this.writeVariants(slug, expectedVersion, async (manager, product) => {
      await this.writes.insertVariants(manager, product.id, [variant]);
    });
  }

  async updateVariant(
    slug: string,
    sku: string,
    changes: Partial<VariantInput>,
    expectedVersion?: number,
  ): Promise<ProductRead> {
    if (changes.price) this.assertStoreCurrency(changes.price);
    return this.writeVariants(slug, expectedVersion, async (manager, product) => {
      const updated = await this.writes.updateVariant(manager, product.id, sku, {
        sku: changes.sku,
        title: changes.title,
        options: changes.options ? this.optionsOf(changes.options) : undefined,
        priceMinor: changes.price?.amount,
        weightGrams: changes.weightGrams,
        position: changes.position,
      });
      if (!updated) throw new VariantNotFoundError('sku');
    });
  }

  /**
   * Removes a variant. Ordered ones stay (409 SHOP.VARIANT_IN_USE), and an active product keeps
   * at least one (its price range would become null: shop_products_active_priced_check, 409).
   */
  async removeVariant(slug: string, sku: string, expectedVersion?: number): Promise<ProductRead> {
    return this.writeVariants(slug, expectedVersion, async (manager, product) => {
      if (!(await this.writes.deleteVariant(manager, product.id, sku))) {
        throw new VariantNotFoundError('sku');
      }
    });
  }

  /**
   * For the inventory and checkout code: stock of these variants changed (after commit), so
   * the cached product pages showing their availability are stale.
   */
  async stockChanged(variantIds: readonly string[]): Promise<void> {
    if (!variantIds.length) return;
    await this.forget(...(await this.writes.productSlugsOfVariants(variantIds)));
  }

  /** Drops the cached copies of these products (after a commit that changed them). */
  async forget(...slugs: string[]): Promise<void> {
    await this.cache.invalidate(...[...new Set(slugs)].map(productKey));
  }

  /** Every variant write: lock, check the version, change, recompute the price range, bump. */
  private async writeVariants(
    slug: string,
    expectedVersion: number | undefined,
    change: (manager: EntityManager, product: LockedProduct) => Promise<void>,
  ): Promise<ProductRead> {
    await this.tx.run(async ({ manager }) => {
      const product = await this.lock(manager, slug, expectedVersion);
      await change(manager, product);
      await this.writes.saveProduct(manager, product.id, {});
    });
    await this.forget(slug);
    return this.readForEditor(slug);
  }

  private async lock(
    manager: EntityManager,
    slug: string,
    expectedVersion?: number,
  ): Promise<LockedProduct> {
    const product = await this.writes.lockProduct(manager, slug);
    if (!product) throw new ProductNotFoundError();
    if (expectedVersion !== undefined && product.version !== expectedVersion) {
      throw new StaleProductError();
    }
    return product;
  }

  private async readForEditor(slug: string): Promise<ProductRead> {
    const row = await this.reads.findProduct(slug);
    if (!row) throw new ProductNotFoundError();
    return this.toRead(row);
  }

  private toRead(row: ProductRow): ProductRead {
    const stock = createHash('sha256')
      .update(row.variants.map((v) => `${v.id}:${v.available}`).join(','))
      .digest('base64url')
      .slice(0, 10);
    return {
      product: toProductDto(row, this.shop.currency),
      version: row.version,
      revision: `v${row.version}.${stock}`,
    };
  }

  private async categoryIdOf(manager: EntityManager, slug: string | null): Promise<string | null> {
    if (slug === null) return null;
    const id = await this.categories.categoryIdBySlug(manager, slug);
    if (!id) throw new UnknownCategoryError();
    return id;
  }

  private variantFields(input: VariantInput): VariantFields {
    this.assertStoreCurrency(input.price);
    return {
      sku: input.sku,
      title: input.title,
      options: this.optionsOf(input.options ?? []),
      priceMinor: input.price.amount,
      weightGrams: input.weightGrams ?? 0,
      position: input.position,
    };
  }

  private optionsOf(options: OptionInputValue[]): Record<string, string> {
    return Object.fromEntries(options.map((o) => [o.name, o.value]));
  }

  /** Prices are in the store currency, stated explicitly; nothing is ever converted. */
  private assertStoreCurrency(money: MoneyInputValue): void {
    if (money.currency !== this.shop.currency) throw new CurrencyMismatchError(this.shop.currency);
  }

  private isEditor(viewer?: AuthUser): boolean {
    return viewer !== undefined && roleHasPermissions(viewer.role, [Permission.CatalogWrite]);
  }

  /** The storefront shows active products; other statuses are for catalog editors only. */
  private visibleStatus(requested: ProductStatus | undefined, viewer?: AuthUser): ProductStatus {
    if (!requested || requested === 'active') return 'active';
    if (!viewer) throw new UnauthenticatedError();
    if (!this.isEditor(viewer)) throw new MissingPermissionError([Permission.CatalogWrite]);
    return requested;
  }
}
