import {
  ApiProperty,
  ApiPropertyOptional,
  IntersectionType,
  OmitType,
  PartialType,
} from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsDefined,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { CursorPaginationQuery, OffsetPaginationQuery } from '@/core/http/pagination.dto';
import { Envelope, QueryBoolean } from '@/core/http/validation';
import type { FacetsRow, ProductRow, ProductSummaryRow, VariantRow } from '../catalog.repository';
import type { CategoryRow } from '../categories.repository';
import type { ProductStatus } from '../entities/product.entity';
import {
  CatalogFieldRules,
  MAX_IMAGES,
  MAX_VARIANTS_PER_REQUEST,
  OPTION_FILTER_PATTERN,
  PRODUCT_SORTS,
  PRODUCT_STATUSES,
  type ProductSort,
} from './catalog-fields';
import { money, MoneyDto } from './money.dto';

// ---------------------------------------------------------------- inputs

export class OptionFields {
  @ApiProperty({ example: 'size', pattern: '^[a-z][a-z0-9_-]{0,31}$' })
  @CatalogFieldRules.optionName()
  name: string;

  @ApiProperty({ example: 'M', description: '1–64 characters, no commas or colons' })
  @CatalogFieldRules.optionValue()
  value: string;
}

export class CreateVariantFields {
  @ApiProperty({ example: 'TEE-RED-M' })
  @CatalogFieldRules.sku()
  sku: string;

  @ApiProperty({ example: 'Red / M' })
  @CatalogFieldRules.title()
  title: string;

  /** Option values that tell this variant apart, e.g. size and colour (unique per product). */
  @ApiPropertyOptional({ type: [OptionFields] })
  @IsOptional()
  @CatalogFieldRules.options()
  @ValidateNested({ each: true })
  @Type(() => OptionFields)
  options?: OptionFields[];

  /**
   * Minor units with the store currency; any other currency is refused (SHOP.CURRENCY_MISMATCH).
   * `IsDefined`: ValidateNested alone lets a missing price through (class-validator skips
   * `undefined`); the update type's PartialType makes it optional again.
   */
  @ApiProperty({ type: MoneyDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => MoneyDto)
  price: MoneyDto;

  @ApiPropertyOptional({ minimum: 0, default: 0 })
  @IsOptional()
  @CatalogFieldRules.weightGrams()
  weightGrams?: number;

  /** Display order among the product's variants (default: after the last). */
  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional()
  @CatalogFieldRules.position()
  position?: number;
}

export class CreateVariantBody {
  @ApiProperty({ type: CreateVariantFields })
  @Envelope(() => CreateVariantFields)
  variant: CreateVariantFields;
}

/** Every field optional, same rules. Stock is not here: the inventory endpoints own it. */
export class UpdateVariantFields extends PartialType(CreateVariantFields) {}

export class UpdateVariantBody {
  @ApiProperty({ type: UpdateVariantFields })
  @Envelope(() => UpdateVariantFields)
  variant: UpdateVariantFields;
}

export class CreateProductFields {
  @ApiProperty({ example: 'Organic cotton tee' })
  @CatalogFieldRules.title()
  title: string;

  /** URL name; derived from the title when omitted (409 SHOP.SLUG_TAKEN if in use). */
  @ApiPropertyOptional({ example: 'organic-cotton-tee' })
  @IsOptional()
  @CatalogFieldRules.slug()
  slug?: string;

  @ApiPropertyOptional({ default: '' })
  @IsOptional()
  @CatalogFieldRules.description()
  description?: string;

  /** `draft` (default) is visible to staff only; `active` needs at least one variant. */
  @ApiPropertyOptional({ enum: PRODUCT_STATUSES, default: 'draft' })
  @IsOptional()
  @CatalogFieldRules.status()
  status?: ProductStatus;

  /** Category slug (422 SHOP.UNKNOWN_CATEGORY if there is none); `null` for none. */
  @ApiPropertyOptional({ type: String, nullable: true, example: 't-shirts' })
  @IsOptional()
  @CatalogFieldRules.slug(140)
  category?: string | null;

  @ApiPropertyOptional({
    type: [String],
    maxItems: MAX_IMAGES,
    example: ['https://cdn.example.com/tee.jpg'],
  })
  @IsOptional()
  @CatalogFieldRules.images()
  images?: string[];

