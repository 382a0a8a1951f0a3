import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { InvalidCursorError } from '@shop/domain';
import { createDocumentClient } from '@shop/dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { shipmentForOrder } from '../domain/shipment';
import { confirmedOrder, NOW, ORDER_ID, shipmentOf } from '../domain/testing/shipping-fixtures';
import { DynamoShipmentHistory, DynamoShipmentRepository, isShipmentItem, shipmentKey, toShipmentItem } from './shipment.repository';

const documentClient = createDocumentClient({ client: new DynamoDBClient({ region: 'eu-west-1' }) });
const dynamodb = mockClient(documentClient);
const repository = new DynamoShipmentRepository(documentClient, 'shipping-table');
const shipment = shipmentForOrder(confirmedOrder().data, new Date(NOW));

beforeEach(() => {
  dynamodb.reset();
});

describe('DynamoShipmentRepository', () => {
  it('creates the shipment with a conditional put on the order key, stamping the correlation id', async () => {
    dynamodb.on(PutCommand).resolves({});

    await expect(repository.createOnce(shipment, { correlationId: 'corr-1' })).resolves.toBe('created');

    expect(dynamodb).toHaveReceivedCommandWith(PutCommand, {
      TableName: 'shipping-table',
      Item: {
        ...shipment,
        pk: `SHIPMENT#${ORDER_ID}`,
        sk: 'SHIPMENT',
        gsi1pk: 'SHIPMENTS#2025-03-01',
        gsi1sk: `${NOW}#${ORDER_ID}`,
        correlationId: 'corr-1',
      },
      ConditionExpression: 'attribute_not_exists(#key)',
      ExpressionAttributeNames: { '#key': 'pk' },
    });
  });

  it('reports "exists" when the order already has its shipment', async () => {
    const failure = Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });
    dynamodb.on(PutCommand).rejects(failure);

    await expect(repository.createOnce(shipment, { correlationId: 'corr-2' })).resolves.toBe('exists');
  });

  it('passes other failures on, so the message is retried', async () => {
    dynamodb.on(PutCommand).rejects(new Error('throttled'));
    await expect(repository.createOnce(shipment, { correlationId: 'c' })).rejects.toThrow('throttled');
  });

  it('reads a shipment by order id without its bookkeeping attributes', async () => {
    dynamodb
      .on(GetCommand, { TableName: 'shipping-table', Key: shipmentKey(ORDER_ID) })
      .resolves({ Item: toShipmentItem(shipment, 'corr-1') });

    await expect(repository.getByOrderId(ORDER_ID)).resolves.toEqual(shipment);
  });

  it('returns undefined for an order without a shipment', async () => {
    dynamodb.on(GetCommand).resolves({});
    await expect(repository.getByOrderId(ORDER_ID)).resolves.toBeUndefined();
  });
});

describe('isShipmentItem', () => {
  it('tells shipment items from the other items of the table', () => {
    expect(isShipmentItem(toShipmentItem(shipment, 'c'))).toBe(true);
    expect(isShipmentItem({ pk: 'IDEMPOTENCY#x', sk: 'IDEMPOTENCY' })).toBe(false);
  });
});

