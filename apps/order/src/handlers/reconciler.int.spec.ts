import './testing/lambda-env';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { OrderCancelledSchema, OrderNeedsAttentionSchema } from '@shop/order-contracts';
import { createDocumentClient } from '@shop/dynamodb';
import { dynamoDbStreamEvent, fakeLambdaContext, sqsEvent, useTestTable } from '@shop/testing';
import type { DynamoDBRecord } from 'aws-lambda';
import { DynamoOrderRepository, orderKey } from '../adapters/order.repository';
import { statusShardOf } from '../adapters/status-index';
import { ORDER_TEST_TABLE } from '../adapters/testing/order-test-table';
import type { Order } from '../domain/order';
import { orderEventOf } from '../domain/order-events';
import { systemClock, type OrderEvent } from '../domain/ports';
import { FakeCompensations } from '../domain/testing/fake-compensations';
import { FakeOrderSaga } from '../domain/testing/fake-order-saga';
import { CORRELATION_ID, pendingOrder, placeOrderCommand } from '../domain/testing/order-fixtures';
import { createConfirmOrderTask } from './confirm-order.handler';
import { createMarkNeedsAttentionTask } from './mark-needs-attention.handler';
import { orderEventFromStreamRecord } from './order-stream.mapper';
import { createPlaceOrderIntake } from './place-order.handler';
import { createReconcileOrderHandler } from './reconcile-order.handler';
import { createEventRepublisher } from './republish-events.handler';
import { createPendingOrderSweep } from './sweep-pending-orders.handler';

// DynamoDB Local's endpoint comes from AWS_ENDPOINT_URL_DYNAMODB (exported by the global setup).
const docClient = createDocumentClient();
const table = useTestTable(ORDER_TEST_TABLE);

afterAll(() => docClient.destroy());

