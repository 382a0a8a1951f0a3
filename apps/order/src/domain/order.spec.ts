import { ORDER_STATUSES } from '@shop/order-contracts';
import { InvalidOrderTransitionError } from './errors';
import {
  canTransition,
  lastStatusChange,
  newOrder,
  OrderSchema,
  statusChangeWrite,
  transitionNotApplied,
  transitionOrder,
  transitionSources,
  type Order,
} from './order';
import { ORDER_ID, pendingOrder, placeOrderData, RECEIVED_AT } from './testing/order-fixtures';

const LATER = new Date('2025-03-01T10:00:05.000Z');

const withStatus = (status: Order['status']): Order => ({ ...pendingOrder(), status });

describe('newOrder', () => {
  it('is PENDING at version 1 with the checkout lines, total, address and a one-entry history', () => {
    const order = newOrder(placeOrderData(), new Date(RECEIVED_AT));
    expect(order).toEqual({
      orderId: ORDER_ID,
      customerId: placeOrderData().customerId,
      lines: placeOrderData().lines,
      total: { amount: 3048, currency: 'EUR' },
      shippingAddress: placeOrderData().shippingAddress,
      status: 'PENDING',
      statusHistory: [{ status: 'PENDING', at: RECEIVED_AT }],
      placedAt: '2025-03-01T10:00:00.000Z',
      createdAt: RECEIVED_AT,
      updatedAt: RECEIVED_AT,
      version: 1,
    });
    expect(OrderSchema.parse(order)).toEqual(order);
  });

  it('never keeps the payment token', () => {
    expect(JSON.stringify(newOrder(placeOrderData(), new Date(RECEIVED_AT)))).not.toContain('tok_approve');
  });
});

describe('the order status machine', () => {
  it.each([
    ['PENDING', 'CONFIRMED', true],
    ['PENDING', 'CANCELLED', true],
    ['PENDING', 'NEEDS_ATTENTION', true],
    ['CONFIRMED', 'CANCELLED', false],
    ['CONFIRMED', 'PENDING', false],
    ['CANCELLED', 'CONFIRMED', false],
    ['CANCELLED', 'PENDING', false],
    ['CONFIRMED', 'NEEDS_ATTENTION', true],
    ['CANCELLED', 'NEEDS_ATTENTION', true],
    ['NEEDS_ATTENTION', 'CONFIRMED', false],
    ['NEEDS_ATTENTION', 'CANCELLED', false],
    ['NEEDS_ATTENTION', 'PENDING', false],
  ] as const)('%s -> %s allowed: %s', (from, to, allowed) => {
    expect(canTransition(from, to)).toBe(allowed);
  });

  it('never goes back to PENDING', () => {
    expect(ORDER_STATUSES.filter((from) => canTransition(from, 'PENDING'))).toEqual([]);
  });

  it.each([
    ['CONFIRMED', ['PENDING']],
    ['CANCELLED', ['PENDING']],
    ['NEEDS_ATTENTION', ['PENDING', 'CONFIRMED', 'CANCELLED']],
    ['PENDING', []],
  ] as const)('lists the statuses an order may enter %s from: %j', (to, sources) => {
    expect(transitionSources(to)).toEqual(sources);
  });
});

describe('statusChangeWrite', () => {
  it('writes the status, a history entry and updatedAt, and the reason only when cancelling', () => {
    expect(statusChangeWrite({ status: 'CONFIRMED' }, LATER)).toEqual({
      status: 'CONFIRMED',
      historyEntry: { status: 'CONFIRMED', at: LATER.toISOString() },
      updatedAt: LATER.toISOString(),
    });
    expect(statusChangeWrite({ status: 'CANCELLED', reason: 'OUT_OF_STOCK' }, LATER)).toEqual({
      status: 'CANCELLED',
      cancellationReason: 'OUT_OF_STOCK',
      historyEntry: { status: 'CANCELLED', at: LATER.toISOString(), reason: 'OUT_OF_STOCK' },
      updatedAt: LATER.toISOString(),
    });
    expect(statusChangeWrite({ status: 'NEEDS_ATTENTION', reason: 'States.Timeout' }, LATER)).toEqual({
      status: 'NEEDS_ATTENTION',
      historyEntry: { status: 'NEEDS_ATTENTION', at: LATER.toISOString(), reason: 'States.Timeout' },
      updatedAt: LATER.toISOString(),
    });
  });
});

