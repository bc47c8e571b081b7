import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import type { SalesReport } from '../sales.service';
import { money, MoneyDto } from './money.dto';

/** A day from 1970 to 2999: far outside that is a typo, and year 0 is a 500 in PostgreSQL. */
const DATE = /^(19[7-9]\d|2\d{3})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export class SalesReportQuery {
  /** First day (UTC), inclusive; default: 29 days before `to`. */
  @ApiPropertyOptional({ format: 'date', example: '2026-11-01' })
  @IsOptional()
  @Matches(DATE, { message: 'from must be a date as YYYY-MM-DD' })
  from?: string;

  /** Last day (UTC), inclusive; default: today. At most 366 days after `from`. */
  @ApiPropertyOptional({ format: 'date', example: '2026-11-30' })
  @IsOptional()
  @Matches(DATE, { message: 'to must be a date as YYYY-MM-DD' })
  to?: string;
}

export class SalesFiguresDto {
  @ApiProperty({ description: 'Orders placed (checked out), paid or not' }) ordersPlaced: number;
  @ApiProperty() ordersPaid: number;
  @ApiProperty({ description: 'Units in the orders paid' }) unitsSold: number;
  @ApiProperty({ type: MoneyDto, description: 'Totals of the orders paid (tax and shipping in)' })
  gross: MoneyDto;
  @ApiProperty({ type: MoneyDto, description: 'Refunds made (on any order)' })
  refunded: MoneyDto;
  @ApiProperty({ type: MoneyDto, description: 'gross − refunded' }) net: MoneyDto;
}

export class SalesDayDto extends SalesFiguresDto {
  @ApiProperty({ format: 'date', example: '2026-11-25' }) day: string;
}

export class SalesTotalsDto extends SalesFiguresDto {
  @ApiProperty({ type: MoneyDto, nullable: true, description: 'gross ÷ orders paid, rounded' })
  averageOrderValue: MoneyDto | null;
}

export class SalesReportResponse {
  @ApiProperty({ format: 'date' }) from: string;
  @ApiProperty({ format: 'date' }) to: string;
  @ApiProperty({ type: [SalesDayDto], description: 'Every day of the range, oldest first' })
  days: SalesDayDto[];
  @ApiProperty({ type: SalesTotalsDto }) totals: SalesTotalsDto;
}

export function toSalesReportResponse(r: SalesReport): SalesReportResponse {
  const figures = (f: SalesReport['totals']): SalesFiguresDto => ({
    ordersPlaced: f.ordersPlaced,
    ordersPaid: f.ordersPaid,
    unitsSold: f.unitsSold,
    gross: money(f.grossMinor, r.currency),
    refunded: money(f.refundedMinor, r.currency),
    net: money(f.grossMinor - f.refundedMinor, r.currency),
  });
  return {
    from: r.from,
    to: r.to,
    days: r.days.map((d) => ({ day: d.day, ...figures(d) })),
    totals: {
      ...figures(r.totals),
      averageOrderValue: r.totals.ordersPaid
        ? money(Math.round(r.totals.grossMinor / r.totals.ordersPaid), r.currency)
        : null,
    },
  };
}