const quiet = { debug: jest.fn(), info: jest.fn(), warn: jest.fn(), error: jest.fn(), setCorrelationId: jest.fn() };
const metrics = { addMetric: jest.fn() };
const orderId = (n: number) => `20000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

const setup = () => {
  const orders = new DynamoOrderRepository(docClient, table.tableName);
  const saga = new FakeOrderSaga();
  const compensations = new FakeCompensations();
  const deps = { orders, clock: systemClock, logger: quiet, metrics };
  const reconcilerDeps = { ...deps, compensations, sleep: async () => undefined, inFlightGraceMs: 25_000 };
  return {
    orders,
    saga,
    compensations,
    intake: createPlaceOrderIntake({ ...deps, saga }),
    confirm: createConfirmOrderTask(deps),
    markNeedsAttention: createMarkNeedsAttentionTask(deps),
    reconcile: createReconcileOrderHandler(reconcilerDeps),
    sweep: createPendingOrderSweep({ ...reconcilerDeps, saga, staleAfterMs: 35 * 60_000 }),
    stored: async (id: string) =>
      (await docClient.send(new GetCommand({ TableName: table.tableName, Key: orderKey(id), ConsistentRead: true }))).Item as Record<
        string,
        unknown
      >,
  };
};

/** A saga status change as EventBridge delivers it. */
const ended = (id: string, status: 'FAILED' | 'TIMED_OUT' | 'ABORTED', stopDate = Date.now() - 60_000) => ({
  version: '0',
  id: '315c1398-40ff-a850-213b-158f73e60175',
  'detail-type': 'Step Functions Execution Status Change',
  source: 'aws.states',
  account: '000000000000',
  time: new Date(stopDate).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  region: 'us-east-1',
  resources: [`arn:aws:states:us-east-1:000000000000:execution:saga:${id}`],
  detail: {
    executionArn: `arn:aws:states:us-east-1:000000000000:execution:saga:${id}`,
    stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:saga',
    name: id,
    status,
    startDate: stopDate - 1_000,
    stopDate,
  },
});

const streamRecord = (before: Record<string, unknown>, after: Record<string, unknown>) => {
  const change = { eventName: 'MODIFY' as const, keys: orderKey(String(after.orderId)), oldImage: before, newImage: after };
  return dynamoDbStreamEvent([change]).Records[0] as DynamoDBRecord;
};

describe('the reconciler on DynamoDB Local', () => {
  it('takes an order whose execution was stopped after ChargePayment to CANCELLED PROCESSING_FAILED, refunded and released, once', async () => {
    const { compensations, intake, reconcile, stored } = setup();
    const id = orderId(1);
    await intake(sqsEvent([{ body: placeOrderCommand({ orderId: id }) }]), fakeLambdaContext());
    compensations.holding(id);
    const before = await stored(id);

    await expect(reconcile(ended(id, 'ABORTED'))).resolves.toMatchObject({
      orderId: id,
      action: 'compensated',
      fenced: true,
      status: 'CANCELLED',
    });
    const after = await stored(id);
    await reconcile(ended(id, 'ABORTED'));

    expect(after).toMatchObject({
      status: 'CANCELLED',
      cancellationReason: 'PROCESSING_FAILED',
      version: 2,
      correlationId: CORRELATION_ID,
    });
    await expect(stored(id)).resolves.toEqual(after);
    expect(compensations.charged.has(id) || compensations.reserved.has(id)).toBe(false);
    // The relay tells basket and the others: OrderCancelled with the reconciler's reason and the checkout's correlation id.
    expect(OrderCancelledSchema.parse(orderEventFromStreamRecord(streamRecord(before, after)))).toMatchObject({
      correlationId: CORRELATION_ID,
      data: { orderId: id, reason: 'PROCESSING_FAILED' },
    });
  });

  it('lets a landed confirmation stand: the saga fence answers CONFIRMED and the reconciler leaves it alone', async () => {
    const { compensations, intake, confirm, markNeedsAttention, reconcile, stored } = setup();
    const id = orderId(2);
    await intake(sqsEvent([{ body: placeOrderCommand({ orderId: id }) }]), fakeLambdaContext());
    compensations.holding(id);
    await confirm({ orderId: id, correlationId: CORRELATION_ID }); // the write landed; say its answer was lost
    const confirmed = await stored(id);

    await expect(
      markNeedsAttention({ orderId: id, correlationId: CORRELATION_ID, error: { Error: 'Sandbox.Timedout' }, onlyIfPending: true }),
    ).resolves.toEqual({ orderId: id, status: 'CONFIRMED', changed: false });
    await expect(reconcile(ended(id, 'FAILED'))).resolves.toMatchObject({ action: 'none', reason: 'order-settled', status: 'CONFIRMED' });

    await expect(stored(id)).resolves.toEqual(confirmed);
    expect(compensations.calls).toEqual([]);
  });

  it('never both confirms and refunds: 10 late confirmations racing the reconciler', async () => {
    const { compensations, intake, confirm, reconcile, stored } = setup();
    const ids = Array.from({ length: 10 }, (_, n) => orderId(10 + n));
    for (const id of ids) {
      await intake(sqsEvent([{ body: placeOrderCommand({ orderId: id }) }]), fakeLambdaContext());
      compensations.holding(id);
    }

    const lateConfirm = (id: string) => confirm({ orderId: id, correlationId: CORRELATION_ID });
    await Promise.all(ids.map((id) => Promise.allSettled([lateConfirm(id), reconcile(ended(id, 'TIMED_OUT'))])));

    for (const id of ids) {
      const item = await stored(id);
      const refunded = compensations.calls.some((call) => call.orderId === id && call.name === 'RefundPayment');
      expect({ id, status: item.status, refunded }).toEqual({ id, status: refunded ? 'CANCELLED' : 'CONFIRMED', refunded });
      if (refunded) expect(compensations.charged.has(id) || compensations.reserved.has(id)).toBe(false);
    }
  });

  it('flags the order NEEDS_ATTENTION, published as OrderNeedsAttention, when a compensation keeps failing', async () => {
    const { orders, compensations, intake, reconcile, stored } = setup();
    const id = orderId(3);
    await intake(sqsEvent([{ body: placeOrderCommand({ orderId: id }) }]), fakeLambdaContext());
    compensations.holding(id);
    compensations.always.RefundPayment = Object.assign(new Error('down'), { name: 'PaymentProviderUnavailableError' });

    await expect(reconcile(ended(id, 'FAILED'))).resolves.toMatchObject({ action: 'needs-attention', flagged: true });

    await expect(stored(id)).resolves.toMatchObject({
      status: 'NEEDS_ATTENTION',
      cancellationReason: 'PROCESSING_FAILED',
      version: 3,
      statusHistory: [
        { status: 'PENDING' },
        { status: 'CANCELLED', reason: 'PROCESSING_FAILED' },
        { status: 'NEEDS_ATTENTION', reason: 'PaymentProviderUnavailableError' },
      ],
    });
    // The stock is released even though the refund failed.
    expect(compensations.reserved.has(id)).toBe(false);
    const event = orderEventOf((await orders.get(id)) as Order, CORRELATION_ID);
    expect(OrderNeedsAttentionSchema.parse(event).data).toMatchObject({
      previousStatus: 'CANCELLED',
      reason: 'PaymentProviderUnavailableError',
    });
  });

  it('sweeps the stale PENDING orders of every shard whose execution is not running, and only those', async () => {
    const { orders, saga, compensations, sweep, stored } = setup();
    const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();
    const stale = (n: number): Order => ({ ...pendingOrder({ orderId: orderId(n), placedAt: hoursAgo(2) }), createdAt: hoursAgo(2) });
    const staleIds = Array.from({ length: 16 }, (_, n) => orderId(100 + n));
    for (let n = 100; n < 116; n++) await orders.create(stale(n), { correlationId: `corr-${n}` });
    const running = stale(120);
    await orders.create(running, { correlationId: 'c' });
    saga.described.set(running.orderId, { status: 'RUNNING' });
    const young = { ...pendingOrder({ orderId: orderId(121), placedAt: hoursAgo(0.1) }), createdAt: hoursAgo(0.1) };
    await orders.create(young, { correlationId: 'c' });
    for (const id of staleIds) compensations.holding(id);

    const result = await sweep({}, fakeLambdaContext({ getRemainingTimeInMillis: () => 180_000 }));

    expect(result).toMatchObject({ running: 1, compensated: 16, needsAttention: 0, failures: [], stoppedBy: 'done' });
    for (const id of staleIds)
      await expect(stored(id)).resolves.toMatchObject({ status: 'CANCELLED', cancellationReason: 'PROCESSING_FAILED' });
    await expect(stored(running.orderId)).resolves.toMatchObject({ status: 'PENDING' });
    await expect(stored(young.orderId)).resolves.toMatchObject({ status: 'PENDING' });
    expect(compensations.charged.size + compensations.reserved.size).toBe(0);
    // The orders sat in several shards of the index, all of which the sweep read.
    expect(new Set(staleIds.map(statusShardOf)).size).toBeGreaterThan(4);
  });

  it('finishes, on the next sweep, an order whose reconciliation was cut off between its fence and its compensations', async () => {
    const { orders, saga, compensations, sweep, stored } = setup();
    const id = orderId(130);
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000).toISOString();
    await orders.create({ ...pendingOrder({ orderId: id, placedAt: twoHoursAgo }), createdAt: twoHoursAgo }, { correlationId: 'corr-130' });
    compensations.holding(id);
    saga.described.set(id, { status: 'TIMED_OUT', stoppedAt: new Date(Date.now() - 3_600_000) });
    // What a run cut off by its timeout (or a crash) right after the fence leaves behind.
    await orders.fence(id, { status: 'CANCELLED', reason: 'PROCESSING_FAILED' }, new Date(), { correlationId: 'corr-130' });

    const callsFor = () => compensations.calls.filter((call) => call.orderId === id).map((call) => call.name);

    // (Other tests of this file leave stale PENDING orders too: only this one is looked at.)
    await expect(sweep({}, fakeLambdaContext({ getRemainingTimeInMillis: () => 180_000 }))).resolves.toMatchObject({ failures: [] });

    expect(callsFor()).toEqual(['RefundPayment', 'ReleaseStock']);
    expect(compensations.charged.has(id) || compensations.reserved.has(id)).toBe(false);
    await expect(stored(id)).resolves.toMatchObject({
      status: 'CANCELLED',
      cancellationReason: 'PROCESSING_FAILED',
      gsi2pk: `SETTLED#${statusShardOf(id)}`,
    });
    // Settled: the next run no longer sees it.
    await sweep({}, fakeLambdaContext({ getRemainingTimeInMillis: () => 180_000 }));
    expect(callsFor()).toEqual(['RefundPayment', 'ReleaseStock']);
  });
});

