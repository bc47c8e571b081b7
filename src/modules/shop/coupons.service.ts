import { Inject, Injectable } from '@nestjs/common';
import { shopConfig, type ShopConfig } from '@/config';
import { ValidationFailedError } from '@/core/http/domain-error';
import {
  CouponsRepository,
  type CouponChanges,
  type CouponInput,
  type CouponRow,
} from './coupons.repository';
import { CouponNotFoundError, CurrencyMismatchError } from './shop.errors';

/** Staff management of promotion codes; redeeming them is checkout's (coupons.repository.ts). */
@Injectable()
export class CouponsService {
  constructor(
    private readonly coupons: CouponsRepository,
    @Inject(shopConfig.KEY) private readonly config: ShopConfig,
  ) {}

  get currency(): string {
    return this.config.currency;
  }

  async create(
    input: Omit<CouponInput, 'kind' | 'amount'> & {
      percentOff?: number;
      amountOff?: { amount: number; currency: string };
    },
  ): Promise<CouponRow> {
    const { percentOff, amountOff, ...rest } = input;
    if ((percentOff === undefined) === (amountOff === undefined)) {
      throw new ValidationFailedError({ percentOff: ['give either percentOff or amountOff'] });
    }
    if (amountOff) {
      if (amountOff.currency !== this.config.currency) {
        throw new CurrencyMismatchError(this.config.currency);
      }
      if (amountOff.amount < 1) throw new ValidationFailedError({ amountOff: ['must be > 0'] });
    }
    return this.coupons.create({
      ...rest,
      kind: amountOff ? 'fixed' : 'percentage',
      amount: amountOff ? amountOff.amount : (percentOff as number),
    });
  }

  async get(code: string): Promise<CouponRow> {
    const row = await this.coupons.findByCode(code);
    if (!row) throw new CouponNotFoundError();
    return row;
  }

  async update(code: string, changes: CouponChanges): Promise<CouponRow> {
    const row = await this.coupons.update(code, changes);
    if (!row) throw new CouponNotFoundError();
    return row;
  }

  list(q: { limit: number; offset: number; sort: string; active?: boolean }) {
    return this.coupons.page(q);
  }
}