  @ApiPropertyOptional({ type: [CreateVariantFields], maxItems: MAX_VARIANTS_PER_REQUEST })
  @IsOptional()
  @CatalogFieldRules.variants()
  @ValidateNested({ each: true })
  @Type(() => CreateVariantFields)
  variants?: CreateVariantFields[];
}

export class CreateProductBody {
  @ApiProperty({ type: CreateProductFields })
  @Envelope(() => CreateProductFields)
  product: CreateProductFields;
}

/** Product fields only; variants change through their own routes. */
export class UpdateProductFields extends PartialType(
  OmitType(CreateProductFields, ['variants'] as const),
) {}

export class UpdateProductBody {
  @ApiProperty({ type: UpdateProductFields })
  @Envelope(() => UpdateProductFields)
  product: UpdateProductFields;
}

/** What every product list filters and sorts by (storefront and staff lists alike). */
export class ProductFilterQuery {
  /** Category slug; its subcategories' products are included. */
  @ApiPropertyOptional({ example: 'clothing' })
  @IsOptional()
  @CatalogFieldRules.slug(140)
  category?: string;

  @ApiPropertyOptional({ example: 'summer-sale' })
  @IsOptional()
  @CatalogFieldRules.slug(140)
  collection?: string;

  /** Lowest variant price, minor units of the store currency. */
  @ApiPropertyOptional({ type: 'integer', minimum: 0, example: 1000 })
  @IsOptional()
  @Type(() => Number)
  @CatalogFieldRules.minorUnits()
  priceMin?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, example: 5000 })
  @IsOptional()
  @Type(() => Number)
  @CatalogFieldRules.minorUnits()
  priceMax?: number;

  /** `true`: only products with a matching variant that can be bought now. */
  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  inStock?: boolean;

  /**
   * Option filters as `name:value` pairs, comma-separated: `size:M,size:L,colour:red` is
   * (size M or L) and colour red — all on the same variant, together with the price and stock
   * filters.
   */
  @ApiPropertyOptional({ example: 'size:M,colour:red' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  @Matches(OPTION_FILTER_PATTERN, { message: 'must be name:value pairs separated by commas' })
  options?: string;

  /** Full-text search in title and description (web-search syntax). */
  @ApiPropertyOptional({ example: 'organic cotton' })
  @IsOptional()
  @CatalogFieldRules.search()
  q?: string;

  /** Default: `relevance` with `q`, else `newest`. `relevance` needs `q`. */
  @ApiPropertyOptional({ enum: PRODUCT_SORTS })
  @IsOptional()
  @CatalogFieldRules.sort()
  sort?: ProductSort;

  /** `draft` and `archived` need the catalog:write permission; default `active`. */
  @ApiPropertyOptional({ enum: PRODUCT_STATUSES })
  @IsOptional()
  @CatalogFieldRules.status()
  status?: ProductStatus;
}

export class ListProductsQuery extends IntersectionType(ProductFilterQuery, CursorPaginationQuery) {
  /** Add counts per category and option value over the whole filtered set. */
  @ApiPropertyOptional({ type: Boolean, default: false })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  facets?: boolean;
}

/** Staff list: any status unless `status` is given, offset paging with a total. */
export class ListProductsAdminQuery extends IntersectionType(
  ProductFilterQuery,
  OffsetPaginationQuery,
) {}

export class CreateCategoryFields {
  @ApiProperty({ example: 'T-shirts' })
  @CatalogFieldRules.categoryName()
  name: string;

  /** Derived from the name when omitted. */
  @ApiPropertyOptional({ example: 't-shirts' })
  @IsOptional()
  @CatalogFieldRules.slug(140)
  slug?: string;

  /** Parent category slug; omitted or `null` for a root category. */
  @ApiPropertyOptional({ type: String, nullable: true, example: 'clothing' })
  @IsOptional()
  @CatalogFieldRules.slug(140)
  parent?: string | null;

  @ApiPropertyOptional({ minimum: 0, default: 0 })
  @IsOptional()
  @CatalogFieldRules.position()
  position?: number;
}

export class CreateCategoryBody {
  @ApiProperty({ type: CreateCategoryFields })
  @Envelope(() => CreateCategoryFields)
  category: CreateCategoryFields;
}

export class UpdateCategoryFields extends PartialType(CreateCategoryFields) {}

export class UpdateCategoryBody {
  @ApiProperty({ type: UpdateCategoryFields })
  @Envelope(() => UpdateCategoryFields)
  category: UpdateCategoryFields;
}

export class CreateCollectionFields {
  @ApiProperty({ example: 'Summer sale' })
  @CatalogFieldRules.title()
  title: string;

  @ApiPropertyOptional({ example: 'summer-sale' })
  @IsOptional()
  @CatalogFieldRules.slug(140)
  slug?: string;

  @ApiPropertyOptional({ default: '' })
  @IsOptional()
  @CatalogFieldRules.description()
  description?: string;
}

export class CreateCollectionBody {
  @ApiProperty({ type: CreateCollectionFields })
  @Envelope(() => CreateCollectionFields)
  collection: CreateCollectionFields;
}

export class UpdateCollectionFields extends PartialType(CreateCollectionFields) {}

export class UpdateCollectionBody {
  @ApiProperty({ type: UpdateCollectionFields })
  @Envelope(() => UpdateCollectionFields)
  collection: UpdateCollectionFields;
}

// ---------------------------------------------------------------- responses

export class OptionDto {
  @ApiProperty({ example: 'size' })
  name: string;

  @ApiProperty({ example: 'M' })
  value: string;
}

export class OptionValuesDto {
  @ApiProperty({ example: 'size' })
  name: string;

  /** In the order the variants first use them. */
  @ApiProperty({ type: [String], example: ['S', 'M', 'L'] })
  values: string[];
}

export class CategoryRefDto {
  @ApiProperty()
  slug: string;

  @ApiProperty()
  name: string;
}

export class PriceRangeDto {
  @ApiProperty({ type: MoneyDto })
  min: MoneyDto;

  @ApiProperty({ type: MoneyDto })
  max: MoneyDto;
}

export class VariantDto {
  /** What a cart line refers to. */
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  sku: string;

  @ApiProperty()
  title: string;

  @ApiProperty({ type: [OptionDto] })
  options: OptionDto[];

  @ApiProperty({ type: MoneyDto })
  price: MoneyDto;

  @ApiProperty()
  weightGrams: number;

  /** Units that can be bought now (on hand − reserved). */
  @ApiProperty()
  available: number;

  @ApiProperty()
  inStock: boolean;
}

export class ProductSummaryDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  slug: string;

  @ApiProperty()
  title: string;

  @ApiProperty({ enum: PRODUCT_STATUSES })
  status: ProductStatus;

  @ApiProperty({ type: [String] })
  images: string[];

  @ApiProperty({ type: CategoryRefDto, nullable: true })
  category: CategoryRefDto | null;

  /** Cheapest and dearest variant; null while the product has no variants. */
  @ApiProperty({ type: PriceRangeDto, nullable: true })
  priceRange: PriceRangeDto | null;

  /** Units that can be bought now, over all variants. */
  @ApiProperty()
  available: number;

  @ApiProperty()
  inStock: boolean;

  @ApiProperty()
  variantCount: number;

  /** The option values the variants offer. */
  @ApiProperty({ type: [OptionValuesDto] })
  options: OptionValuesDto[];

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

export class ProductDto extends ProductSummaryDto {
  @ApiProperty()
  description: string;

  @ApiProperty({ type: [VariantDto] })
  variants: VariantDto[];
}

export class ProductResponse {
  @ApiProperty({ type: ProductDto })
  product: ProductDto;
}

export class CategoryFacetDto {
  @ApiProperty()
  slug: string;

  @ApiProperty()
  name: string;

  /** Matching products in this category and its subcategories. */
  @ApiProperty()
  count: number;
}

export class OptionFacetDto {
  @ApiProperty()
  name: string;

  @ApiProperty()
  value: string;

  /** Matching products with a variant that has this value. */
  @ApiProperty()
  count: number;
}

export class FacetsDto {
  /** Matching products (all pages). */
  @ApiProperty()
  total: number;

  @ApiProperty({ type: [CategoryFacetDto] })
  categories: CategoryFacetDto[];

  @ApiProperty({ type: [OptionFacetDto] })
  options: OptionFacetDto[];

  @ApiProperty({ type: PriceRangeDto, nullable: true })
  priceRange: PriceRangeDto | null;
}

export class ProductListResponse {
  @ApiProperty({ type: [ProductSummaryDto] })
  products: ProductSummaryDto[];

  /** Pass as `cursor` for the next page; null on the last page. */
  @ApiProperty({ type: String, nullable: true })
  nextCursor: string | null;

  /** Only with `facets=true`. */
  @ApiPropertyOptional({ type: FacetsDto })
  facets?: FacetsDto;
}

export class ProductAdminListResponse {
  @ApiProperty({ type: [ProductSummaryDto] })
  products: ProductSummaryDto[];

  /** Matching products before paging. */
  @ApiProperty()
  productsCount: number;
}

export class CategoryNodeDto {
  @ApiProperty()
  slug: string;

  @ApiProperty()
  name: string;

  @ApiProperty()
  position: number;

  @ApiProperty({ type: () => [CategoryNodeDto] })
  children: CategoryNodeDto[];
}

export class CategoryTreeResponse {
  /** Root categories, each with its subtree; siblings by position, then name. */
  @ApiProperty({ type: [CategoryNodeDto] })
  categories: CategoryNodeDto[];
}

export class CategoryDto {
  @ApiProperty()
  slug: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ type: String, nullable: true })
  parent: string | null;

  @ApiProperty()
  position: number;
}

