import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import type { Response } from 'express';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiNotModifiedResponse,
  ApiOkResponse,
  ApiPreconditionFailedResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { CurrentUser, Public, RequirePermissions } from '@/core/auth/auth.decorators';
import { Permission, type AuthUser } from '@/core/auth/permissions';
import { ErrorBody } from '@/core/http/error-body';
import { Idempotent } from '@/core/idempotency';
import { OffsetPaginationQuery } from '@/core/http/pagination.dto';
import { CatalogService, type ProductRead } from './catalog.service';
import { CatalogTaxonomyService } from './catalog-taxonomy.service';
import {
  CategoryResponse,
  CategoryTreeResponse,
  CollectionListResponse,
  CollectionResponse,
  CreateCategoryBody,
  CreateCollectionBody,
  CreateProductBody,
  CreateVariantBody,
  ListProductsAdminQuery,
  ListProductsQuery,
  ProductAdminListResponse,
  ProductListResponse,
  ProductResponse,
  UpdateCategoryBody,
  UpdateCollectionBody,
  UpdateProductBody,
  UpdateVariantBody,
  parseOptionFilter,
} from './dto/catalog.dto';

/**
 * The ETag is the product's edit version plus a hash of its variants' availability: an edit and
 * a stock change both make a cached copy stale, so a 304 never hides either.
 */
function withEtag(res: Response, read: ProductRead): ProductResponse {
  res.setHeader('ETag', `"${read.revision}"`);
  return { product: read.product };
}

/**
 * `If-Match` → the edit version the client saw. `*` or no header: no check. Only the version
 * part counts (catalog writes do not touch stock). Anything that is not one of our ETags can
 * never match: version 0 makes that a 412.
 */
function expectedVersion(ifMatch: string | undefined): number | undefined {
  if (ifMatch === undefined || ifMatch.trim() === '*') return undefined;
  const match = /^(?:W\/)?"v(\d{1,9})(?:\.[\w-]{1,20})?"$/.exec(ifMatch.trim());
  return match ? Number(match[1]) : 0;
}

const STALE = { type: ErrorBody, description: 'SHOP.STALE_PRODUCT: changed since that ETag' };

/** The storefront's products (active only) and the catalog editors' product writes. */
@ApiTags('shop')
@Controller({ path: 'shop/products', version: '1' })
export class ProductsController {
  constructor(private readonly catalog: CatalogService) {}

  /**
   * Active products, filtered and sorted, keyset-paginated: pass `nextCursor` back as `cursor`.
   * One SQL statement per page, facets included (`facets=true`).
   */
  @Public()
  @Get()
  @ApiOkResponse({ type: ProductListResponse })
  async listProducts(
    @Query() query: ListProductsQuery,
    @CurrentUser() viewer?: AuthUser,
  ): Promise<ProductListResponse> {
    return this.catalog.list({ ...query, options: parseOptionFilter(query.options) }, viewer);
  }

  /** One product with its variants; `If-None-Match` with its ETag answers 304. */
  @Public()
  @Get(':slug')
  @ApiOkResponse({ type: ProductResponse })
  @ApiNotModifiedResponse({ description: 'The ETag in If-None-Match is current' })
  @ApiNotFoundResponse({ type: ErrorBody })
  async getProduct(
    @Param('slug') slug: string,
    @Res({ passthrough: true }) res: Response,
    @CurrentUser() viewer?: AuthUser,
  ): Promise<ProductResponse> {
    return withEtag(res, await this.catalog.get(slug, viewer));
  }