describe('republish-events on DynamoDB Local', () => {
  it('republishes, for a window of checkout times, exactly the events the relay published', async () => {
    const { orders, intake, confirm, reconcile, stored } = setup();
    const placedAt = (second: number) => `2025-04-01T10:00:${String(second).padStart(2, '0')}.000Z`;
    const ids = [200, 201, 202].map(orderId);
    const relayed: OrderEvent[] = [];
    for (const [index, id] of ids.entries()) {
      await intake(sqsEvent([{ body: placeOrderCommand({ orderId: id, placedAt: placedAt(index) }) }]), fakeLambdaContext());
      const before = await stored(id);
      if (index === 0) await confirm({ orderId: id, correlationId: CORRELATION_ID });
      if (index === 1) await reconcile(ended(id, 'FAILED'));
      const event = orderEventFromStreamRecord(streamRecord(before, await stored(id)));
      if (event) relayed.push(event);
    }
    const published: OrderEvent[] = [];
    const republish = createEventRepublisher({
      orders,
      publisher: { publish: async (event) => void published.push(event) },
      logger: quiet,
      metrics,
    });

    const output = await republish(
      { placedFrom: '2025-04-01T10:00:00Z', placedTo: '2025-04-01T10:01:00Z' },
      fakeLambdaContext({ getRemainingTimeInMillis: () => 300_000 }),
    );

    expect(output).toMatchObject({ published: 2, skipped: 0 });
    expect(output.nextCursor).toBeUndefined();
    const byId = (events: OrderEvent[]) => [...events].sort((a, b) => a.id.localeCompare(b.id));
    expect(byId(published)).toEqual(byId(relayed));
  });
});
