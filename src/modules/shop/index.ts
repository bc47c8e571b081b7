export { ShopModule } from './shop.module';
export { ShopWorkerModule } from './shop-worker.module';
export { ShopHoldSweep } from './shop.processor';
export { ShopEvent, type OrderEventPayload } from './shop.events';
export { OrdersService } from './orders.service';
export type { OrderView } from './orders.repository';
export { formatMinor } from './money';
