import { OrderAlreadyExistsError, OrderIdTakenError } from './errors';
import { transitionOrder } from './order';
import { placeOrder, sagaInputOf } from './place-order.use-case';
import { fixedClock, FakeOrderSaga } from './testing/fake-order-saga';
import { InMemoryOrderRepository } from './testing/in-memory-order.repository';
import { CORRELATION_ID, ORDER_ID, OTHER_CUSTOMER_ID, pendingOrder, placeOrderData, RECEIVED_AT } from './testing/order-fixtures';

const setup = (seed = [] as ReturnType<typeof pendingOrder>[]) => {
  const orders = new InMemoryOrderRepository(seed);
  const saga = new FakeOrderSaga();
  const deps = { orders, saga, clock: fixedClock(RECEIVED_AT) };
  return { orders, saga, run: (data = placeOrderData(), correlationId = CORRELATION_ID) => placeOrder(deps, { data, correlationId }) };
};

describe('placeOrder', () => {
  it('stores the order PENDING with the correlation id and starts its saga with the order and token', async () => {
    const { orders, saga, run } = setup();

    const outcome = await run();

    expect(outcome).toEqual({ order: pendingOrder(), created: true, saga: 'started' });
    expect(orders.items.get(ORDER_ID)).toEqual({ order: pendingOrder(), correlationId: CORRELATION_ID });
    expect(saga.calls).toEqual([
      {
        orderId: ORDER_ID,
        customerId: placeOrderData().customerId,
        lines: placeOrderData().lines,
        total: placeOrderData().total,
        shippingAddress: placeOrderData().shippingAddress,
        placedAt: placeOrderData().placedAt,
        paymentToken: 'tok_approve',
        correlationId: CORRELATION_ID,
      },
    ]);
  });

  it('makes one order and one execution when the command arrives twice', async () => {
    const { orders, saga, run } = setup();

    await run();
    const second = await run();

    expect(second).toEqual({ order: pendingOrder(), created: false, saga: 'already-started' });
    expect(orders.writes).toHaveLength(1);
    expect(saga.executions.size).toBe(1);
    // Both starts sent the same input: Step Functions sees an identical StartExecution.
    expect(saga.calls[1]).toEqual(saga.calls[0]);
  });

  it('starts the saga on a retry after the first start failed, without writing the order again', async () => {
    const { orders, saga, run } = setup();
    saga.failNextWith = new Error('throttled');

    await expect(run()).rejects.toThrow('throttled');
    const retry = await run();

    expect(retry).toEqual({ order: pendingOrder(), created: false, saga: 'started' });
    expect(orders.writes).toHaveLength(1);
  });

  it('starts no new execution for an order whose saga already ended', async () => {
    const confirmed = transitionOrder(pendingOrder(), { status: 'CONFIRMED' }, new Date(RECEIVED_AT)).order;
    const { saga, run } = setup([confirmed]);

    await expect(run()).resolves.toEqual({ order: confirmed, created: false, saga: 'not-needed' });
    expect(saga.calls).toEqual([]);
  });

  it("refuses an order id that is another customer's order, and starts nothing", async () => {
    const { saga, run } = setup([pendingOrder({ customerId: OTHER_CUSTOMER_ID })]);

    const failure = run().catch((error: unknown) => error);

    await expect(failure).resolves.toBeInstanceOf(OrderIdTakenError);
    await expect(failure).resolves.toHaveProperty('cause', expect.any(OrderAlreadyExistsError));
    expect(saga.calls).toEqual([]);
  });
});

describe('sagaInputOf', () => {
  it('takes the order as stored, not as re-sent', () => {
    const stored = pendingOrder();
    expect(sagaInputOf(stored, 'tok_decline', 'c-2')).toMatchObject({
      placedAt: stored.placedAt,
      paymentToken: 'tok_decline',
      correlationId: 'c-2',
    });
  });
});
