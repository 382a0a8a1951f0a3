import './testing/lambda-env';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { fakeLambdaContext, sqsEventFromSns } from '@shop/testing';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { basketKey, toBasketItem } from '../adapters/basket.repository';
import { pendingOrderFor, withPendingOrder, type Basket } from '../domain/basket';
import { basketOf, CUSTOMER, ORDER_ID, orderCancelled, orderConfirmed, orderNeedsAttention } from '../domain/testing/fixtures';
import { fixedClock, InMemoryBasketRepository } from '../domain/testing/in-memory';
import { createOrderEventsConsumer, handler } from './on-order-events.handler';

const NEWER_ORDER = '00000000-0000-4000-8000-000000000002';
const lockOf = (orderId: string) => pendingOrderFor(orderId, `key-${orderId.slice(-1)}`, new Date('2025-03-01T12:00:00.000Z'));

const setup = (lines: Record<string, number>, basket: (stored: Basket) => Basket = (stored) => stored) => {
  const baskets = new InMemoryBasketRepository([basket(basketOf(lines))]);
  const metrics: string[] = [];
  const logger = { debug: jest.fn(), info: jest.fn(), warn: jest.fn(), setCorrelationId: jest.fn() };
  const consume = createOrderEventsConsumer({
    baskets,
    clock: fixedClock('2025-03-02T00:00:00.000Z'),
    logger,
    metrics: { addMetric: (name: string) => void metrics.push(name) },
  });
  return { baskets, logger, metrics, consume: (event: ReturnType<typeof sqsEventFromSns>) => consume(event, fakeLambdaContext()) };
};