  /** A product, optionally with its first variants (stock starts at 0). */
  @RequirePermissions(Permission.CatalogWrite)
  @Idempotent()
  @Post()
  @ApiCreatedResponse({ type: ProductResponse })
  @ApiConflictResponse({ type: ErrorBody, description: 'SHOP.SLUG_TAKEN, SHOP.SKU_TAKEN' })
  @ApiUnprocessableEntityResponse({ type: ErrorBody })
  async createProduct(
    @Body() body: CreateProductBody,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ProductResponse> {
    return withEtag(res, await this.catalog.create(body.product));
  }

  /** Product fields; with `If-Match: <ETag>` only if unchanged since (else 412). */
  @RequirePermissions(Permission.CatalogWrite)
  @Patch(':slug')
  @ApiOkResponse({ type: ProductResponse })
  @ApiNotFoundResponse({ type: ErrorBody })
  @ApiConflictResponse({ type: ErrorBody })
  @ApiPreconditionFailedResponse(STALE)
  @ApiUnprocessableEntityResponse({ type: ErrorBody })
  async updateProduct(
    @Param('slug') slug: string,
    @Body() body: UpdateProductBody,
    @Res({ passthrough: true }) res: Response,
    @Headers('if-match') ifMatch?: string,
  ): Promise<ProductResponse> {
    return withEtag(res, await this.catalog.update(slug, body.product, expectedVersion(ifMatch)));
  }

  @RequirePermissions(Permission.CatalogWrite)
  @Idempotent()
  @Post(':slug/variants')
  @ApiCreatedResponse({ type: ProductResponse })
  @ApiNotFoundResponse({ type: ErrorBody })
  @ApiConflictResponse({ type: ErrorBody, description: 'SHOP.SKU_TAKEN, SHOP.DUPLICATE_OPTIONS' })
  @ApiPreconditionFailedResponse(STALE)
  @ApiUnprocessableEntityResponse({ type: ErrorBody })
  async addVariant(
    @Param('slug') slug: string,
    @Body() body: CreateVariantBody,
    @Res({ passthrough: true }) res: Response,
    @Headers('if-match') ifMatch?: string,
  ): Promise<ProductResponse> {
    return withEtag(
      res,
      await this.catalog.addVariant(slug, body.variant, expectedVersion(ifMatch)),
    );
  }

  @RequirePermissions(Permission.CatalogWrite)
  @Patch(':slug/variants/:sku')
  @ApiOkResponse({ type: ProductResponse })
  @ApiNotFoundResponse({ type: ErrorBody })
  @ApiConflictResponse({ type: ErrorBody })
  @ApiPreconditionFailedResponse(STALE)
  @ApiUnprocessableEntityResponse({ type: ErrorBody })
  async updateVariant(
    @Param('slug') slug: string,
    @Param('sku') sku: string,
    @Body() body: UpdateVariantBody,
    @Res({ passthrough: true }) res: Response,
    @Headers('if-match') ifMatch?: string,
  ): Promise<ProductResponse> {
    return withEtag(
      res,
      await this.catalog.updateVariant(slug, sku, body.variant, expectedVersion(ifMatch)),
    );
  }

  /** Removes a variant that was never ordered (ordered ones: archive the product). */
  @RequirePermissions(Permission.CatalogWrite)
  @Delete(':slug/variants/:sku')
  @ApiOkResponse({ type: ProductResponse })
  @ApiNotFoundResponse({ type: ErrorBody })
  @ApiConflictResponse({
    type: ErrorBody,
    description: 'SHOP.VARIANT_IN_USE, SHOP.PRODUCT_WITHOUT_VARIANTS',
  })
  @ApiPreconditionFailedResponse(STALE)
  async removeVariant(
    @Param('slug') slug: string,
    @Param('sku') sku: string,
    @Res({ passthrough: true }) res: Response,
    @Headers('if-match') ifMatch?: string,
  ): Promise<ProductResponse> {
    return withEtag(res, await this.catalog.removeVariant(slug, sku, expectedVersion(ifMatch)));
  }
}

/** Catalog editors' product list: every status, offset paging with a total. */
@ApiTags('shop')
@Controller({ path: 'shop/admin/products', version: '1' })
export class ProductsAdminController {
  constructor(private readonly catalog: CatalogService) {}

  @RequirePermissions(Permission.CatalogWrite)
  @Get()
  @ApiOkResponse({ type: ProductAdminListResponse })
  async listProductsForStaff(
    @Query() query: ListProductsAdminQuery,
  ): Promise<ProductAdminListResponse> {
    return this.catalog.listForStaff({ ...query, options: parseOptionFilter(query.options) });
  }
}

@ApiTags('shop')
@Controller({ path: 'shop/categories', version: '1' })
export class CategoriesController {
  constructor(private readonly taxonomy: CatalogTaxonomyService) {}

  /** The category tree, roots first. */
  @Public()
  @Get()
  @ApiOkResponse({ type: CategoryTreeResponse })
  async listCategories(): Promise<CategoryTreeResponse> {
    return { categories: await this.taxonomy.categoryTree() };
  }

  @Public()
  @Get(':slug')
  @ApiOkResponse({ type: CategoryResponse })
  @ApiNotFoundResponse({ type: ErrorBody })
  async getCategory(@Param('slug') slug: string): Promise<CategoryResponse> {
    return { category: await this.taxonomy.category(slug) };
  }

