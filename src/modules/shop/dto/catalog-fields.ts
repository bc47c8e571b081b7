import { applyDecorators } from '@nestjs/common';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { Trim } from '@/core/http/validation';
import type { ProductStatus } from '../entities/product.entity';

export const PRODUCT_STATUSES: readonly ProductStatus[] = ['draft', 'active', 'archived'];

/** Storefront orders; `relevance` needs `q`. Each has a keyset (see CatalogRepository). */
export const PRODUCT_SORTS = ['newest', 'price_asc', 'price_desc', 'relevance'] as const;
export type ProductSort = (typeof PRODUCT_SORTS)[number];

export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const OPTION_NAME_PATTERN = /^[a-z][a-z0-9_-]{0,31}$/;
/** `,` and `:` separate filters in `?options=size:M,colour:red`, so values cannot contain them. */
export const OPTION_VALUE_PATTERN = /^[^,:\s](?:[^,:]{0,62}[^,:\s])?$/;
const OPTION_PAIR = `[a-z][a-z0-9_-]{0,31}:[^,:\\s](?:[^,:]{0,62}[^,:\\s])?`;
/** `name:value` pairs, comma-separated: one name twice means either value (OR), names AND. */
export const OPTION_FILTER_PATTERN = new RegExp(`^${OPTION_PAIR}(?:,${OPTION_PAIR})*$`);

export const MAX_IMAGES = 10;
export const MAX_VARIANTS_PER_REQUEST = 100;
export const MAX_OPTIONS_PER_VARIANT = 10;

/** One set of catalog field rules for REST bodies, queries and GraphQL inputs alike. */
export const CatalogFieldRules = {
  title: () => applyDecorators(Trim(), IsString(), IsNotEmpty(), MaxLength(200)),
  slug: (max = 200) =>
    applyDecorators(
      IsString(),
      MaxLength(max),
      Matches(SLUG_PATTERN, { message: 'must be lower-case letters and digits joined by dashes' }),
    ),
  description: () => applyDecorators(IsString(), MaxLength(20_000)),
  status: () =>
    IsIn(PRODUCT_STATUSES, { message: `must be one of ${PRODUCT_STATUSES.join(', ')}` }),
  images: () =>
    applyDecorators(
      IsArray(),
      ArrayMaxSize(MAX_IMAGES),
      ArrayUnique(),
      MaxLength(2048, { each: true }),
      IsUrl(
        { protocols: ['https'], require_protocol: true, require_tld: true, disallow_auth: true },
        { each: true, message: 'each image must be an https URL' },
      ),
    ),
  sku: () =>
    applyDecorators(
      IsString(),
      Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
        message: 'must be 1–64 letters, digits, dots, dashes or underscores',
      }),
    ),
  weightGrams: () => applyDecorators(IsInt(), Min(0), Max(1_000_000_000)),
  position: () => applyDecorators(IsInt(), Min(0), Max(1_000_000)),
  options: () =>
    applyDecorators(
      IsArray(),
      ArrayMaxSize(MAX_OPTIONS_PER_VARIANT),
      ArrayUnique((o: { name?: unknown }) => o?.name, { message: 'option names must be unique' }),
    ),
  /** Filters may repeat a name (either value), so only the count is bounded. */
  filterOptions: () => applyDecorators(IsArray(), ArrayMaxSize(20)),
  optionName: () =>
    applyDecorators(
      IsString(),
      Matches(OPTION_NAME_PATTERN, {
        message: 'must start with a lower-case letter; letters, digits, - and _ (max 32)',
      }),
    ),
  optionValue: () =>
    applyDecorators(
      Trim(),
      IsString(),
      Matches(OPTION_VALUE_PATTERN, {
        message: 'must be 1–64 characters without commas or colons',
      }),
    ),
  variants: () => applyDecorators(IsArray(), ArrayMaxSize(MAX_VARIANTS_PER_REQUEST)),
  categoryName: () => applyDecorators(Trim(), IsString(), IsNotEmpty(), MaxLength(120)),
  search: () =>
    applyDecorators(IsString(), Matches(/\S/, { message: 'must not be blank' }), MaxLength(200)),
  sort: () => IsIn(PRODUCT_SORTS, { message: `must be one of ${PRODUCT_SORTS.join(', ')}` }),
  minorUnits: () => applyDecorators(IsInt(), Min(0), Max(Number.MAX_SAFE_INTEGER)),
};