describe('createOrderEventsConsumer', () => {
  it("removes the ordered lines from the customer's basket, logging with the order's correlation id", async () => {
    const { baskets, logger, metrics, consume } = setup({ 'MUG-001': 2, 'TEA-001': 1, 'CUP-001': 1 });

    const result = await consume(sqsEventFromSns([orderConfirmed(['MUG-001', 'TEA-001'])]));

    expect(result).toEqual({ batchItemFailures: [] });
    expect(baskets.items.get(CUSTOMER)?.lines.map((line) => line.sku)).toEqual(['CUP-001']);
    expect(baskets.items.get(CUSTOMER)?.confirmedOrders).toEqual({ [ORDER_ID]: '2025-03-02T00:00:00.000Z' });
    expect(logger.setCorrelationId).toHaveBeenCalledWith('corr-order');
    expect(logger.info).toHaveBeenCalledWith('Removed the ordered lines from the basket', {
      orderId: ORDER_ID,
      removed: 2,
      released: false,
    });
    expect(metrics).toContain('BasketLinesRemovedOnConfirmation');
  });

  it("keeps a line the customer set after the order's checkout (placedAt), removes the others", async () => {
    // basketOf stamps the lines 2025-02-01T00:00:0n: MUG-001 at :00, TEA-001 at :01
    const { baskets, consume } = setup({ 'MUG-001': 2, 'TEA-001': 1 });
    const event = orderConfirmed(['MUG-001', 'TEA-001']);

    await consume(sqsEventFromSns([{ ...event, data: { ...event.data, placedAt: '2025-02-01T00:00:00.500Z' } }]));

    expect(baskets.items.get(CUSTOMER)?.lines.map((line) => line.sku)).toEqual(['TEA-001']);
  });

  it('changes nothing on a redelivery, and says so', async () => {
    const { baskets, logger, consume } = setup({ 'MUG-001': 2 });
    await consume(sqsEventFromSns([orderConfirmed(['MUG-001'])]));

    await expect(consume(sqsEventFromSns([orderConfirmed(['MUG-001'])]))).resolves.toEqual({ batchItemFailures: [] });

    expect(baskets.items.get(CUSTOMER)).toMatchObject({ lines: [], version: 2 });
    expect(logger.info).toHaveBeenLastCalledWith('The order was removed from the basket already; nothing changed', { orderId: ORDER_ID });
  });

  it('keeps a sku the customer added again before a late redelivery', async () => {
    const { baskets, consume } = setup({ 'MUG-001': 2 });
    await consume(sqsEventFromSns([orderConfirmed(['MUG-001'])]));
    const emptied = await baskets.get(CUSTOMER);
    await baskets.save(
      { ...emptied, lines: [{ sku: 'MUG-001', quantity: 1, addedAt: '2025-03-03T00:00:00.000Z', changedAt: '2025-03-03T00:00:00.000Z' }] },
      emptied.version,
    );

    await consume(sqsEventFromSns([orderConfirmed(['MUG-001'])]));

    expect(baskets.items.get(CUSTOMER)).toMatchObject({ lines: [{ sku: 'MUG-001', quantity: 1 }], version: 3 });
  });

  it('removes the lines once for two copies of one message in a batch', async () => {
    const { baskets, consume } = setup({ 'MUG-001': 2, 'CUP-001': 1 });

    await expect(consume(sqsEventFromSns([orderConfirmed(['MUG-001']), orderConfirmed(['MUG-001'])]))).resolves.toEqual({
      batchItemFailures: [],
    });

    expect(baskets.items.get(CUSTOMER)).toMatchObject({ lines: [{ sku: 'CUP-001' }], version: 2 });
  });

  it('frees the basket of a confirmed order in the write that removes its lines', async () => {
    const { baskets, metrics, consume } = setup({ 'MUG-001': 2, 'CUP-001': 1 }, (stored) => withPendingOrder(stored, lockOf(ORDER_ID)));

    await expect(consume(sqsEventFromSns([orderConfirmed(['MUG-001'])]))).resolves.toEqual({ batchItemFailures: [] });

    expect(baskets.items.get(CUSTOMER)).toMatchObject({ lines: [{ sku: 'CUP-001' }], version: 2 });
    expect(baskets.items.get(CUSTOMER)).not.toHaveProperty('pendingOrder');
    expect(metrics).toEqual(expect.arrayContaining(['BasketLinesRemovedOnConfirmation', 'BasketPendingOrderReleased']));
  });

  it.each([
    ['OrderCancelled', () => orderCancelled()],
    ['OrderNeedsAttention', () => orderNeedsAttention()],
  ])('frees the basket of the order on %s, keeping its lines', async (type, event) => {
    const { baskets, metrics, logger, consume } = setup({ 'MUG-001': 2 }, (stored) => withPendingOrder(stored, lockOf(ORDER_ID)));

    await expect(consume(sqsEventFromSns([event()]))).resolves.toEqual({ batchItemFailures: [] });

    expect(baskets.items.get(CUSTOMER)).toMatchObject({ lines: [{ sku: 'MUG-001', quantity: 2 }], confirmedOrders: {}, version: 2 });
    expect(baskets.items.get(CUSTOMER)).not.toHaveProperty('pendingOrder');
    expect(metrics).toContain('BasketPendingOrderReleased');
    expect(logger.info).toHaveBeenCalledWith('Freed the basket of the ended order', { orderId: ORDER_ID, type });
  });

  it("leaves a newer order's lock alone on a late OrderCancelled of an older order, writing nothing", async () => {
    const { baskets, metrics, consume } = setup({ 'MUG-001': 2 }, (stored) => withPendingOrder(stored, lockOf(NEWER_ORDER)));

    await expect(consume(sqsEventFromSns([orderCancelled(), orderNeedsAttention()]))).resolves.toEqual({ batchItemFailures: [] });

    expect(baskets.items.get(CUSTOMER)).toMatchObject({ pendingOrder: lockOf(NEWER_ORDER), version: 1 });
    expect(metrics).not.toContain('BasketPendingOrderReleased');
  });

  it('fails a message of a type it does not consume, and handles the others', async () => {
    const { baskets, consume } = setup({ 'MUG-001': 2 }, (stored) => withPendingOrder(stored, lockOf(ORDER_ID)));
    const unknown = { ...orderCancelled(), type: 'OrderShipped' };

    const result = await consume(sqsEventFromSns([unknown, orderCancelled()]));

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'msg-0' }] });
    expect(baskets.items.get(CUSTOMER)).not.toHaveProperty('pendingOrder');
  });

  it('fails a message that does not match the contract, and handles the others', async () => {
    const { baskets, consume } = setup({ 'MUG-001': 2 });
    const bad = { ...orderConfirmed(['MUG-001']), data: { ...orderConfirmed(['MUG-001']).data, total: { amount: 1, currency: 'EUR' } } };

    const result = await consume(sqsEventFromSns([bad, orderConfirmed(['MUG-001'])]));

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'msg-0' }] });
    expect(baskets.items.get(CUSTOMER)?.lines).toEqual([]);
  });
});

