import {
  ArgsType,
  Field,
  InputType,
  Int,
  ObjectType,
  OmitType,
  PartialType,
  registerEnumType,
} from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsBase64, IsBoolean, IsInt, IsOptional, Max, Min, ValidateNested } from 'class-validator';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '@/core/http/pagination.dto';
import { SafeIntScalar } from '@/core/graphql/safe-int.scalar';
import type { ProductStatus } from '../entities/product.entity';
import { CatalogFieldRules, type ProductSort } from './catalog-fields';
import { MoneyInput, MoneyModel } from './money.model';

const ProductStatusEnum = { draft: 'draft', active: 'active', archived: 'archived' } as const;
const ProductSortEnum = {
  newest: 'newest',
  price_asc: 'price_asc',
  price_desc: 'price_desc',
  relevance: 'relevance',
} as const;
registerEnumType(ProductStatusEnum, { name: 'ProductStatus' });
registerEnumType(ProductSortEnum, {
  name: 'ProductSort',
  description: '`relevance` needs `q`; the default is relevance with `q`, newest without.',
});

// ---------------------------------------------------------------- outputs (same shapes as REST)

@ObjectType('ProductOption')
export class OptionModel {
  @Field()
  name: string;

  @Field()
  value: string;
}

@ObjectType('ProductOptionValues')
export class OptionValuesModel {
  @Field()
  name: string;

  @Field(() => [String], { description: 'In the order the variants first use them.' })
  values: string[];
}

@ObjectType('CategoryRef')
export class CategoryRefModel {
  @Field()
  slug: string;

  @Field()
  name: string;
}

@ObjectType('PriceRange')
export class PriceRangeModel {
  @Field(() => MoneyModel)
  min: MoneyModel;

  @Field(() => MoneyModel)
  max: MoneyModel;
}

@ObjectType('Variant', {
  description: 'A sellable variant (one SKU); a cart line refers to its id.',
})
export class VariantModel {
  @Field()
  id: string;

  @Field()
  sku: string;

  @Field()
  title: string;

  @Field(() => [OptionModel])
  options: OptionModel[];

  @Field(() => MoneyModel)
  price: MoneyModel;

  @Field(() => Int)
  weightGrams: number;

  @Field(() => Int, { description: 'Units that can be bought now (on hand − reserved).' })
  available: number;

  @Field()
  inStock: boolean;
}

@ObjectType('ProductSummary', { description: 'A product as lists show it (REST list items).' })
export class ProductSummaryModel {
  @Field()
  id: string;

  @Field()
  slug: string;

  @Field()
  title: string;

  @Field(() => ProductStatusEnum)
  status: ProductStatus;

  @Field(() => [String])
  images: string[];

  @Field(() => CategoryRefModel, { nullable: true })
  category: CategoryRefModel | null;

  @Field(() => PriceRangeModel, {
    nullable: true,
    description: 'Null while there are no variants.',
  })
  priceRange: PriceRangeModel | null;

  @Field(() => Int)
  available: number;

  @Field()
  inStock: boolean;

  @Field(() => Int)
  variantCount: number;

  @Field(() => [OptionValuesModel])
  options: OptionValuesModel[];

  @Field({ description: 'ISO 8601, UTC, milliseconds.' })
  createdAt: string;

  @Field({ description: 'ISO 8601, UTC, milliseconds.' })
  updatedAt: string;
}

@ObjectType('Product', { description: 'The same product REST serves at /shop/products/:slug.' })
export class ProductModel extends ProductSummaryModel {
  @Field()
  description: string;

  @Field(() => [VariantModel])
  variants: VariantModel[];
}

@ObjectType('CategoryFacet')
export class CategoryFacetModel {
  @Field()
  slug: string;

  @Field()
  name: string;

  @Field(() => Int, { description: 'Matching products here and in subcategories.' })
  count: number;
}

@ObjectType('OptionFacet')
export class OptionFacetModel {
  @Field()
  name: string;

  @Field()
  value: string;

  @Field(() => Int)
  count: number;
}

@ObjectType('ProductFacets')
export class FacetsModel {
  @Field(() => Int)
  total: number;

  @Field(() => [CategoryFacetModel])
  categories: CategoryFacetModel[];

  @Field(() => [OptionFacetModel])
  options: OptionFacetModel[];

  @Field(() => PriceRangeModel, { nullable: true })
  priceRange: PriceRangeModel | null;
}

@ObjectType('ProductPage')
export class ProductPageModel {
  @Field(() => [ProductSummaryModel])
  products: ProductSummaryModel[];

  @Field(() => String, { nullable: true, description: 'Pass as `cursor` for the next page.' })
  nextCursor: string | null;