  @RequirePermissions(Permission.CatalogWrite)
  @Idempotent()
  @Post()
  @ApiCreatedResponse({ type: CategoryResponse })
  @ApiConflictResponse({ type: ErrorBody, description: 'SHOP.SLUG_TAKEN' })
  @ApiUnprocessableEntityResponse({ type: ErrorBody, description: 'SHOP.UNKNOWN_CATEGORY' })
  async createCategory(@Body() body: CreateCategoryBody): Promise<CategoryResponse> {
    return { category: await this.taxonomy.createCategory(body.category) };
  }

  /** Rename, reorder, or move under another parent (`parent: null` makes it a root). */
  @RequirePermissions(Permission.CatalogWrite)
  @Patch(':slug')
  @ApiOkResponse({ type: CategoryResponse })
  @ApiNotFoundResponse({ type: ErrorBody })
  @ApiConflictResponse({ type: ErrorBody })
  @ApiUnprocessableEntityResponse({ type: ErrorBody, description: 'SHOP.CATEGORY_CYCLE' })
  async updateCategory(
    @Param('slug') slug: string,
    @Body() body: UpdateCategoryBody,
  ): Promise<CategoryResponse> {
    return { category: await this.taxonomy.updateCategory(slug, body.category) };
  }

  /** Only a category without subcategories; its products become uncategorised. */
  @RequirePermissions(Permission.CatalogWrite)
  @Delete(':slug')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorBody })
  @ApiConflictResponse({ type: ErrorBody, description: 'SHOP.CATEGORY_HAS_CHILDREN' })
  async deleteCategory(@Param('slug') slug: string): Promise<void> {
    await this.taxonomy.deleteCategory(slug);
  }
}

@ApiTags('shop')
@Controller({ path: 'shop/collections', version: '1' })
export class CollectionsController {
  constructor(private readonly taxonomy: CatalogTaxonomyService) {}

  @Public()
  @Get()
  @ApiOkResponse({ type: CollectionListResponse })
  async listCollections(@Query() page: OffsetPaginationQuery): Promise<CollectionListResponse> {
    const { collections, total } = await this.taxonomy.listCollections(page);
    return { collections, collectionsCount: total };
  }

  /** The collection; its products are `GET /shop/products?collection=<slug>`. */
  @Public()
  @Get(':slug')
  @ApiOkResponse({ type: CollectionResponse })
  @ApiNotFoundResponse({ type: ErrorBody })
  async getCollection(@Param('slug') slug: string): Promise<CollectionResponse> {
    return { collection: await this.taxonomy.collection(slug) };
  }

  @RequirePermissions(Permission.CatalogWrite)
  @Idempotent()
  @Post()
  @ApiCreatedResponse({ type: CollectionResponse })
  @ApiConflictResponse({ type: ErrorBody, description: 'SHOP.SLUG_TAKEN' })
  async createCollection(@Body() body: CreateCollectionBody): Promise<CollectionResponse> {
    return { collection: await this.taxonomy.createCollection(body.collection) };
  }

  @RequirePermissions(Permission.CatalogWrite)
  @Patch(':slug')
  @ApiOkResponse({ type: CollectionResponse })
  @ApiNotFoundResponse({ type: ErrorBody })
  @ApiConflictResponse({ type: ErrorBody, description: 'SHOP.SLUG_TAKEN' })
  async updateCollection(
    @Param('slug') slug: string,
    @Body() body: UpdateCollectionBody,
  ): Promise<CollectionResponse> {
    return { collection: await this.taxonomy.updateCollection(slug, body.collection) };
  }

  @RequirePermissions(Permission.CatalogWrite)
  @Delete(':slug')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorBody })
  async deleteCollection(@Param('slug') slug: string): Promise<void> {
    await this.taxonomy.deleteCollection(slug);
  }

  /** Adds a product (idempotent: adding it again changes nothing). */
  @RequirePermissions(Permission.CatalogWrite)
  @Put(':slug/products/:productSlug')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorBody })
  async addCollectionProduct(
    @Param('slug') slug: string,
    @Param('productSlug') productSlug: string,
  ): Promise<void> {
    await this.taxonomy.addToCollection(slug, productSlug);
  }

  @RequirePermissions(Permission.CatalogWrite)
  @Delete(':slug/products/:productSlug')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorBody })
  async removeCollectionProduct(
    @Param('slug') slug: string,
    @Param('productSlug') productSlug: string,
  ): Promise<void> {
    await this.taxonomy.removeFromCollection(slug, productSlug);
  }
}
