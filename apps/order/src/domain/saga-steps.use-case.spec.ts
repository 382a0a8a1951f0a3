import { cancelOrder } from './cancel-order.use-case';
import { MAX_STATUS_CHANGE_ATTEMPTS } from './change-order-status';
import { confirmOrder } from './confirm-order.use-case';
import { InvalidOrderTransitionError, OrderNotFoundError, OrderVersionConflictError } from './errors';
import { markOrderNeedsAttention } from './mark-needs-attention.use-case';
import type { Order } from './order';
import type { OrderRepository } from './ports';
import { fixedClock } from './testing/fake-order-saga';
import { InMemoryOrderRepository } from './testing/in-memory-order.repository';
import { ORDER_ID, pendingOrder } from './testing/order-fixtures';

const NOW = '2025-03-01T10:00:02.000Z';
const context = { correlationId: 'corr-saga' };

const setup = (seed: Order[] = [pendingOrder()]) => {
  const orders = new InMemoryOrderRepository(seed);
  return { orders, deps: { orders, clock: fixedClock(NOW) } };
};

describe('confirmOrder', () => {
  it('confirms a pending order once, stamping the write with the saga correlation id', async () => {
    const { orders, deps } = setup();

    const first = await confirmOrder(deps, ORDER_ID, context);
    const second = await confirmOrder(deps, ORDER_ID, context);

    expect(first.changed).toBe(true);
    expect(first.order.status).toBe('CONFIRMED');
    expect(second).toEqual({ order: first.order, changed: false });
    expect(orders.writes.map((write) => [write.kind, write.order.status, write.correlationId])).toEqual([
      ['update', 'CONFIRMED', 'corr-saga'],
    ]);
  });

  it('refuses to confirm a cancelled order', async () => {
    const { deps } = setup();
    await cancelOrder(deps, ORDER_ID, 'OUT_OF_STOCK', context);

    await expect(confirmOrder(deps, ORDER_ID, context)).rejects.toBeInstanceOf(InvalidOrderTransitionError);
  });

  it('fails for an unknown order', async () => {
    const { deps } = setup([]);
    await expect(confirmOrder(deps, ORDER_ID, context)).rejects.toEqual(new OrderNotFoundError(ORDER_ID));
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
  });
});

describe('markOrderNeedsAttention', () => {
  it('flags the order with the error name, from any status, once', async () => {
    const { orders, deps } = setup();
    await confirmOrder(deps, ORDER_ID, context);

    const flagged = await markOrderNeedsAttention(deps, ORDER_ID, 'Lambda.ServiceException', context);
    const again = await markOrderNeedsAttention(deps, ORDER_ID, 'Other', context);

    expect(flagged.order.status).toBe('NEEDS_ATTENTION');
    expect(flagged.order.statusHistory.at(-1)).toEqual({ status: 'NEEDS_ATTENTION', at: NOW, reason: 'Lambda.ServiceException' });
    expect(again.changed).toBe(false);
    expect(orders.writes).toHaveLength(2);
  });
});

describe('optimistic locking of status changes', () => {
  /** A repository whose first `n` updates lose a race against a writer that sets `status`. */
  const racing = (losses: number, winner?: Order['status']): Pick<OrderRepository, 'get' | 'update'> & { updates: number } => {
    const inner = new InMemoryOrderRepository([pendingOrder()]);
    let lost = 0;
    return {
      updates: 0,
      get: (orderId) => inner.get(orderId),
      async update(order, expectedVersion, ctx) {
        this.updates += 1;
        if (lost < losses) {
          lost += 1;
          const current = (await inner.get(ORDER_ID)) as Order;
          await inner.update({ ...current, status: winner ?? current.status, version: current.version + 1 }, current.version, ctx);
          throw new OrderVersionConflictError(order.orderId, expectedVersion);
        }
        return inner.update(order, expectedVersion, ctx);
      },
    };
  };

  it('re-reads after losing a race and finds the duplicate task already did the work', async () => {
    const orders = racing(1, 'CONFIRMED');
    const result = await confirmOrder({ orders, clock: fixedClock(NOW) }, ORDER_ID, context);
    expect(result.changed).toBe(false);
    expect(orders.updates).toBe(1);
  });

  it('retries its own write after losing a race to an unrelated change', async () => {
    const orders = racing(1);
    const result = await confirmOrder({ orders, clock: fixedClock(NOW) }, ORDER_ID, context);
    expect(result).toMatchObject({ changed: true, order: { status: 'CONFIRMED', version: 3 } });
  });

  it(`gives up after ${MAX_STATUS_CHANGE_ATTEMPTS} lost races`, async () => {
    const orders = racing(MAX_STATUS_CHANGE_ATTEMPTS);
    await expect(confirmOrder({ orders, clock: fixedClock(NOW) }, ORDER_ID, context)).rejects.toBeInstanceOf(
      OrderVersionConflictError,
    );
    expect(orders.updates).toBe(MAX_STATUS_CHANGE_ATTEMPTS);
  });
});
