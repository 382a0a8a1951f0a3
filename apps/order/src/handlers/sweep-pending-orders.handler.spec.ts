import './testing/lambda-env';
import { fakeLambdaContext, withoutEnv } from '@shop/testing';
import type { Order } from '../domain/order';
import { FakeCompensations } from '../domain/testing/fake-compensations';
import { FakeOrderSaga } from '../domain/testing/fake-order-saga';
import { InMemoryOrderRepository } from '../domain/testing/in-memory-order.repository';
import { pendingOrder } from '../domain/testing/order-fixtures';
import { createPendingOrderSweep, SweepIncompleteError } from './sweep-pending-orders.handler';

const NOW = new Date('2025-03-01T12:00:00.000Z');
const orderId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const hourAgo = new Date(NOW.getTime() - 3_600_000).toISOString();
const stale = (n: number): Order => ({ ...pendingOrder({ orderId: orderId(n), placedAt: hourAgo }), createdAt: hourAgo });
/** What EventBridge sends on a schedule: nothing the sweep needs. */
const scheduledEvent = { 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} };

const setup = (seed: Order[]) => {
  const orders = new InMemoryOrderRepository(seed);
  const saga = new FakeOrderSaga();
  const compensations = new FakeCompensations();
  for (const order of seed) compensations.holding(order.orderId);
  const metrics: [string, number][] = [];
  const logger = { info: jest.fn(), warn: jest.fn(), error: jest.fn() };
  const sweep = createPendingOrderSweep({
    orders,
    saga,
    compensations,
    clock: { now: () => NOW },
    sleep: async () => undefined,
    inFlightGraceMs: 25_000,
    staleAfterMs: 35 * 60_000,
    logger,
    metrics: { addMetric: (name: string, _unit: unknown, value: number) => void metrics.push([name, value]) },
  });
  return { orders, saga, compensations, metrics, logger, sweep };
};

describe('sweep-pending-orders', () => {
  it('reconciles the stale PENDING orders without a running execution and answers what it did', async () => {
    const { orders, compensations, metrics, sweep } = setup([stale(1), stale(2)]);

    await expect(sweep(scheduledEvent, fakeLambdaContext({ getRemainingTimeInMillis: () => 180_000 }))).resolves.toEqual({
      examined: 2,
      running: 0,
      compensated: 2,
      needsAttention: 0,
      untouched: 0,
      failures: [],
      stoppedBy: 'done',
    });
    expect([...orders.items.values()].map((stored) => stored.order.cancellationReason)).toEqual(['PROCESSING_FAILED', 'PROCESSING_FAILED']);
    expect(compensations.charged.size + compensations.reserved.size).toBe(0);
    expect(metrics).toEqual([
      ['OrderFenced', 1],
      ['OrderReconciled', 1],
      ['OrderFenced', 1],
      ['OrderReconciled', 1],
      ['StaleOrdersFound', 2],
    ]);
  });

  it('fails the run after the others when an order could not be reconciled (the function error alarm)', async () => {
    const { saga, orders, sweep } = setup([stale(1), stale(2)]);
    saga.describe = async (id) => {
      if (id === orderId(1)) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      return { status: 'NOT_FOUND' };
    };

    const error = await sweep(scheduledEvent, fakeLambdaContext({ getRemainingTimeInMillis: () => 180_000 })).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SweepIncompleteError);
    expect((error as Error).message).toBe(`The sweep could not reconcile 1 order(s): ${orderId(1)} (ThrottlingException).`);
    expect(orders.items.get(orderId(2))?.order.status).toBe('CANCELLED');
  });

  it('fails at cold start without its configuration', () => {
    for (const name of ['STATE_MACHINE_ARN', 'STALE_AFTER_SECONDS', 'REFUND_PAYMENT_FUNCTION_ARN']) {
      withoutEnv(name, () =>
        jest.isolateModules(() => {
          expect(() => require('./sweep-pending-orders.handler')).toThrow(`Environment variable ${name} is required but not set.`);
        }),
      );
    }
  });
});
