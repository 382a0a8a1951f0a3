import { cancelOrder } from './cancel-order.use-case';
import { confirmOrder } from './confirm-order.use-case';
import { InvalidOrderTransitionError, OrderNotFoundError } from './errors';
import { fenceOrder } from './fence-order.use-case';
import { markOrderNeedsAttention } from './mark-needs-attention.use-case';
import { transitionOrder, type Order, type StatusTarget } from './order';
import { fixedClock } from './testing/fake-order-saga';
import { InMemoryOrderRepository } from './testing/in-memory-order.repository';
import { ORDER_ID, pendingOrder, RECEIVED_AT } from './testing/order-fixtures';

const NOW = '2025-03-01T10:00:02.000Z';
const context = { correlationId: 'corr-saga' };

const setup = (seed: Order[] = [pendingOrder()]) => {
  const orders = new InMemoryOrderRepository(seed);
  return { orders, deps: { orders, clock: fixedClock(NOW) } };
};

const confirmedOrder = () => transitionOrder(pendingOrder(), { status: 'CONFIRMED' }, new Date(RECEIVED_AT)).order;

describe('confirmOrder', () => {
  it('confirms a pending order in one write and no read, stamped with the saga correlation id', async () => {
    const { orders, deps } = setup();

    const result = await confirmOrder(deps, ORDER_ID, context);

    expect(result).toEqual({
      changed: true,
      order: {
        ...pendingOrder(),
        status: 'CONFIRMED',
        statusHistory: [...pendingOrder().statusHistory, { status: 'CONFIRMED', at: NOW }],
        updatedAt: NOW,
        version: 2,
      },
    });
    expect(orders.calls).toEqual(['changeStatus']);
    expect(orders.writes.map((write) => [write.kind, write.order.status, write.correlationId])).toEqual([
      ['changeStatus', 'CONFIRMED', 'corr-saga'],
    ]);
  });

  it('changes nothing when a redelivered task finds the order already CONFIRMED', async () => {
    const { orders, deps } = setup([confirmedOrder()]);

    const again = await confirmOrder(deps, ORDER_ID, { correlationId: 'corr-redelivered' });

    expect(again).toEqual({ order: confirmedOrder(), changed: false });
    expect(orders.items.get(ORDER_ID)).toEqual({ order: confirmedOrder(), correlationId: 'seed' });
    expect(orders.calls).toEqual(['changeStatus']);
    expect(orders.writes).toEqual([]);
  });

  it('lets exactly one of two racing copies confirm', async () => {
    const { orders, deps } = setup();

    const results = await Promise.all([confirmOrder(deps, ORDER_ID, context), confirmOrder(deps, ORDER_ID, context)]);

    expect(results.map((result) => [result.order.status, result.order.version, result.changed]).sort()).toEqual([
      ['CONFIRMED', 2, false],
      ['CONFIRMED', 2, true],
    ]);
    expect(orders.writes).toHaveLength(1);
  });

  it('refuses to confirm a cancelled order and leaves it as it was', async () => {
    const { orders, deps } = setup();
    const { order: cancelled } = await cancelOrder(deps, ORDER_ID, 'OUT_OF_STOCK', context);

    await expect(confirmOrder(deps, ORDER_ID, context)).rejects.toEqual(
      new InvalidOrderTransitionError(ORDER_ID, 'CANCELLED', 'CONFIRMED'),
    );
    expect(orders.items.get(ORDER_ID)?.order).toEqual(cancelled);
  });

  it('fails for an unknown order', async () => {
    const { orders, deps } = setup([]);
    await expect(confirmOrder(deps, ORDER_ID, context)).rejects.toEqual(new OrderNotFoundError(ORDER_ID));
    expect(orders.calls).toEqual(['changeStatus']);
  });
});

