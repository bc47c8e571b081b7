import { Injectable } from '@nestjs/common';
import type { AuthUser } from '@/core/auth/permissions';
import { CartsRepository } from './carts.repository';
import { CatalogService } from './catalog.service';
import { InventoryRepository, MAX_ON_HAND } from './inventory.repository';
import {
  InsufficientStockAdjustmentError,
  StockLimitError,
  VariantNotFoundError,
} from './shop.errors';

/** Staff stock operations; checkout and payment move stock through the repository directly. */
@Injectable()
export class InventoryService {
  constructor(
    private readonly inventory: InventoryRepository,
    private readonly carts: CartsRepository,
    private readonly catalog: CatalogService,
  ) {}

  async adjust(
    variantId: string,
    change: { delta: number; note: string; reason: 'adjustment' | 'return' },
    actor: AuthUser,
  ) {
    const level = await this.inventory.adjust(
      variantId,
      change.delta,
      change.note,
      actor.id,
      change.reason,
    );
    if (!level) {
      if (!(await this.carts.variantForSale(variantId))) throw new VariantNotFoundError();
      if (change.delta > 0) throw new StockLimitError(MAX_ON_HAND);
      throw new InsufficientStockAdjustmentError();
    }
    // Product pages show availability: the cached copy is stale now.
    await this.catalog.stockChanged([variantId]);
    return { ...level, available: level.onHand - level.reserved };
  }

  async movements(variantId: string, page: { limit: number; offset: number }) {
    if (!(await this.carts.variantForSale(variantId))) throw new VariantNotFoundError();
    return this.inventory.movements(variantId, page);
  }
}
