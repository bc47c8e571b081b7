import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { shopConfig, type ShopConfig } from '@/config';
import { CartsController } from './carts.controller';
import { CartsRepository } from './carts.repository';
import { CartsService } from './carts.service';
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
import { CategoriesRepository } from './categories.repository';
import { CollectionsRepository } from './collections.repository';
import { CheckoutService } from './checkout.service';
import { CouponsController } from './coupons.controller';
import { CouponsRepository } from './coupons.repository';
import { CouponsService } from './coupons.service';
import { InventoryController } from './inventory.controller';
import { InventoryRepository } from './inventory.repository';
import { InventoryService } from './inventory.service';
import { OrderLifecycleService } from './order-lifecycle.service';
import { OrdersController } from './orders.controller';
import { OrdersRepository } from './orders.repository';
import { OrdersService } from './orders.service';
import { OutboundWebhooksRepository } from './outbound-webhooks.repository';
import { OutboundWebhooksService } from './outbound-webhooks.service';
import { SalesController } from './sales.controller';
import { SalesListener } from './sales.listener';
import { SalesRepository } from './sales.repository';
import { SalesService } from './sales.service';
import { ShopEventsListener } from './shop-events.listener';
import { ShopOrdersResolver } from './shop-orders.resolver';
import { WebhookEndpointsController } from './webhook-endpoints.controller';
import { WebhookDelivery, WebhookEndpoint } from './entities/webhook-endpoint.entity';
import { FakePaymentProvider } from './payments/fake-payment.provider';
import { PaymentProvider } from './payments/payment-provider';
import { StripePaymentProvider } from './payments/stripe-payment.provider';
import { PaymentsController } from './payments.controller';
import { PaymentsRepository } from './payments.repository';
import { PaymentsService } from './payments.service';
import { Cart, CartItem } from './entities/cart.entity';
import { Category } from './entities/category.entity';
import { Collection, CollectionProduct } from './entities/collection.entity';
import { Coupon } from './entities/coupon.entity';
import { Order, OrderEvent, OrderLine } from './entities/order.entity';
import { Payment, Refund, WebhookEvent } from './entities/payment.entity';
import { Product } from './entities/product.entity';
import { SalesAppliedEvent, SalesDay } from './entities/sales-day.entity';
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
      WebhookEndpoint,
      WebhookDelivery,
      SalesDay,
      SalesAppliedEvent,
    ]),
  ],
  controllers: [
    ProductsController,
    ProductsAdminController,
    CategoriesController,
    CollectionsController,
    CartsController,
    OrdersController,
    InventoryController,
    PaymentsController,
    SalesController,
    CouponsController,
    WebhookEndpointsController,
  ],
  providers: [
    CatalogRepository,
    CatalogWritesRepository,
    CategoriesRepository,
    CollectionsRepository,
    CatalogService,
    CatalogTaxonomyService,
    CatalogResolver,
    CartsRepository,
    CartsService,
    CheckoutService,
    CouponsRepository,
    CouponsService,
    InventoryRepository,
    InventoryService,
    OrdersRepository,
    OrdersService,
    OrderLifecycleService,
    PaymentsRepository,
    PaymentsService,
    FakePaymentProvider,
    StripePaymentProvider,
    {
      provide: PaymentProvider,
      inject: [shopConfig.KEY, FakePaymentProvider, StripePaymentProvider],
      useFactory: (config: ShopConfig, fake: FakePaymentProvider, stripe: StripePaymentProvider) =>
        config.paymentProvider === 'stripe' ? stripe : fake,
    },
    OutboundWebhooksRepository,
    OutboundWebhooksService,
    ShopEventsListener,
    ShopOrdersResolver,
    SalesRepository,
    SalesService,
    SalesListener,
  ],
  exports: [
    OrderLifecycleService,
    OrdersService,
    PaymentsService,
    PaymentsRepository,
    CartsRepository,
    FakePaymentProvider,
    OutboundWebhooksService,
  ],
})
export class ShopModule {}