describe('handler', () => {
  const ddb = mockClient(DynamoDBDocumentClient);
  const commandNames = () => ddb.calls().map((call) => call.args[0].constructor.name);

  beforeEach(() => {
    ddb.reset();
  });

  afterAll(() => {
    ddb.restore();
  });

  it('answers an empty batch without failures', async () => {
    await expect(handler({ Records: [] }, fakeLambdaContext())).resolves.toEqual({ batchItemFailures: [] });
  });

  it('removes the lines with one consistent read and one versioned put of the basket, and no other DynamoDB call', async () => {
    ddb.on(GetCommand).resolves({ Item: { ...toBasketItem(basketOf({ 'MUG-001': 2, 'CUP-001': 1 })), version: 4 } });
    ddb.on(PutCommand).resolves({});

    await expect(handler(sqsEventFromSns([orderConfirmed(['MUG-001'])]), fakeLambdaContext())).resolves.toEqual({ batchItemFailures: [] });

    expect(commandNames()).toEqual(['GetCommand', 'PutCommand']);
    expect(ddb).toHaveReceivedCommandWith(GetCommand, { TableName: 'basket-unit-test', Key: basketKey(CUSTOMER), ConsistentRead: true });
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      TableName: 'basket-unit-test',
      Item: expect.objectContaining({
        ...basketKey(CUSTOMER),
        lines: { 'CUP-001': { quantity: 1, addedAt: '2025-02-01T00:00:01.000Z', changedAt: '2025-02-01T00:00:01.000Z' } },
        confirmedOrders: { [ORDER_ID]: expect.any(String) },
        version: 5,
      }),
      ConditionExpression: 'attribute_exists(#key) AND #version = :expected',
      ExpressionAttributeValues: { ':expected': 4 },
    });
  });

  it('frees the basket on OrderCancelled with one consistent read and one versioned put keeping the lines', async () => {
    const held = withPendingOrder(basketOf({ 'MUG-001': 2 }), lockOf(ORDER_ID));
    ddb.on(GetCommand).resolves({ Item: { ...toBasketItem(held), version: 7 } });
    ddb.on(PutCommand).resolves({});

    await expect(handler(sqsEventFromSns([orderCancelled()]), fakeLambdaContext())).resolves.toEqual({ batchItemFailures: [] });

    expect(commandNames()).toEqual(['GetCommand', 'PutCommand']);
    const written = ddb.commandCalls(PutCommand)[0]?.args[0].input;
    expect(written).toMatchObject({
      TableName: 'basket-unit-test',
      Item: { ...basketKey(CUSTOMER), lines: toBasketItem(held).lines, version: 8 },
      ConditionExpression: 'attribute_exists(#key) AND #version = :expected',
      ExpressionAttributeValues: { ':expected': 7 },
    });
    expect(written?.Item).not.toHaveProperty('pendingOrder');
  });

  it('only reads the basket for an OrderCancelled of an order that does not hold it', async () => {
    ddb
      .on(GetCommand)
      .resolves({ Item: { ...toBasketItem(withPendingOrder(basketOf({ 'MUG-001': 1 }), lockOf(NEWER_ORDER))), version: 3 } });

    await expect(handler(sqsEventFromSns([orderCancelled()]), fakeLambdaContext())).resolves.toEqual({ batchItemFailures: [] });

    expect(commandNames()).toEqual(['GetCommand']);
  });

  it('only reads the basket for a message whose order it applied already', async () => {
    const applied = basketOf({ 'MUG-001': 1 }, { confirmedOrders: { [ORDER_ID]: new Date().toISOString() } });
    ddb.on(GetCommand).resolves({ Item: { ...toBasketItem(applied), version: 5 } });

    await expect(handler(sqsEventFromSns([orderConfirmed(['MUG-001'])]), fakeLambdaContext())).resolves.toEqual({ batchItemFailures: [] });

    expect(commandNames()).toEqual(['GetCommand']);
  });
});
