import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidCursorError } from '@shop/domain';
import { createDocumentClient, encodeCursor } from '@shop/dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { OrderAlreadyExistsError, OrderNotFoundError, OrderVersionConflictError } from '../domain/errors';
import { transitionOrder } from '../domain/order';
import type { OrderRepository } from '../domain/ports';
import { CUSTOMER_ID, ORDER_ID, pendingOrder } from '../domain/testing/order-fixtures';
import { DynamoOrderRepository, fromOrderItem, isOrderItem, toOrderItem } from './order.repository';

const ddb = mockClient(DynamoDBDocumentClient);
const repository: OrderRepository = new DynamoOrderRepository(createDocumentClient({ clientConfig: { region: 'eu-west-1' } }), 'orders');
const context = { correlationId: 'corr-1' };
const key = { pk: `ORDER#${ORDER_ID}`, sk: 'ORDER' };
const customerPartition = `CUSTOMER#${CUSTOMER_ID}`;

const conditionFailed = (item?: Record<string, unknown>) =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {}, ...(item && { Item: item as never }) });

beforeEach(() => {
  ddb.reset();
});

describe('toOrderItem / fromOrderItem', () => {
  it('lays an order out with its keys, customer index keys and the correlation id of the write', () => {
    expect(toOrderItem(pendingOrder(), 'corr-1')).toEqual({
      ...key,
      gsi1pk: customerPartition,
      gsi1sk: `2025-03-01T10:00:00.000Z#${ORDER_ID}`,
      ...pendingOrder(),
      correlationId: 'corr-1',
    });
  });

  it('reads the order back without keys or bookkeeping', () => {
    expect(fromOrderItem(toOrderItem(pendingOrder(), 'corr-1'))).toEqual(pendingOrder());
  });

  it('fails loudly on a corrupt item', () => {
    expect(() => fromOrderItem({ ...toOrderItem(pendingOrder(), 'c'), status: 'SHIPPED' })).toThrow();
  });

  it('tells order items from other items of the table', () => {
    expect(isOrderItem(toOrderItem(pendingOrder(), 'c'))).toBe(true);
    expect(isOrderItem({ pk: 'IDEMPOTENCY#x', sk: 'IDEMPOTENCY' })).toBe(false);
  });
});

describe('DynamoOrderRepository', () => {
  it('reads strongly consistently by key', async () => {
    ddb.on(GetCommand).resolves({ Item: toOrderItem(pendingOrder(), 'c') });

    await expect(repository.get(ORDER_ID)).resolves.toEqual(pendingOrder());
    expect(ddb).toHaveReceivedCommandWith(GetCommand, { TableName: 'orders', Key: key, ConsistentRead: true });
  });

  it('returns undefined for a missing order', async () => {
    ddb.on(GetCommand).resolves({});
    await expect(repository.get(ORDER_ID)).resolves.toBeUndefined();
  });

  it('creates only if the id is free', async () => {
    ddb.on(PutCommand).resolves({});

    await repository.create(pendingOrder(), context);

    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      TableName: 'orders',
      Item: toOrderItem(pendingOrder(), 'corr-1'),
      ConditionExpression: 'attribute_not_exists(#key)',
    });
  });

  it('turns a taken id into OrderAlreadyExistsError', async () => {
    ddb.on(PutCommand).rejects(conditionFailed());
    await expect(repository.create(pendingOrder(), context)).rejects.toBeInstanceOf(OrderAlreadyExistsError);
  });

  it('updates at the expected version', async () => {
    ddb.on(PutCommand).resolves({});
    const confirmed = transitionOrder(pendingOrder(), { status: 'CONFIRMED' }, new Date('2025-03-01T10:00:02.000Z')).order;

    await repository.update(confirmed, 1, context);

    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      Item: { ...toOrderItem(confirmed, 'corr-1'), version: 2 },
      ExpressionAttributeValues: { ':expected': 1 },
    });
  });

  it('turns a stale version into OrderVersionConflictError and a missing order into OrderNotFoundError', async () => {
    ddb.on(PutCommand).rejectsOnce(conditionFailed({ version: { N: '3' } })).rejectsOnce(conditionFailed());
    const confirmed = transitionOrder(pendingOrder(), { status: 'CONFIRMED' }, new Date()).order;

    await expect(repository.update(confirmed, 1, context)).rejects.toBeInstanceOf(OrderVersionConflictError);
    await expect(repository.update(confirmed, 1, context)).rejects.toBeInstanceOf(OrderNotFoundError);
  });

  it("queries the customer's partition of the index newest first, one item more than the page", async () => {
    ddb.on(QueryCommand).resolves({ Items: [toOrderItem(pendingOrder(), 'c')] });

    await expect(repository.listByCustomer(CUSTOMER_ID, 10)).resolves.toEqual({ items: [pendingOrder()] });
    expect(ddb).toHaveReceivedCommandWith(QueryCommand, {
      TableName: 'orders',
      IndexName: 'gsi1',
      KeyConditionExpression: '#partition = :partition',
      ExpressionAttributeValues: { ':partition': customerPartition },
      ScanIndexForward: false,
      Limit: 11,
    });
  });

  it("refuses a cursor of another customer's listing", async () => {
    const foreign = encodeCursor({ pk: 'ORDER#x', sk: 'ORDER', gsi1pk: 'CUSTOMER#someone-else', gsi1sk: 'x' });
    await expect(repository.listByCustomer(CUSTOMER_ID, 10, foreign)).rejects.toBeInstanceOf(InvalidCursorError);
    expect(ddb).not.toHaveReceivedCommand(QueryCommand);
  });
});
