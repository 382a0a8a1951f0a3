import './testing/lambda-env';
import { fakeLambdaContext, sqsEvent, withoutEnv } from '@shop/testing';
import { FakeOrderSaga, fixedClock } from '../domain/testing/fake-order-saga';
import { InMemoryOrderRepository } from '../domain/testing/in-memory-order.repository';
import { CORRELATION_ID, ORDER_ID, pendingOrder, placeOrderCommand, RECEIVED_AT } from '../domain/testing/order-fixtures';
import { createPlaceOrderIntake } from './place-order.handler';

const OTHER_ORDER_ID = '7a2d2d2f-3b4c-4d5e-9f0a-1b2c3d4e5f60';

const setup = () => {
  const orders = new InMemoryOrderRepository();
  const saga = new FakeOrderSaga();
  const metrics: string[] = [];
  const logger = { debug: jest.fn(), info: jest.fn(), warn: jest.fn(), setCorrelationId: jest.fn() };
  const intake = createPlaceOrderIntake({
    orders,
    saga,
    clock: fixedClock(RECEIVED_AT),
    logger,
    metrics: { addMetric: (name: string) => void metrics.push(name) },
  });
  const consume = (bodies: unknown[]) =>
    intake(sqsEvent(bodies.map((body, index) => ({ body, messageId: `m-${index}` }))), fakeLambdaContext());
  return { orders, saga, metrics, logger, consume };
};

describe('createPlaceOrderIntake', () => {
  it('creates the order PENDING and starts its saga, with the command correlation id on the logs', async () => {
    const { orders, saga, metrics, logger, consume } = setup();

    await expect(consume([placeOrderCommand()])).resolves.toEqual({ batchItemFailures: [] });

    expect(orders.items.get(ORDER_ID)).toEqual({ order: pendingOrder(), correlationId: CORRELATION_ID });
    expect([...saga.executions.keys()]).toEqual([ORDER_ID]);
    expect(saga.calls[0]).toMatchObject({ orderId: ORDER_ID, paymentToken: 'tok_approve', correlationId: CORRELATION_ID });
    expect(metrics).toContain('OrderPlaced');
    expect(logger.setCorrelationId).toHaveBeenCalledWith(CORRELATION_ID);
  });

  it('makes one order and one saga execution from a command delivered twice', async () => {
    const { orders, saga, metrics, consume } = setup();

    await consume([placeOrderCommand()]);
    await expect(consume([placeOrderCommand()])).resolves.toEqual({ batchItemFailures: [] });

    expect(orders.writes).toHaveLength(1);
    expect(saga.executions.size).toBe(1);
    expect(metrics.filter((name) => name === 'OrderPlaced')).toHaveLength(1);
  });

  it('fails only the records it could not handle, and handles the others', async () => {
    const { orders, saga, consume } = setup();
    saga.failNextWith = new Error('Step Functions throttled');

    const result = await consume([
      placeOrderCommand(),
      { ...placeOrderCommand({ orderId: OTHER_ORDER_ID }), data: { lines: [] } },
      'not json',
      placeOrderCommand({ orderId: OTHER_ORDER_ID }),
    ]);

    expect(result).toEqual({
      batchItemFailures: [{ itemIdentifier: 'm-0' }, { itemIdentifier: 'm-1' }, { itemIdentifier: 'm-2' }],
    });
    // The first command's order is stored; its retry will start the saga without storing it again.
    expect([...orders.items.keys()].sort()).toEqual([ORDER_ID, OTHER_ORDER_ID].sort());
    expect([...saga.executions.keys()]).toEqual([OTHER_ORDER_ID]);
  });

  it('rejects a command whose total does not match its lines, creating nothing', async () => {
    const { orders, consume } = setup();
    const command = placeOrderCommand();

    const result = await consume([{ ...command, data: { ...command.data, total: { amount: 1, currency: 'EUR' } } }]);

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm-0' }]);
    expect(orders.items.size).toBe(0);
  });
});

describe('handler', () => {
  it('fails at cold start, with a named error, when STATE_MACHINE_ARN is missing', () => {
    withoutEnv('STATE_MACHINE_ARN', () =>
      jest.isolateModules(() => {
        expect(() => require('./place-order.handler')).toThrow('Environment variable STATE_MACHINE_ARN is required but not set.');
      }),
    );
  });

  it('answers an empty batch with no failures', async () => {
    const { handler } = await import('./place-order.handler');
    await expect(handler({ Records: [] }, fakeLambdaContext())).resolves.toEqual({ batchItemFailures: [] });
  });
});
