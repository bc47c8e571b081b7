import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import {
  CategoriesController,
  CollectionsController,
  ProductsAdminController,
  ProductsController,
} from './catalog.controller';
import { CatalogRepository } from './catalog.repository';
import { CatalogResolver } from './catalog.resolver';
import { CatalogService } from './catalog.service';
import { CatalogTaxonomyService } from './catalog-taxonomy.service';
import { CatalogWritesRepository } from './catalog-writes.repository';
import { Cart, CartItem } from './entities/cart.entity';
import { Category } from './entities/category.entity';
import { Collection, CollectionProduct } from './entities/collection.entity';
import { Coupon } from './entities/coupon.entity';
import { Order, OrderEvent, OrderLine } from './entities/order.entity';
import { Payment, Refund, WebhookEvent } from './entities/payment.entity';
import { Product } from './entities/product.entity';
import { StockMovement } from './entities/stock-movement.entity';
import { Variant } from './entities/variant.entity';

/** The shop (issue 5): catalog, inventory, carts, checkout, orders, payments. */
@Module({
  imports: [
    TypeOrmModule.forFeature([
      Category,
      Product,
      Variant,
      Collection,
      CollectionProduct,
      StockMovement,
      Cart,
      CartItem,
      Coupon,
      Order,
      OrderLine,
      OrderEvent,
      Payment,
      Refund,
      WebhookEvent,
    ]),
  ],
  controllers: [
    ProductsController,
    ProductsAdminController,
    CategoriesController,
    CollectionsController,
  ],
  providers: [
    CatalogRepository,
    CatalogWritesRepository,
    CatalogService,
    CatalogTaxonomyService,
    CatalogResolver,
  ],
  exports: [],
})
export class ShopModule {}
