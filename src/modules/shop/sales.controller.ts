import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { RequirePermissions } from '@/core/auth/auth.decorators';
import { Permission } from '@/core/auth/permissions';
import { ErrorBody } from '@/core/http/error-body';
import { SalesReportQuery, SalesReportResponse, toSalesReportResponse } from './dto/sales.dto';
import { SalesService } from './sales.service';

/** Staff: sales per day from the rollup the outbox consumer keeps. */
@ApiTags('shop')
@Controller({ path: 'shop/admin/sales', version: '1' })
export class SalesController {
  constructor(private readonly sales: SalesService) {}

  /** Orders placed and paid, units, gross, refunds and net per UTC day, with totals. */
  @RequirePermissions(Permission.OrdersManage)
  @Get()
  @ApiOkResponse({ type: SalesReportResponse })
  @ApiUnprocessableEntityResponse({
    type: ErrorBody,
    description: 'Bad dates or a range over 366 days',
  })
  async salesReport(@Query() query: SalesReportQuery): Promise<SalesReportResponse> {
    return toSalesReportResponse(await this.sales.report(query));
  }
}
