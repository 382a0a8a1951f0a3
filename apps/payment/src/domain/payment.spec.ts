import { paymentIdFor, sameMoney, transitionTime } from './payment';
import { ORDER_1, ORDER_2 } from './testing/payment-fixtures';

describe('payments', () => {
  it('have one stable id per order, the same for every attempt', () => {
    expect(paymentIdFor(ORDER_1)).toBe(paymentIdFor(ORDER_1));
    expect(paymentIdFor(ORDER_1)).not.toBe(paymentIdFor(ORDER_2));
    expect(paymentIdFor(ORDER_1)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('compare amounts by value and currency', () => {
    expect(sameMoney({ amount: 100, currency: 'EUR' }, { amount: 100, currency: 'EUR' })).toBe(true);
    expect(sameMoney({ amount: 100, currency: 'EUR' }, { amount: 100, currency: 'USD' })).toBe(false);
    expect(sameMoney({ amount: 100, currency: 'EUR' }, { amount: 101, currency: 'EUR' })).toBe(false);
  });

  it('time each transition by its own field', () => {
    expect(transitionTime({ status: 'AUTHORIZED', authorizationId: 'a', authorizedAt: 't1' })).toBe('t1');
    expect(transitionTime({ status: 'CAPTURED', captureId: 'c', capturedAt: 't2' })).toBe('t2');
    expect(transitionTime({ status: 'DECLINED', declineReason: 'r', declinedAt: 't3' })).toBe('t3');
    expect(transitionTime({ status: 'REFUNDED', refundedAt: 't4' })).toBe('t4');
  });
});
