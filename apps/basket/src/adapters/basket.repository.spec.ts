import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '@shop/dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { pendingOrderFor, withPendingOrder } from '../domain/basket';
import { BasketChangedError } from '../domain/errors';
import { basketOf, CUSTOMER, ORDER_ID } from '../domain/testing/fixtures';
import { basketKey, DynamoBasketRepository, fromBasketItem, toBasketItem } from './basket.repository';

const ddb = mockClient(DynamoDBDocumentClient);
const repository = new DynamoBasketRepository(createDocumentClient({ clientConfig: { region: 'eu-west-1' } }), 'baskets');
const key = { pk: `BASKET#${CUSTOMER}`, sk: 'BASKET' };
const conditionFailed = (item?: Record<string, unknown>) =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {}, ...(item && { Item: item as never }) });

beforeEach(() => {
  ddb.reset();
});

describe('toBasketItem / fromBasketItem', () => {
  it('stores the lines as a map by sku and reads them back in the order they were added', () => {
    const basket = basketOf({ 'TEA-001': 1, 'MUG-001': 2 });
    const item = toBasketItem(basket);

    expect(item).toEqual({
      ...key,
      customerId: CUSTOMER,
      lines: {
        'TEA-001': { quantity: 1, addedAt: '2025-02-01T00:00:00.000Z', changedAt: '2025-02-01T00:00:00.000Z' },
        'MUG-001': { quantity: 2, addedAt: '2025-02-01T00:00:01.000Z', changedAt: '2025-02-01T00:00:01.000Z' },
      },
      confirmedOrders: {},
      updatedAt: '2025-02-01T00:00:00.000Z',
    });
    expect(fromBasketItem({ ...item, version: 1 })).toEqual(basket);
  });

  it('stores the confirmed orders as a map of order id to the time they were applied, and reads them back', () => {
    const basket = basketOf({}, { confirmedOrders: { [ORDER_ID]: '2025-03-02T00:00:00.000Z' } });
    const item = toBasketItem(basket);

    expect(item.confirmedOrders).toEqual({ [ORDER_ID]: '2025-03-02T00:00:00.000Z' });
    expect(fromBasketItem({ ...item, version: 2 })).toEqual({ ...basket, version: 2 });
  });

  it('stores the pending order as a map, reads it back, and stores a basket without one without the attribute', () => {
    const lock = pendingOrderFor(ORDER_ID, 'key-1', new Date('2025-03-01T12:00:00.000Z'));
    const basket = withPendingOrder(basketOf({ 'MUG-001': 1 }), lock);
    const item = toBasketItem(basket);

    expect(item.pendingOrder).toEqual({
      orderId: ORDER_ID,
      idempotencyKey: 'key-1',
      placedAt: '2025-03-01T12:00:00.000Z',
      expiresAt: '2025-03-01T13:00:00.000Z',
    });
    expect(fromBasketItem({ ...item, version: 2 })).toEqual({ ...basket, version: 2 });
    expect(toBasketItem(basketOf({ 'MUG-001': 1 }))).not.toHaveProperty('pendingOrder');
    expect(fromBasketItem({ ...toBasketItem(basketOf({ 'MUG-001': 1 })), version: 1 })).not.toHaveProperty('pendingOrder');
  });

  it('reads a line written before lines had a change time as set when it was added', () => {
    const older = { ...toBasketItem(basketOf({})), version: 1, lines: { 'MUG-001': { quantity: 1, addedAt: '2025-02-01T00:00:00.000Z' } } };
    expect(fromBasketItem(older).lines).toEqual([
      { sku: 'MUG-001', quantity: 1, addedAt: '2025-02-01T00:00:00.000Z', changedAt: '2025-02-01T00:00:00.000Z' },
    ]);
  });

  it('reads an item written before confirmed orders were recorded as having none', () => {
    const older: Record<string, unknown> = { ...toBasketItem(basketOf({ 'MUG-001': 1 })), version: 1 };
    delete older.confirmedOrders;
    expect(fromBasketItem(older).confirmedOrders).toEqual({});
  });

  it.each([
    ['a line of quantity 0', { lines: { 'MUG-001': { quantity: 0 } } }],
    ['a confirmed order whose id is not a UUID', { confirmedOrders: { 'order-1': '2025-03-02T00:00:00.000Z' } }],
    ['a confirmed order without a time', { confirmedOrders: { [ORDER_ID]: 'yesterday' } }],
    [
      'a pending order whose id is not a UUID',
      {
        pendingOrder: {
          orderId: 'order-1',
          idempotencyKey: 'k',
          placedAt: '2025-03-01T12:00:00.000Z',
          expiresAt: '2025-03-01T13:00:00.000Z',
        },
      },
    ],
    ['a pending order without a lease', { pendingOrder: { orderId: ORDER_ID, idempotencyKey: 'k', placedAt: '2025-03-01T12:00:00.000Z' } }],
  ])('fails loudly on a corrupt item: %s', (_case, corruption) => {
    expect(() => fromBasketItem({ ...toBasketItem(basketOf({ 'MUG-001': 1 })), version: 1, ...corruption })).toThrow();
  });
});

describe('DynamoBasketRepository', () => {
  it('reads the basket strongly consistently', async () => {
    ddb.on(GetCommand).resolves({ Item: { ...toBasketItem(basketOf({ 'MUG-001': 2 })), version: 3 } });

    await expect(repository.get(CUSTOMER)).resolves.toEqual(basketOf({ 'MUG-001': 2 }, { version: 3 }));
    expect(ddb).toHaveReceivedCommandWith(GetCommand, { TableName: 'baskets', Key: basketKey(CUSTOMER), ConsistentRead: true });
  });

  it('gives an empty basket at version 0 when none is stored', async () => {
    ddb.on(GetCommand).resolves({});
    await expect(repository.get(CUSTOMER)).resolves.toEqual({ customerId: CUSTOMER, lines: [], confirmedOrders: {}, version: 0 });
  });

  it('creates a first basket at version 1, only if none exists', async () => {
    ddb.on(PutCommand).resolves({});

    await repository.save(basketOf({ 'MUG-001': 1 }, { version: 0 }), 0);

    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      TableName: 'baskets',
      Item: { ...toBasketItem(basketOf({ 'MUG-001': 1 })), version: 1 },
      ConditionExpression: 'attribute_not_exists(#key)',
    });
  });

  it('replaces a basket at the version read', async () => {
    ddb.on(PutCommand).resolves({});

    await repository.save(basketOf({ 'MUG-001': 4 }), 2);

    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      Item: { ...toBasketItem(basketOf({ 'MUG-001': 4 })), version: 3 },
      ConditionExpression: 'attribute_exists(#key) AND #version = :expected',
      ExpressionAttributeValues: { ':expected': 2 },
    });
  });

  it.each([
    ['a basket created meanwhile', 0, undefined],
    ['a basket changed meanwhile', 2, { version: { N: '3' } }],
    ['a basket gone meanwhile', 2, undefined],
  ])('reports %s as BasketChangedError', async (_case, expectedVersion, stored) => {
    ddb.on(PutCommand).rejects(conditionFailed(stored));

    await expect(repository.save(basketOf({ 'MUG-001': 1 }), expectedVersion)).rejects.toBeInstanceOf(BasketChangedError);
  });

  it('lets other failures through', async () => {
    ddb.on(PutCommand).rejects(new Error('throttled'));
    await expect(repository.save(basketOf({ 'MUG-001': 1 }), 1)).rejects.toThrow('throttled');
  });
});
