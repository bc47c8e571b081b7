export { ShopModule } from './shop.module';
