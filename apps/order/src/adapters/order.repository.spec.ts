import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidCursorError } from '@shop/domain';
import { createDocumentClient, encodeCursor } from '@shop/dynamodb';
import { marshallItem } from '@shop/testing';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { InvalidOrderTransitionError, OrderAlreadyExistsError, OrderNotFoundError } from '../domain/errors';
import { transitionOrder } from '../domain/order';
import type { OrderRepository } from '../domain/ports';
import { CUSTOMER_ID, ORDER_ID, pendingOrder, RECEIVED_AT } from '../domain/testing/order-fixtures';
import { DynamoOrderRepository, fromOrderItem, fromStoredItem, isOrderItem, toOrderItem } from './order.repository';
import { statusShardOf } from './status-index';

const ddb = mockClient(DynamoDBDocumentClient);
const repository: OrderRepository = new DynamoOrderRepository(createDocumentClient({ clientConfig: { region: 'eu-west-1' } }), 'orders');
const context = { correlationId: 'corr-1' };
const key = { pk: `ORDER#${ORDER_ID}`, sk: 'ORDER' };
const customerPartition = `CUSTOMER#${CUSTOMER_ID}`;
const shard = statusShardOf(ORDER_ID);

const conditionFailed = (item?: Record<string, unknown>) =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {}, ...(item && { Item: item as never }) });

/** A stored item as a failed condition carries it: raw AttributeValues, as DynamoDB sends them. */
const raw = (item: Record<string, unknown>) => marshallItem(item);

const AT = new Date('2025-03-01T10:00:02.000Z');
const confirmed = transitionOrder(pendingOrder(), { status: 'CONFIRMED' }, AT).order;
const cancelled = transitionOrder(pendingOrder(), { status: 'CANCELLED', reason: 'PAYMENT_DECLINED' }, AT).order;

beforeEach(() => {
  ddb.reset();
});