export class CategoryResponse {
  @ApiProperty({ type: CategoryDto })
  category: CategoryDto;
}

export class CollectionDto {
  @ApiProperty()
  slug: string;

  @ApiProperty()
  title: string;

  @ApiProperty()
  description: string;

  /** Active products in the collection (list them with `GET /shop/products?collection=`). */
  @ApiProperty()
  productsCount: number;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

export class CollectionResponse {
  @ApiProperty({ type: CollectionDto })
  collection: CollectionDto;
}

export class CollectionListResponse {
  @ApiProperty({ type: [CollectionDto] })
  collections: CollectionDto[];

  @ApiProperty()
  collectionsCount: number;
}

// ---------------------------------------------------------------- mappers

function priceRangeOf(
  min: number | null,
  max: number | null,
  currency: string,
): PriceRangeDto | null {
  return min === null || max === null
    ? null
    : { min: money(min, currency), max: money(max, currency) };
}

/** A product as lists show it; amounts become `{ amount, currency }` in the store currency. */
export function toProductSummaryDto(row: ProductSummaryRow, currency: string): ProductSummaryDto {
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    status: row.status,
    images: row.images,
    category: row.category,
    priceRange: priceRangeOf(row.priceMin, row.priceMax, currency),
    available: row.available,
    inStock: row.available > 0,
    variantCount: row.variantCount,
    options: row.options,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function toVariantDto(row: VariantRow, currency: string): VariantDto {
  return {
    id: row.id,
    sku: row.sku,
    title: row.title,
    options: row.options,
    price: money(row.priceMinor, currency),
    weightGrams: row.weightGrams,
    available: row.available,
    inStock: row.available > 0,
  };
}

export function toProductDto(row: ProductRow, currency: string): ProductDto {
  return {
    ...toProductSummaryDto(row, currency),
    description: row.description,
    variants: row.variants.map((v) => toVariantDto(v, currency)),
  };
}

export function toFacetsDto(facets: FacetsRow, currency: string): FacetsDto {
  return {
    total: facets.total,
    categories: facets.categories,
    options: facets.options,
    priceRange: priceRangeOf(facets.priceMin, facets.priceMax, currency),
  };
}

/** The flat category rows as a tree: roots first, children under their parent, in row order. */
export function toCategoryTree(rows: CategoryRow[]): CategoryNodeDto[] {
  const nodes = new Map(
    rows.map((r) => [r.id, { slug: r.slug, name: r.name, position: r.position, children: [] }]),
  );
  const roots: CategoryNodeDto[] = [];
  for (const row of rows) {
    const node = nodes.get(row.id)!;
    const parent = row.parentId === null ? undefined : nodes.get(row.parentId);
    (parent ? parent.children : roots).push(node);
  }
  return roots;
}

/** `size:M,colour:red` (already validated by the query DTO) as name/value pairs. */
export function parseOptionFilter(filter?: string): OptionDto[] | undefined {
  return filter?.split(',').map((pair) => {
    const at = pair.indexOf(':');
    return { name: pair.slice(0, at), value: pair.slice(at + 1) };
  });
}
