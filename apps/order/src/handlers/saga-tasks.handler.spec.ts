import './testing/lambda-env';
import { ValidationError } from '@shop/domain';
import { fakeLambdaContext, withoutEnv } from '@shop/testing';
import { InvalidOrderTransitionError, OrderNotFoundError } from '../domain/errors';
import { transitionOrder, type Order } from '../domain/order';
import { fixedClock } from '../domain/testing/fake-order-saga';
import { InMemoryOrderRepository } from '../domain/testing/in-memory-order.repository';
import { ORDER_ID, pendingOrder } from '../domain/testing/order-fixtures';
import { createCancelOrderTask } from './cancel-order.handler';
import { createConfirmOrderTask } from './confirm-order.handler';
import { NEEDS_ATTENTION_METRIC } from '../domain/saga-tasks';
import { createMarkNeedsAttentionTask } from './mark-needs-attention.handler';

const NOW = '2025-03-01T10:00:02.000Z';

const setup = (seed: Order[] = [pendingOrder()]) => {
  const orders = new InMemoryOrderRepository(seed);
  const metrics: string[] = [];
  const logger = { info: jest.fn(), warn: jest.fn(), error: jest.fn() };
  const deps = { orders, clock: fixedClock(NOW), logger, metrics: { addMetric: (name: string) => void metrics.push(name) } };
  return {
    orders,
    metrics,
    logger,
    confirm: createConfirmOrderTask(deps),
    cancel: createCancelOrderTask(deps),
    markNeedsAttention: createMarkNeedsAttentionTask(deps),
  };
};

const saga = { orderId: ORDER_ID, correlationId: 'corr-checkout-1' };

describe('ConfirmOrder task', () => {
  it('confirms once and reports a repeat as unchanged, counting the confirmation once', async () => {
    const { orders, metrics, confirm } = setup();

    await expect(confirm(saga)).resolves.toEqual({ orderId: ORDER_ID, status: 'CONFIRMED', changed: true });
    await expect(confirm(saga)).resolves.toEqual({ orderId: ORDER_ID, status: 'CONFIRMED', changed: false });

    expect(orders.items.get(ORDER_ID)?.correlationId).toBe('corr-checkout-1');
    expect(orders.calls).toEqual(['changeStatus', 'changeStatus']);
    expect(metrics).toEqual(['OrderConfirmed']);
  });

  it('fails with the error names the state machine routes on', async () => {
    const cancelled = transitionOrder(pendingOrder(), { status: 'CANCELLED', reason: 'OUT_OF_STOCK' }, new Date(NOW)).order;
    await expect(setup([cancelled]).confirm(saga)).rejects.toHaveProperty('name', 'InvalidOrderTransitionError');
    await expect(setup([]).confirm(saga)).rejects.toBeInstanceOf(OrderNotFoundError);
  });

  it('refuses a payload without a correlation id, naming the field', async () => {
    const failure = setup()
      .confirm({ orderId: ORDER_ID })
      .catch((error: unknown) => error);
    await expect(failure).resolves.toBeInstanceOf(ValidationError);
    await expect(failure).resolves.toHaveProperty('issues', [{ field: 'correlationId', message: 'Required.' }]);
  });
});

describe('CancelOrder task', () => {
  it('cancels with the reason the saga path set', async () => {
    const { orders, metrics, cancel } = setup();

    await expect(cancel({ ...saga, reason: 'PAYMENT_DECLINED' })).resolves.toEqual({
      orderId: ORDER_ID,
      status: 'CANCELLED',
      changed: true,
    });
    expect(orders.items.get(ORDER_ID)?.order.cancellationReason).toBe('PAYMENT_DECLINED');
    expect(metrics).toEqual(['OrderCancelled']);
  });

  it('refuses an unknown reason', async () => {
    await expect(setup().cancel({ ...saga, reason: 'BORED' })).rejects.toBeInstanceOf(ValidationError);
  });

  it('refuses to cancel a confirmed order', async () => {
    const confirmed = transitionOrder(pendingOrder(), { status: 'CONFIRMED' }, new Date(NOW)).order;
    await expect(setup([confirmed]).cancel({ ...saga, reason: 'OUT_OF_STOCK' })).rejects.toBeInstanceOf(InvalidOrderTransitionError);
  });
});

describe('MarkNeedsAttention task', () => {
  const caught = { Error: 'Lambda.ServiceException', Cause: '{"errorMessage":"boom"}' };

  it('flags the order with the caught error name, logs the cause and counts the metric once', async () => {
    const { orders, metrics, logger, markNeedsAttention } = setup();

    await expect(markNeedsAttention({ ...saga, error: caught })).resolves.toEqual({
      orderId: ORDER_ID,
      status: 'NEEDS_ATTENTION',
      changed: true,
    });
    await markNeedsAttention({ ...saga, error: caught });

    expect(orders.items.get(ORDER_ID)?.order.statusHistory.at(-1)).toEqual({
      status: 'NEEDS_ATTENTION',
      at: NOW,
      reason: 'Lambda.ServiceException',
    });
    expect(metrics).toEqual([NEEDS_ATTENTION_METRIC]);
    expect(logger.error).toHaveBeenCalledWith(expect.any(String), {
      orderId: ORDER_ID,
      error: 'Lambda.ServiceException',
      cause: '{"errorMessage":"boom"}',
    });
  });
});

describe("MarkNeedsAttention task as the saga's fence (onlyIfPending)", () => {
  const caught = { Error: 'Sandbox.Timedout', Cause: 'Task timed out after the write' };

  it('flags a PENDING order, counting the metric, so it can no longer be confirmed', async () => {
    const { orders, metrics, markNeedsAttention } = setup();

    await expect(markNeedsAttention({ ...saga, error: caught, onlyIfPending: true })).resolves.toEqual({
      orderId: ORDER_ID,
      status: 'NEEDS_ATTENTION',
      changed: true,
    });
    expect(orders.calls).toEqual(['fence']);
    expect(metrics).toEqual([NEEDS_ATTENTION_METRIC]);
  });

  it('answers CONFIRMED for a confirmation that landed, and changes nothing', async () => {
    const confirmed = transitionOrder(pendingOrder(), { status: 'CONFIRMED' }, new Date(NOW)).order;
    const { orders, metrics, markNeedsAttention } = setup([confirmed]);

    await expect(markNeedsAttention({ ...saga, error: caught, onlyIfPending: true })).resolves.toEqual({
      orderId: ORDER_ID,
      status: 'CONFIRMED',
      changed: false,
    });
    expect(orders.writes).toEqual([]);
    expect(metrics).toEqual([]);
  });
});

describe('task handlers', () => {
  it.each(['confirm-order', 'cancel-order', 'mark-needs-attention'])('%s fails at cold start without TABLE_NAME', (name) => {
    withoutEnv('TABLE_NAME', () =>
      jest.isolateModules(() => {
        expect(() => require(`./${name}.handler`)).toThrow('Environment variable TABLE_NAME is required but not set.');
      }),
    );
  });

  it('rejects a bad payload before touching the table', async () => {
    const { handler } = await import('./confirm-order.handler');
    await expect(handler({ orderId: 'nope', correlationId: 'c' }, fakeLambdaContext())).rejects.toHaveProperty('name', 'ValidationError');
  });
});
