import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '@shop/dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { shipmentForOrder } from '../domain/shipment';
import { confirmedOrder, NOW, ORDER_ID } from '../domain/testing/shipping-fixtures';
import { DynamoShipmentRepository, isShipmentItem, shipmentKey, toShipmentItem } from './shipment.repository';

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
      Item: { ...shipment, pk: `SHIPMENT#${ORDER_ID}`, sk: 'SHIPMENT', correlationId: 'corr-1' },
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
    dynamodb.on(GetCommand, { TableName: 'shipping-table', Key: shipmentKey(ORDER_ID) }).resolves({ Item: toShipmentItem(shipment, 'corr-1') });

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