describe('transitionNotApplied', () => {
  it('is no change for an order already in the target status, keeping its first reason', () => {
    const cancelled = transitionOrder(pendingOrder(), { status: 'CANCELLED', reason: 'OUT_OF_STOCK' }, LATER).order;
    expect(transitionNotApplied(cancelled, { status: 'CANCELLED', reason: 'PAYMENT_DECLINED' })).toEqual({
      order: cancelled,
      changed: false,
    });
  });

  it('refuses for an order in another status', () => {
    expect(() => transitionNotApplied(withStatus('CONFIRMED'), { status: 'CANCELLED', reason: 'OUT_OF_STOCK' })).toThrow(
      new InvalidOrderTransitionError(ORDER_ID, 'CONFIRMED', 'CANCELLED'),
    );
  });
});

describe('transitionOrder', () => {
  it('confirms a pending order: status, history entry, version and updatedAt', () => {
    const { order, changed } = transitionOrder(pendingOrder(), { status: 'CONFIRMED' }, LATER);
    expect(changed).toBe(true);
    expect(order.status).toBe('CONFIRMED');
    expect(order.statusHistory).toEqual([
      { status: 'PENDING', at: RECEIVED_AT },
      { status: 'CONFIRMED', at: LATER.toISOString() },
    ]);
    expect(order.version).toBe(2);
    expect(order.updatedAt).toBe(LATER.toISOString());
    expect(order.cancellationReason).toBeUndefined();
  });

  it('cancels with the reason on the order and in the history', () => {
    const { order } = transitionOrder(pendingOrder(), { status: 'CANCELLED', reason: 'OUT_OF_STOCK' }, LATER);
    expect(order.cancellationReason).toBe('OUT_OF_STOCK');
    expect(lastStatusChange(order)).toEqual({ status: 'CANCELLED', at: LATER.toISOString(), reason: 'OUT_OF_STOCK' });
  });

  it('flags NEEDS_ATTENTION with the error name as the reason, cut to 200 characters', () => {
    const { order } = transitionOrder(withStatus('CANCELLED'), { status: 'NEEDS_ATTENTION', reason: 'x'.repeat(300) }, LATER);
    expect(order.status).toBe('NEEDS_ATTENTION');
    expect(lastStatusChange(order).reason).toHaveLength(200);
  });

  it('is a no-op for an order already in the target status (a repeated saga task)', () => {
    const cancelled = transitionOrder(pendingOrder(), { status: 'CANCELLED', reason: 'OUT_OF_STOCK' }, LATER).order;
    const again = transitionOrder(cancelled, { status: 'CANCELLED', reason: 'PAYMENT_DECLINED' }, new Date());
    expect(again).toEqual({ order: cancelled, changed: false });
  });

  it('refuses what the status machine forbids', () => {
    expect(() => transitionOrder(withStatus('CANCELLED'), { status: 'CONFIRMED' }, LATER)).toThrow(
      new InvalidOrderTransitionError(ORDER_ID, 'CANCELLED', 'CONFIRMED'),
    );
    expect(() => transitionOrder(withStatus('CONFIRMED'), { status: 'CANCELLED', reason: 'OUT_OF_STOCK' }, LATER)).toThrow(
      InvalidOrderTransitionError,
    );
  });
});

describe('OrderSchema', () => {
  it('rejects a total that does not match the lines', () => {
    const result = OrderSchema.safeParse({ ...pendingOrder(), total: { amount: 1, currency: 'EUR' } });
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['total']);
  });
});
