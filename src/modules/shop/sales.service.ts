import { Inject, Injectable } from '@nestjs/common';
import { shopConfig, type ShopConfig } from '@/config';
import { ValidationFailedError } from '@/core/http/domain-error';
import { SalesRepository, type SalesDayRow, type SalesFact } from './sales.repository';

export interface SalesReport {
  currency: string;
  from: string;
  to: string;
  days: SalesDayRow[];
  totals: Omit<SalesDayRow, 'day'>;
}

const DAY_MS = 24 * 3600 * 1000;
/** A year, leap day included: the longest range one report covers. */
export const MAX_REPORT_DAYS = 366;

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** A YYYY-MM-DD that names a real day (the DTO only checks the shape), as epoch ms. */
function dayMs(field: string, value: string): number {
  const ms = Date.parse(`${value}T00:00:00Z`);
  if (Number.isNaN(ms) || isoDay(ms) !== value) {
    throw new ValidationFailedError({ [field]: [`${field} is not a calendar day`] });
  }
  return ms;
}

/**
 * Sales analytics of the shop: the outbox consumer counts each order event once into a daily
 * rollup (`SalesRepository.apply`); staff read it as a report over a range of UTC days.
 */
@Injectable()
export class SalesService {
  constructor(
    private readonly sales: SalesRepository,
    @Inject(shopConfig.KEY) private readonly config: ShopConfig,
  ) {}

  /** Counts one relayed event; `eventKey` is its identity across redeliveries. */
  record(fact: SalesFact, eventKey: string, id: string): Promise<boolean> {
    return this.sales.apply(fact, eventKey, id);
  }

  async report(range: { from?: string; to?: string }, now = Date.now()): Promise<SalesReport> {
    const toMs = range.to ? dayMs('to', range.to) : Date.parse(`${isoDay(now)}T00:00:00Z`);
    const fromMs = range.from ? dayMs('from', range.from) : toMs - 29 * DAY_MS;
    if (fromMs > toMs) throw new ValidationFailedError({ from: ['from must not be after to'] });
    if ((toMs - fromMs) / DAY_MS + 1 > MAX_REPORT_DAYS) {
      throw new ValidationFailedError({ to: [`a report covers at most ${MAX_REPORT_DAYS} days`] });
    }
    const [from, to] = [isoDay(fromMs), isoDay(toMs)];
    const days = await this.sales.days(from, to, this.config.currency);
    const totals = {
      ordersPlaced: 0,
      ordersPaid: 0,
      unitsSold: 0,
      grossMinor: 0,
      refundedMinor: 0,
    };
    for (const d of days) {
      totals.ordersPlaced += d.ordersPlaced;
      totals.ordersPaid += d.ordersPaid;
      totals.unitsSold += d.unitsSold;
      totals.grossMinor += d.grossMinor;
      totals.refundedMinor += d.refundedMinor;
    }
    return { currency: this.config.currency, from, to, days, totals };
  }
}
