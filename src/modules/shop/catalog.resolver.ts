import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentUser, Public, RequirePermissions } from '@/core/auth/auth.decorators';
import { Permission, type AuthUser } from '@/core/auth/permissions';
import { CatalogService } from './catalog.service';
import { CatalogTaxonomyService } from './catalog-taxonomy.service';
import {
  CategoryNodeModel,
  CreateCategoryInput,
  CreateProductInput,
  CreateVariantInput,
  ProductModel,
  ProductPageModel,
  ProductsArgs,
  UpdateProductInput,
  UpdateVariantInput,
} from './dto/catalog.model';

/** GraphQL over the same catalog services as REST: same filters, rules, errors and results. */
@Resolver(() => ProductModel)
export class CatalogResolver {
  constructor(
    private readonly catalog: CatalogService,
    private readonly taxonomy: CatalogTaxonomyService,
  ) {}

  @Public()
  @Query(() => ProductPageModel, { complexity: 20 })
  async products(
    @Args() args: ProductsArgs,
    @CurrentUser() viewer?: AuthUser,
  ): Promise<ProductPageModel> {
    return this.catalog.list(args, viewer);
  }

  @Public()
  @Query(() => ProductModel)
  async product(
    @Args('slug') slug: string,
    @CurrentUser() viewer?: AuthUser,
  ): Promise<ProductModel> {
    return (await this.catalog.get(slug, viewer)).product;
  }

  @Public()
  @Query(() => [CategoryNodeModel], { description: 'The category tree, roots first.' })
  async categories(): Promise<CategoryNodeModel[]> {
    return this.taxonomy.categoryTree();
  }

  @RequirePermissions(Permission.CatalogWrite)
  @Mutation(() => ProductModel)
  async createProduct(@Args('input') input: CreateProductInput): Promise<ProductModel> {
    return (await this.catalog.create(input)).product;
  }

  @RequirePermissions(Permission.CatalogWrite)
  @Mutation(() => ProductModel)
  async updateProduct(
    @Args('slug') slug: string,
    @Args('input') input: UpdateProductInput,
  ): Promise<ProductModel> {
    return (await this.catalog.update(slug, input)).product;
  }

  @RequirePermissions(Permission.CatalogWrite)
  @Mutation(() => ProductModel)
  async addVariant(
    @Args('slug') slug: string,
    @Args('input') input: CreateVariantInput,
  ): Promise<ProductModel> {
    return (await this.catalog.addVariant(slug, input)).product;
  }

  @RequirePermissions(Permission.CatalogWrite)
  @Mutation(() => ProductModel)
  async updateVariant(
    @Args('slug') slug: string,
    @Args('sku') sku: string,
    @Args('input') input: UpdateVariantInput,
  ): Promise<ProductModel> {
    return (await this.catalog.updateVariant(slug, sku, input)).product;
  }

  @RequirePermissions(Permission.CatalogWrite)
  @Mutation(() => ProductModel)
  async removeVariant(@Args('slug') slug: string, @Args('sku') sku: string): Promise<ProductModel> {
    return (await this.catalog.removeVariant(slug, sku)).product;
  }

  @RequirePermissions(Permission.CatalogWrite)
  @Mutation(() => CategoryNodeModel, { description: 'A new category (no children yet).' })
  async createCategory(@Args('input') input: CreateCategoryInput): Promise<CategoryNodeModel> {
    const created = await this.taxonomy.createCategory(input);
    return { slug: created.slug, name: created.name, position: created.position, children: [] };
  }
}