describe('toOrderItem / fromOrderItem', () => {
  it('lays an order out with its keys, customer and status index keys and the correlation id of the write', () => {
    expect(toOrderItem(pendingOrder(), 'corr-1')).toEqual({
      ...key,
      gsi1pk: customerPartition,
      gsi1sk: `2025-03-01T10:00:00.000Z#${ORDER_ID}`,
      gsi2pk: `PENDING#${shard}`,
      gsi2sk: `2025-03-01T10:00:00.000Z#${ORDER_ID}`,
      ...pendingOrder(),
      correlationId: 'corr-1',
    });
  });

  it('moves an order that left PENDING to the settled partition of its shard', () => {
    expect(toOrderItem(confirmed, 'c')).toMatchObject({ gsi2pk: `SETTLED#${shard}`, gsi2sk: `2025-03-01T10:00:00.000Z#${ORDER_ID}` });
    expect(toOrderItem(cancelled, 'c').gsi2pk).toBe(`SETTLED#${shard}`);
  });

  it('reads the correlation id of the last write with the order, and refuses an item without one', () => {
    expect(fromStoredItem(toOrderItem(confirmed, 'corr-9'))).toEqual({ order: confirmed, correlationId: 'corr-9' });
    const withoutCorrelation = Object.fromEntries(Object.entries(toOrderItem(confirmed, 'c')).filter(([name]) => name !== 'correlationId'));
    expect(() => fromStoredItem(withoutCorrelation)).toThrow();
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

  describe('changeStatus', () => {
    it('confirms in one conditional UpdateItem, without reading the order first', async () => {
      ddb.on(UpdateCommand).resolves({ Attributes: toOrderItem(confirmed, 'corr-1') });

      await expect(repository.changeStatus(ORDER_ID, { status: 'CONFIRMED' }, AT, context)).resolves.toEqual({
        order: confirmed,
        changed: true,
      });

      expect(ddb.calls()).toHaveLength(1);
      expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
        TableName: 'orders',
        Key: key,
        UpdateExpression:
          'SET #status = :status, #statusHistory = list_append(#statusHistory, :historyEntry), #statusPartition = :statusPartition, ' +
          '#updatedAt = :updatedAt, #correlationId = :correlationId, #version = #version + :one',
        ConditionExpression: 'attribute_exists(#pk) AND #status IN (:from0)',
        ExpressionAttributeNames: {
          '#pk': 'pk',
          '#status': 'status',
          '#statusHistory': 'statusHistory',
          '#statusPartition': 'gsi2pk',
          '#updatedAt': 'updatedAt',
          '#correlationId': 'correlationId',
          '#version': 'version',
        },
        ExpressionAttributeValues: {
          ':status': 'CONFIRMED',
          ':historyEntry': [{ status: 'CONFIRMED', at: AT.toISOString() }],
          ':statusPartition': `SETTLED#${shard}`,
          ':updatedAt': AT.toISOString(),
          ':correlationId': 'corr-1',
          ':one': 1,
          ':from0': 'PENDING',
        },
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      });
    });

    it('sets the cancellation reason when cancelling', async () => {
      ddb.on(UpdateCommand).resolves({ Attributes: toOrderItem(cancelled, 'corr-1') });

      await repository.changeStatus(ORDER_ID, { status: 'CANCELLED', reason: 'PAYMENT_DECLINED' }, AT, context);

      const input = ddb.commandCalls(UpdateCommand)[0]?.args[0].input;
      expect(input?.UpdateExpression).toContain('#cancellationReason = :cancellationReason');
      expect(input?.ExpressionAttributeNames).toMatchObject({ '#cancellationReason': 'cancellationReason' });
      expect(input?.ExpressionAttributeValues).toMatchObject({
        ':cancellationReason': 'PAYMENT_DECLINED',
        ':historyEntry': [{ status: 'CANCELLED', at: AT.toISOString(), reason: 'PAYMENT_DECLINED' }],
      });
    });

    it('flags NEEDS_ATTENTION from any status the status machine allows, without touching the cancellation reason', async () => {
      const flagged = transitionOrder(cancelled, { status: 'NEEDS_ATTENTION', reason: 'States.Timeout' }, AT).order;
      ddb.on(UpdateCommand).resolves({ Attributes: toOrderItem(flagged, 'corr-1') });

      await repository.changeStatus(ORDER_ID, { status: 'NEEDS_ATTENTION', reason: 'States.Timeout' }, AT, context);

      const input = ddb.commandCalls(UpdateCommand)[0]?.args[0].input;
      expect(input?.ConditionExpression).toBe('attribute_exists(#pk) AND #status IN (:from0, :from1, :from2)');
      expect(input?.ExpressionAttributeValues).toMatchObject({ ':from0': 'PENDING', ':from1': 'CONFIRMED', ':from2': 'CANCELLED' });
      expect(input?.UpdateExpression).not.toContain('cancellationReason');
    });

    it('reports an order already in the target status as unchanged, from the item the failed condition returned', async () => {
      ddb.on(UpdateCommand).rejects(conditionFailed(raw(toOrderItem(cancelled, 'corr-first'))));

      await expect(
        repository.changeStatus(ORDER_ID, { status: 'CANCELLED', reason: 'OUT_OF_STOCK' }, new Date(RECEIVED_AT), context),
      ).resolves.toEqual({ order: cancelled, changed: false });
      expect(ddb.calls()).toHaveLength(1);
    });

    it('turns another stored status into InvalidOrderTransitionError', async () => {
      ddb.on(UpdateCommand).rejects(conditionFailed(raw(toOrderItem(confirmed, 'c'))));

      await expect(repository.changeStatus(ORDER_ID, { status: 'CANCELLED', reason: 'OUT_OF_STOCK' }, AT, context)).rejects.toEqual(
        new InvalidOrderTransitionError(ORDER_ID, 'CONFIRMED', 'CANCELLED'),
      );
    });

    it('turns a failed condition without a stored item into OrderNotFoundError', async () => {
      const failure = conditionFailed();
      ddb.on(UpdateCommand).rejects(failure);

      const error = await repository.changeStatus(ORDER_ID, { status: 'CONFIRMED' }, AT, context).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(OrderNotFoundError);
      expect(error).toMatchObject({ orderId: ORDER_ID, cause: failure });
    });

    it('lets other failures through unchanged', async () => {
      const throttled = Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException' });
      ddb.on(UpdateCommand).rejects(throttled);

      await expect(repository.changeStatus(ORDER_ID, { status: 'CONFIRMED' }, AT, context)).rejects.toBe(throttled);
    });
  });

  describe('fence', () => {
    it('is the same single UpdateItem, on condition that the order is PENDING', async () => {
      const fenced = transitionOrder(pendingOrder(), { status: 'NEEDS_ATTENTION', reason: 'Sandbox.Timedout' }, AT).order;
      ddb.on(UpdateCommand).resolves({ Attributes: toOrderItem(fenced, 'corr-1') });

      await expect(repository.fence(ORDER_ID, { status: 'NEEDS_ATTENTION', reason: 'Sandbox.Timedout' }, AT, context)).resolves.toEqual({
        order: fenced,
        changed: true,
      });
      const input = ddb.commandCalls(UpdateCommand)[0]?.args[0].input;
      expect(input?.ConditionExpression).toBe('attribute_exists(#pk) AND #status IN (:from0)');
      expect(input?.ExpressionAttributeValues).toMatchObject({ ':from0': 'PENDING', ':status': 'NEEDS_ATTENTION' });
      expect(ddb.calls()).toHaveLength(1);
    });

    it('answers an order that left PENDING as it is stored, unchanged (a confirmation that landed)', async () => {
      ddb.on(UpdateCommand).rejects(conditionFailed(raw(toOrderItem(confirmed, 'c'))));

      await expect(repository.fence(ORDER_ID, { status: 'CANCELLED', reason: 'PROCESSING_FAILED' }, AT, context)).resolves.toEqual({
        order: confirmed,
        changed: false,
      });
    });

    it('turns a failed condition without a stored item into OrderNotFoundError', async () => {
      ddb.on(UpdateCommand).rejects(conditionFailed());
      await expect(repository.fence(ORDER_ID, { status: 'NEEDS_ATTENTION', reason: 'X' }, AT, context)).rejects.toBeInstanceOf(
        OrderNotFoundError,
      );
    });
  });

  describe('the status index', () => {
    it('queries one PENDING shard for orders placed before a time, oldest first, one item more than the page', async () => {
      ddb.on(QueryCommand).resolves({ Items: [toOrderItem(pendingOrder(), 'corr-p')] });

      await expect(repository.listPending(3, '2025-03-01T11:00:00.000Z', 10)).resolves.toEqual({
        items: [{ order: pendingOrder(), correlationId: 'corr-p' }],
      });
      expect(ddb).toHaveReceivedCommandWith(QueryCommand, {
        TableName: 'orders',
        IndexName: 'gsi2',
        KeyConditionExpression: '#partition = :partition AND #sort < :before',
        ExpressionAttributeNames: { '#partition': 'gsi2pk', '#sort': 'gsi2sk' },
        ExpressionAttributeValues: { ':partition': 'PENDING#3', ':before': '2025-03-01T11:00:00.000Z' },
        Limit: 11,
      });
      expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input.ScanIndexForward).toBeUndefined();
    });

    it('queries one settled shard for a window of checkout times', async () => {
      ddb.on(QueryCommand).resolves({ Items: [] });

      await repository.listSettled(7, '2025-03-01T10:00:00.000Z', '2025-03-01T11:00:00.000Z', 5);

      expect(ddb).toHaveReceivedCommandWith(QueryCommand, {
        KeyConditionExpression: '#partition = :partition AND #sort BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':partition': 'SETTLED#7', ':from': '2025-03-01T10:00:00.000Z', ':to': '2025-03-01T11:00:00.000Z' },
        Limit: 6,
      });
    });

    it('refuses a cursor of another shard', async () => {
      const foreign = encodeCursor({ pk: 'ORDER#x', sk: 'ORDER', gsi2pk: 'PENDING#2', gsi2sk: 'x' });
      await expect(repository.listPending(3, '2025-03-01T11:00:00.000Z', 10, foreign)).rejects.toBeInstanceOf(InvalidCursorError);
      expect(ddb).not.toHaveReceivedCommand(QueryCommand);
    });

    it('has one partition per shard', () => {
      expect(repository.partitions).toBe(8);
    });
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
