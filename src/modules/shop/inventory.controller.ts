import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentUser, RequirePermissions } from '@/core/auth/auth.decorators';
import { Permission, type AuthUser } from '@/core/auth/permissions';
import { ErrorBody } from '@/core/http/error-body';
import { Idempotent } from '@/core/idempotency';
import { OffsetPaginationQuery } from '@/core/http/pagination.dto';
import {
  StockAdjustmentBody,
  StockLevelResponse,
  StockMovementsResponse,
} from './dto/inventory.dto';
import { InventoryService } from './inventory.service';

/** Stock levels and their ledger, for staff with `inventory:manage`. */
@ApiTags('shop')
@ApiNotFoundResponse({ type: ErrorBody })
@RequirePermissions(Permission.InventoryManage)
@Controller({ path: 'shop/variants/:variantId', version: '1' })
export class InventoryController {
  constructor(private readonly inventory: InventoryService) {}

  /** A delivery, a count correction or a loss; recorded in the ledger with its reason. */
  @Idempotent()
  @Post('stock-adjustments')
  @ApiCreatedResponse({ type: StockLevelResponse })
  @ApiConflictResponse({ type: ErrorBody, description: 'SHOP.STOCK_BELOW_RESERVED' })
  async adjust(
    @Param('variantId', new ParseUUIDPipe()) variantId: string,
    @Body() body: StockAdjustmentBody,
    @CurrentUser() actor: AuthUser,
  ): Promise<StockLevelResponse> {
    return { stock: await this.inventory.adjust(variantId, body, actor) };
  }

  /** The variant's stock ledger, newest first. */
  @Get('stock-movements')
  @ApiOkResponse({ type: StockMovementsResponse })
  async movements(
    @Param('variantId', new ParseUUIDPipe()) variantId: string,
    @Query() page: OffsetPaginationQuery,
  ): Promise<StockMovementsResponse> {
    return { movements: await this.inventory.movements(variantId, page) };
  }
}