describe('cancelOrder', () => {
  it('cancels with the reason, and a repeat keeps the first reason and writes nothing', async () => {
    const { orders, deps } = setup();

    await cancelOrder(deps, ORDER_ID, 'PAYMENT_DECLINED', context);
    const again = await cancelOrder(deps, ORDER_ID, 'OUT_OF_STOCK', context);

    expect(again.changed).toBe(false);
    expect(again.order.cancellationReason).toBe('PAYMENT_DECLINED');
    expect(again.order.statusHistory.map((change) => [change.status, change.reason])).toEqual([
      ['PENDING', undefined],
      ['CANCELLED', 'PAYMENT_DECLINED'],
    ]);
    expect(orders.writes).toHaveLength(1);
    expect(orders.calls).toEqual(['changeStatus', 'changeStatus']);
  });

  it('refuses to cancel a confirmed order, which stays confirmed without a reason', async () => {
    const { orders, deps } = setup([confirmedOrder()]);

    await expect(cancelOrder(deps, ORDER_ID, 'PAYMENT_DECLINED', context)).rejects.toEqual(
      new InvalidOrderTransitionError(ORDER_ID, 'CONFIRMED', 'CANCELLED'),
    );
    expect(orders.items.get(ORDER_ID)?.order).toEqual(confirmedOrder());
    expect(orders.writes).toEqual([]);
  });

  it('fails for an unknown order', async () => {
    const { deps } = setup([]);
    await expect(cancelOrder(deps, ORDER_ID, 'OUT_OF_STOCK', context)).rejects.toEqual(new OrderNotFoundError(ORDER_ID));
  });
});

describe('markOrderNeedsAttention', () => {
  it('flags the order with the error name, from any status, once', async () => {
    const { orders, deps } = setup();
    await confirmOrder(deps, ORDER_ID, context);

    const flagged = await markOrderNeedsAttention(deps, ORDER_ID, 'Lambda.ServiceException', context);
    const again = await markOrderNeedsAttention(deps, ORDER_ID, 'Other', context);

    expect(flagged.order.status).toBe('NEEDS_ATTENTION');
    expect(flagged.order.version).toBe(3);
    expect(flagged.order.statusHistory.at(-1)).toEqual({ status: 'NEEDS_ATTENTION', at: NOW, reason: 'Lambda.ServiceException' });
    expect(again).toEqual({ order: flagged.order, changed: false });
    expect(orders.writes).toHaveLength(2);
  });

  it('keeps the cancellation reason of a cancelled order it flags', async () => {
    const { deps } = setup();
    await cancelOrder(deps, ORDER_ID, 'PAYMENT_DECLINED', context);

    const flagged = await markOrderNeedsAttention(deps, ORDER_ID, 'States.Timeout', context);

    expect(flagged.order).toMatchObject({ status: 'NEEDS_ATTENTION', cancellationReason: 'PAYMENT_DECLINED' });
  });

  it('fails for an unknown order', async () => {
    const { deps } = setup([]);
    await expect(markOrderNeedsAttention(deps, ORDER_ID, 'X', context)).rejects.toBeInstanceOf(OrderNotFoundError);
  });
});

describe('fenceOrder', () => {
  const flag = { status: 'NEEDS_ATTENTION', reason: 'Boom' } as const;

  it('moves a PENDING order in one write, no read first', async () => {
    const { orders, deps } = setup();

    const result = await fenceOrder(deps, ORDER_ID, { status: 'CANCELLED', reason: 'PROCESSING_FAILED' }, context);

    expect(result).toMatchObject({ changed: true, order: { status: 'CANCELLED', cancellationReason: 'PROCESSING_FAILED', version: 2 } });
    expect(orders.calls).toEqual(['fence']);
  });

  it.each(['CONFIRMED', 'CANCELLED', 'NEEDS_ATTENTION'] as const)('leaves a %s order as it is and answers it', async (status) => {
    const targets: Record<typeof status, StatusTarget> = {
      CONFIRMED: { status: 'CONFIRMED' },
      CANCELLED: { status: 'CANCELLED', reason: 'OUT_OF_STOCK' },
      NEEDS_ATTENTION: { status: 'NEEDS_ATTENTION', reason: 'X' },
    };
    const stored = transitionOrder(pendingOrder(), targets[status], new Date(RECEIVED_AT)).order;
    const { orders, deps } = setup([stored]);

    await expect(fenceOrder(deps, ORDER_ID, flag, context)).resolves.toEqual({ order: stored, changed: false });
    expect(orders.writes).toEqual([]);
  });

  it('refuses an order that does not exist', async () => {
    await expect(fenceOrder(setup([]).deps, ORDER_ID, flag, context)).rejects.toBeInstanceOf(OrderNotFoundError);
  });
});