describe('DynamoShipmentHistory', () => {
  const history = new DynamoShipmentHistory(documentClient, 'shipping-table');
  const ids = ['10000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000002', '10000000-0000-4000-8000-000000000003'];
  const items = [
    toShipmentItem(shipmentOf(ids[0] ?? '', '2025-03-01T23:59:59.999Z'), 'corr-a'),
    toShipmentItem(shipmentOf(ids[1] ?? '', '2025-03-03T00:00:00.000Z'), 'corr-b'),
    { ...toShipmentItem(shipmentOf(ids[2] ?? '', '2025-03-03T10:00:00.000Z'), 'x'), correlationId: 'not a valid id!' },
  ];
  const window = { from: '2025-03-01T12:00:00.000Z', to: '2025-03-03T12:00:00.000Z' };
  // Answers each day's Query from `items` as the index would: its partition, BETWEEN from and to, after the start key.
  const answerQueries = () =>
    dynamodb.on(QueryCommand).callsFake((input: QueryCommandInput) => {
      const values = input.ExpressionAttributeValues ?? {};
      const start = input.ExclusiveStartKey?.gsi1sk as string | undefined;
      const matching = items.filter(
        (item) =>
          item.gsi1pk === values[':partition'] &&
          item.gsi1sk >= values[':from'] &&
          item.gsi1sk <= values[':to'] &&
          (start === undefined || item.gsi1sk > start),
      );
      return { Items: matching.slice(0, input.Limit) };
    });
  const partitionsQueried = () =>
    dynamodb.commandCalls(QueryCommand).map((call) => call.args[0].input.ExpressionAttributeValues?.[':partition']);

  it('gets the shipments of the orders asked, leaves out the missing, and keeps only a valid correlation id', async () => {
    dynamodb.on(GetCommand).callsFake((input: { Key: { pk: string } }) => ({ Item: items.find((item) => item.pk === input.Key.pk) }));

    const stored = await history.getStored([ids[2] ?? '', ORDER_ID, ids[0] ?? '']);

    expect(stored).toEqual([
      { shipment: shipmentOf(ids[2] ?? '', '2025-03-03T10:00:00.000Z') },
      { shipment: shipmentOf(ids[0] ?? '', '2025-03-01T23:59:59.999Z'), correlationId: 'corr-a' },
    ]);
    expect(dynamodb).toHaveReceivedCommandTimes(GetCommand, 3);
  });

  it('queries the creation-time index one UTC day after another, never scanning, oldest first', async () => {
    answerQueries();

    const page = await history.listCreated({ window }, 10);

    expect(page).toEqual({
      items: [
        { shipment: shipmentOf(ids[0] ?? '', '2025-03-01T23:59:59.999Z'), correlationId: 'corr-a' },
        { shipment: shipmentOf(ids[1] ?? '', '2025-03-03T00:00:00.000Z'), correlationId: 'corr-b' },
        { shipment: shipmentOf(ids[2] ?? '', '2025-03-03T10:00:00.000Z') },
      ],
    });
    expect(partitionsQueried()).toEqual(['SHIPMENTS#2025-03-01', 'SHIPMENTS#2025-03-02', 'SHIPMENTS#2025-03-03']);
    expect(dynamodb.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
      TableName: 'shipping-table',
      IndexName: 'gsi1',
      KeyConditionExpression: '#partition = :partition AND #sort BETWEEN :from AND :to',
      ExpressionAttributeNames: { '#partition': 'gsi1pk', '#sort': 'gsi1sk' },
      ExpressionAttributeValues: { ':from': window.from, ':to': window.to },
    });
  });

  it('pages with a cursor that carries the window and resumes after the last item given', async () => {
    answerQueries();

    const first = await history.listCreated({ window }, 1);
    const second = await history.listCreated({ cursor: first.nextCursor ?? '' }, 1);
    const third = await history.listCreated({ cursor: second.nextCursor ?? '' }, 1);

    expect([first, second, third].map((page) => page.items.map((item) => item.shipment.orderId))).toEqual([[ids[0]], [ids[1]], [ids[2]]]);
    expect([first, second].every((page) => page.nextCursor !== undefined)).toBe(true);
    expect(third.nextCursor).toBeUndefined();
  });

  it('leaves out items of other types that share the index', async () => {
    dynamodb.on(QueryCommand).resolves({
      Items: [{ pk: 'AUDIT#1', sk: 'AUDIT', gsi1pk: 'SHIPMENTS#2025-03-01', gsi1sk: '2025-03-01T13:00:00.000Z#x' }, items[0]],
    });
    const page = await history.listCreated({ window: { from: window.from, to: '2025-03-02T00:00:00.000Z' } }, 10);
    expect(page).toEqual({ items: [{ shipment: shipmentOf(ids[0] ?? '', '2025-03-01T23:59:59.999Z'), correlationId: 'corr-a' }] });
  });

  it('includes a shipment created at from and leaves out one created at to', async () => {
    answerQueries();
    const page = await history.listCreated({ window: { from: '2025-03-01T23:59:59.999Z', to: '2025-03-03T00:00:00.000Z' } }, 10);
    expect(page.items.map((item) => item.shipment.orderId)).toEqual([ids[0]]);
    expect(partitionsQueried()).toEqual(['SHIPMENTS#2025-03-01', 'SHIPMENTS#2025-03-02']);
  });

  it.each([
    ['not base64 JSON', 'nope'],
    ['another shape', Buffer.from(JSON.stringify({ offset: 3 })).toString('base64url')],
    ['a day outside its window', Buffer.from(JSON.stringify({ ...window, day: '2025-04-01' })).toString('base64url')],
    ['an empty window', Buffer.from(JSON.stringify({ from: window.to, to: window.from, day: '2025-03-02' })).toString('base64url')],
    [
      'a key of another day',
      Buffer.from(
        JSON.stringify({
          ...window,
          day: '2025-03-02',
          key: Buffer.from(JSON.stringify({ pk: 'a', sk: 'b', gsi1pk: 'SHIPMENTS#2025-03-01', gsi1sk: 'c' })).toString('base64url'),
        }),
      ).toString('base64url'),
    ],
  ])('refuses a cursor with %s (InvalidCursorError), reading nothing', async (_label, cursor) => {
    answerQueries();
    await expect(history.listCreated({ cursor }, 5)).rejects.toBeInstanceOf(InvalidCursorError);
    expect(dynamodb).not.toHaveReceivedCommand(QueryCommand);
  });
});
