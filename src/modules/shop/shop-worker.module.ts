import { Module } from '@nestjs/common';
import {
  ShopCartCleanup,
  ShopEventsSweep,
  ShopHoldSweep,
  ShopMetrics,
  ShopPaymentReconciliation,
  ShopProcessor,
} from './shop.processor';
import { ShopModule } from './shop.module';

/** The shop's background work (stock holds, payments), loaded by worker roles only. */
@Module({
  imports: [ShopModule],
  providers: [
    ShopProcessor,
    ShopHoldSweep,
    ShopEventsSweep,
    ShopPaymentReconciliation,
    ShopCartCleanup,
    ShopMetrics,
  ],
})
export class ShopWorkerModule {}
