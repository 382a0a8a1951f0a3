import './testing/lambda-env';
import { ValidationError } from '@shop/domain';
import { withoutEnv } from '@shop/testing';
import { NEEDS_ATTENTION_METRIC } from '../domain/saga-tasks';
import { FakeCompensations, namedError } from '../domain/testing/fake-compensations';
import { InMemoryOrderRepository } from '../domain/testing/in-memory-order.repository';
import { ORDER_ID, pendingOrder } from '../domain/testing/order-fixtures';
import { createReconcileOrderHandler } from './reconcile-order.handler';

const NOW = new Date('2025-03-01T10:40:00.000Z');
const STATE_MACHINE_ARN = 'arn:aws:states:eu-west-1:123456789012:stateMachine:order-saga';

/** An execution status change as EventBridge delivers it (AWS's documented shape). */
const statusChange = (status: string, overrides: Record<string, unknown> = {}) => ({
  version: '0',
  id: '315c1398-40ff-a850-213b-158f73e60175',
  'detail-type': 'Step Functions Execution Status Change',
  source: 'aws.states',
  account: '123456789012',
  time: '2025-03-01T10:39:00Z',
  region: 'eu-west-1',
  resources: [`arn:aws:states:eu-west-1:123456789012:execution:order-saga:${ORDER_ID}`],
  detail: {
    executionArn: `arn:aws:states:eu-west-1:123456789012:execution:order-saga:${ORDER_ID}`,
    stateMachineArn: STATE_MACHINE_ARN,
    name: ORDER_ID,
    status,
    startDate: 1740823200000,
    stopDate: status === 'RUNNING' ? null : NOW.getTime() - 60_000,
    input: '{}',
    inputDetails: { included: true },
    output: null,
    outputDetails: null,
    error: 'States.Timeout',
    cause: null,
    ...overrides,
  },
});

const setup = () => {
  const orders = new InMemoryOrderRepository([pendingOrder()]);
  const compensations = new FakeCompensations().holding(ORDER_ID);
  const metrics: string[] = [];
  const logger = { info: jest.fn(), warn: jest.fn(), error: jest.fn() };
  const reconcile = createReconcileOrderHandler({
    orders,
    compensations,
    clock: { now: () => NOW },
    sleep: async () => undefined,
    inFlightGraceMs: 25_000,
    logger,
    metrics: { addMetric: (name: string) => void metrics.push(name) },
  });
  return { orders, compensations, metrics, logger, reconcile };
};

describe('reconcile-order', () => {
  it.each(['FAILED', 'TIMED_OUT', 'ABORTED'])('reconciles the order an execution that ended %s is named after', async (status) => {
    const { orders, compensations, metrics, reconcile } = setup();

    await expect(reconcile(statusChange(status))).resolves.toMatchObject({
      orderId: ORDER_ID,
      action: 'compensated',
      fenced: true,
      status: 'CANCELLED',
    });
    expect(orders.items.get(ORDER_ID)?.order.cancellationReason).toBe('PROCESSING_FAILED');
    expect(compensations.charged.size + compensations.reserved.size).toBe(0);
    expect(metrics).toEqual(['OrderFenced', 'OrderReconciled']);
  });

  it('counts the NEEDS_ATTENTION metric (the alarm) when a compensation still fails', async () => {
    const { compensations, metrics, logger, reconcile } = setup();
    compensations.always.ReleaseStock = namedError('StockContentionError');

    await expect(reconcile(statusChange('FAILED'))).resolves.toMatchObject({
      action: 'needs-attention',
      status: 'NEEDS_ATTENTION',
      flagged: true,
    });
    expect(metrics).toEqual(['OrderFenced', NEEDS_ATTENTION_METRIC]);
    expect(logger.error).toHaveBeenCalledWith(expect.stringContaining('needs an operator'), expect.objectContaining({ orderId: ORDER_ID }));
  });

  it('is idempotent: a redelivered event only redoes the compensations', async () => {
    const { orders, compensations, metrics, reconcile } = setup();
    await reconcile(statusChange('TIMED_OUT'));
    const version = orders.items.get(ORDER_ID)?.order.version;

    await expect(reconcile(statusChange('TIMED_OUT'))).resolves.toMatchObject({ action: 'compensated', fenced: false });
    expect(orders.items.get(ORDER_ID)?.order.version).toBe(version);
    expect(compensations.calls).toHaveLength(4);
    expect(metrics).toEqual(['OrderFenced', 'OrderReconciled', 'OrderReconciled']);
  });

  it('ignores a status it does not act on, writing nothing', async () => {
    const { orders, reconcile } = setup();
    await expect(reconcile(statusChange('SUCCEEDED'))).resolves.toEqual({ orderId: ORDER_ID, action: 'ignored', status: 'SUCCEEDED' });
    expect(orders.calls).toEqual([]);
  });

  it.each([
    ['another source', { ...statusChange('FAILED'), source: 'aws.ec2' }],
    ['an execution not named after an order', statusChange('FAILED', { name: 'nightly-report' })],
    ['a detail without a status', statusChange('FAILED', { status: undefined })],
    ['not an event at all', 'FAILED'],
  ])('refuses %s with a ValidationError (retried, then dead-lettered), writing nothing', async (_label, event) => {
    const { orders, reconcile } = setup();
    await expect(reconcile(event)).rejects.toBeInstanceOf(ValidationError);
    expect(orders.calls).toEqual([]);
  });

  it('fails at cold start without the compensation function ARNs', () => {
    for (const name of ['REFUND_PAYMENT_FUNCTION_ARN', 'RELEASE_STOCK_FUNCTION_ARN', 'IN_FLIGHT_GRACE_SECONDS', 'TABLE_NAME']) {
      withoutEnv(name, () =>
        jest.isolateModules(() => {
          expect(() => require('./reconcile-order.handler')).toThrow(`Environment variable ${name} is required but not set.`);
        }),
      );
    }
  });
});