  @Field(() => FacetsModel, { nullable: true, description: 'Only with `facets: true`.' })
  facets?: FacetsModel;
}

@ObjectType('Category')
export class CategoryNodeModel {
  @Field()
  slug: string;

  @Field()
  name: string;

  @Field(() => Int)
  position: number;

  @Field(() => [CategoryNodeModel])
  children: CategoryNodeModel[];
}

// ---------------------------------------------------------------- inputs (same rules as REST)

@InputType('ProductOptionInput')
export class OptionInput {
  @Field()
  @CatalogFieldRules.optionName()
  name: string;

  @Field()
  @CatalogFieldRules.optionValue()
  value: string;
}

@InputType()
export class CreateVariantInput {
  @Field()
  @CatalogFieldRules.sku()
  sku: string;

  @Field()
  @CatalogFieldRules.title()
  title: string;

  @Field(() => [OptionInput], { nullable: true })
  @IsOptional()
  @CatalogFieldRules.options()
  @ValidateNested({ each: true })
  @Type(() => OptionInput)
  options?: OptionInput[];

  @Field(() => MoneyInput)
  @ValidateNested()
  @Type(() => MoneyInput)
  price: MoneyInput;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @CatalogFieldRules.weightGrams()
  weightGrams?: number;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @CatalogFieldRules.position()
  position?: number;
}

@InputType()
export class UpdateVariantInput extends PartialType(CreateVariantInput) {}

@InputType()
export class CreateProductInput {
  @Field()
  @CatalogFieldRules.title()
  title: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @CatalogFieldRules.slug()
  slug?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @CatalogFieldRules.description()
  description?: string;

  @Field(() => ProductStatusEnum, { nullable: true })
  @IsOptional()
  @CatalogFieldRules.status()
  status?: ProductStatus;

  @Field(() => String, { nullable: true, description: 'Category slug; null for none.' })
  @IsOptional()
  @CatalogFieldRules.slug(140)
  category?: string | null;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @CatalogFieldRules.images()
  images?: string[];

  @Field(() => [CreateVariantInput], { nullable: true })
  @IsOptional()
  @CatalogFieldRules.variants()
  @ValidateNested({ each: true })
  @Type(() => CreateVariantInput)
  variants?: CreateVariantInput[];
}

@InputType()
export class UpdateProductInput extends PartialType(
  OmitType(CreateProductInput, ['variants'] as const),
) {}

@InputType()
export class CreateCategoryInput {
  @Field()
  @CatalogFieldRules.categoryName()
  name: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @CatalogFieldRules.slug(140)
  slug?: string;

  @Field(() => String, { nullable: true, description: 'Parent category slug.' })
  @IsOptional()
  @CatalogFieldRules.slug(140)
  parent?: string | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @CatalogFieldRules.position()
  position?: number;
}

@ArgsType()
export class ProductsArgs {
  @Field(() => Int, { defaultValue: DEFAULT_PAGE_SIZE })
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit: number = DEFAULT_PAGE_SIZE;

  @Field(() => String, { nullable: true, description: 'nextCursor of the previous page.' })
  @IsOptional()
  @IsBase64({ urlSafe: true })
  cursor?: string;

  @Field(() => String, { nullable: true, description: 'Category slug, subcategories included.' })
  @IsOptional()
  @CatalogFieldRules.slug(140)
  category?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @CatalogFieldRules.slug(140)
  collection?: string;

  @Field(() => SafeIntScalar, { nullable: true, description: 'Minor units.' })
  @IsOptional()
  @CatalogFieldRules.minorUnits()
  priceMin?: number;

  @Field(() => SafeIntScalar, { nullable: true, description: 'Minor units.' })
  @IsOptional()
  @CatalogFieldRules.minorUnits()
  priceMax?: number;

  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  @IsBoolean()
  inStock?: boolean;

  @Field(() => [OptionInput], {
    nullable: true,
    description: 'One name twice means either value; different names must all match.',
  })
  @IsOptional()
  @CatalogFieldRules.filterOptions()
  @ValidateNested({ each: true })
  @Type(() => OptionInput)
  options?: OptionInput[];

  @Field(() => String, { nullable: true })
  @IsOptional()
  @CatalogFieldRules.search()
  q?: string;

  @Field(() => ProductSortEnum, { nullable: true })
  @IsOptional()
  @CatalogFieldRules.sort()
  sort?: ProductSort;

  @Field(() => ProductStatusEnum, { nullable: true })
  @IsOptional()
  @CatalogFieldRules.status()
  status?: ProductStatus;

  @Field(() => Boolean, { defaultValue: false })
  @IsBoolean()
  facets: boolean = false;
}
