import { allowedFrom, ORDER_TRANSITIONS } from './order-status';

describe('order state machine', () => {
  it('should only pay or cancel an unpaid order', () => {
    expect(ORDER_TRANSITIONS.pending_payment).toEqual(['paid', 'cancelled']);
    expect(allowedFrom('cancelled')).toEqual(['pending_payment']);
    expect(allowedFrom('paid')).toEqual(['pending_payment']);
  });

  it('should end in refunded or cancelled', () => {
    expect(ORDER_TRANSITIONS.refunded).toEqual([]);
    expect(ORDER_TRANSITIONS.cancelled).toEqual([]);
  });

  it('should never refund an unpaid order', () => {
    expect(allowedFrom('refunded')).not.toContain('pending_payment');
    expect(allowedFrom('partially_refunded')).not.toContain('pending_payment');
  });
});
