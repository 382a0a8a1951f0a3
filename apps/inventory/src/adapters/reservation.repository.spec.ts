import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { createDocumentClient } from '@shop/dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { StockContentionError } from '../domain/errors';
import { newReservation, releaseMarker } from '../domain/reservation';
import { ORDER_1 } from '../domain/testing/inventory-fixtures';
import { toReservationItem } from './inventory-items';
import { DynamoReservationRepository } from './reservation.repository';

const ddb = mockClient(DynamoDBDocumentClient);
const sleeps: number[] = [];
const repository = new DynamoReservationRepository(createDocumentClient({ clientConfig: { region: 'eu-west-1' } }), 'inventory', {
  maxAttempts: 3,
  delayMs: (attempt) => attempt * 10,
  sleep: async (ms) => void sleeps.push(ms),
});
const now = new Date('2025-03-01T10:00:00.000Z');
const reservation = newReservation(
  ORDER_1,
  [
    { sku: 'TEA-001', quantity: 1 },
    { sku: 'MUG-001', quantity: 2 },
  ],
  now,
);
const context = { correlationId: 'corr-1' };

const canceled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

beforeEach(() => {
  ddb.reset();
  sleeps.length = 0;
});

describe('DynamoReservationRepository', () => {
  describe('reserve', () => {
    it('puts the reservation (if the order has none) and takes each line (if available) in ONE transaction', async () => {
      ddb.on(TransactWriteCommand).resolves({});

      await expect(repository.reserve(reservation, context)).resolves.toEqual({ outcome: 'reserved', reservation });

      const items = ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
      expect(items).toHaveLength(3);
      expect(items[0]).toEqual({
        Put: {
          TableName: 'inventory',
          Item: toReservationItem(reservation, 'corr-1'),
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': 'pk' },
        },
      });
      expect(
        items
          .slice(1)
          .map((item) => [item.Update?.Key, item.Update?.ConditionExpression, item.Update?.ExpressionAttributeValues?.[':quantity']]),
      ).toEqual([
        [{ pk: 'STOCK#MUG-001', sk: 'STOCK' }, 'attribute_exists(#pk) AND #available >= :quantity', 2],
        [{ pk: 'STOCK#TEA-001', sk: 'STOCK' }, 'attribute_exists(#pk) AND #available >= :quantity', 1],
      ]);
      expect(items[1]?.Update?.UpdateExpression).toContain('#available = #available - :quantity, #reserved = #reserved + :quantity');
    });

    it('decodes a failed condition on the reservation as a duplicate and returns the stored reservation', async () => {
      const stored = newReservation(ORDER_1, [{ sku: 'MUG-001', quantity: 2 }], new Date('2025-02-01T00:00:00.000Z'));
      ddb.on(TransactWriteCommand).rejects(canceled('ConditionalCheckFailed', 'ConditionalCheckFailed', 'None'));
      ddb.on(GetCommand).resolves({ Item: toReservationItem(stored, 'corr-0') });

      await expect(repository.reserve(reservation, context)).resolves.toEqual({ outcome: 'duplicate', reservation: stored });
      expect(ddb).toHaveReceivedCommandWith(GetCommand, { Key: { pk: `RESERVATION#${ORDER_1}`, sk: 'RESERVATION' }, ConsistentRead: true });
    });

    it('decodes failed conditions on stock items as short skus', async () => {
      ddb.on(TransactWriteCommand).rejects(canceled('None', 'None', 'ConditionalCheckFailed'));

      await expect(repository.reserve(reservation, context)).resolves.toEqual({ outcome: 'short', skus: ['TEA-001'] });
    });

    it('retries a transaction cancelled by a conflict with another one, with backoff', async () => {
      ddb
        .on(TransactWriteCommand)
        .rejectsOnce(canceled('None', 'TransactionConflict', 'None'))
        .rejectsOnce(canceled('TransactionConflict', 'ConditionalCheckFailed', 'None'))
        .resolves({});

      await expect(repository.reserve(reservation, context)).resolves.toEqual({ outcome: 'reserved', reservation });
      expect(sleeps).toEqual([10, 20]);
    });

    it('gives up with a transient StockContentionError after the last attempt', async () => {
      ddb.on(TransactWriteCommand).rejects(canceled('None', 'TransactionConflict', 'None'));

      await expect(repository.reserve(reservation, context)).rejects.toEqual(new StockContentionError(ORDER_1, 3));
      expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 3);
    });

    it('passes other failures through without retrying', async () => {
      const failure = canceled('ValidationError', 'None', 'None');
      ddb.on(TransactWriteCommand).rejects(failure);

      await expect(repository.reserve(reservation, context)).rejects.toBe(failure);
      expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
    });

    it('refuses more skus than one transaction can hold', async () => {
      const lines = Array.from({ length: 100 }, (_, i) => ({ sku: `SKU-${String(i).padStart(3, '0')}`, quantity: 1 }));
      await expect(repository.reserve(newReservation(ORDER_1, lines, now), context)).rejects.toBeInstanceOf(RangeError);
      expect(ddb).not.toHaveReceivedCommand(TransactWriteCommand);
    });
  });

  describe('release', () => {
    it('marks the reservation released (if still reserved) and gives each line back in ONE transaction', async () => {
      ddb.on(TransactWriteCommand).resolves({});

      await expect(repository.release(reservation, '2025-03-01T10:05:00.000Z', context)).resolves.toBe('released');

      const items = ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
      expect(items[0]?.Update).toMatchObject({
        Key: { pk: `RESERVATION#${ORDER_1}`, sk: 'RESERVATION' },
        ConditionExpression: '#status = :reserved',
        ExpressionAttributeValues: {
          ':released': 'RELEASED',
          ':reserved': 'RESERVED',
          ':at': '2025-03-01T10:05:00.000Z',
          ':correlationId': 'corr-1',
        },
      });
      expect(items.slice(1).map((item) => [item.Update?.Key?.pk, item.Update?.ExpressionAttributeValues?.[':quantity']])).toEqual([
        ['STOCK#MUG-001', 2],
        ['STOCK#TEA-001', 1],
      ]);
      expect(items[1]?.Update?.UpdateExpression).toContain('#available = #available + :quantity, #reserved = #reserved - :quantity');
    });

    it('reports a reservation that is no longer reserved as not-reserved', async () => {
      ddb.on(TransactWriteCommand).rejects(canceled('ConditionalCheckFailed', 'None', 'None'));
      await expect(repository.release(reservation, '2025-03-01T10:05:00.000Z', context)).resolves.toBe('not-reserved');
    });

    it('fails loudly when a sku does not hold what the reservation took', async () => {
      ddb.on(TransactWriteCommand).rejects(canceled('None', 'ConditionalCheckFailed', 'None'));
      await expect(repository.release(reservation, '2025-03-01T10:05:00.000Z', context)).rejects.toThrow(
        `Cannot give back the reservation of order ${ORDER_1}: the stock of MUG-001 does not hold it.`,
      );
    });
  });

  describe('storeReleaseMarker', () => {
    const marker = releaseMarker(ORDER_1, now);

    it('puts the marker only if the order has no reservation', async () => {
      ddb.on(PutCommand).resolves({});

      await expect(repository.storeReleaseMarker(marker, context)).resolves.toBe(true);
      expect(ddb).toHaveReceivedCommandWith(PutCommand, {
        Item: toReservationItem(marker, 'corr-1'),
        ConditionExpression: 'attribute_not_exists(#pk)',
      });
    });

    it('answers false when the order has a reservation', async () => {
      ddb.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'failed', $metadata: {} }));
      await expect(repository.storeReleaseMarker(marker, context)).resolves.toBe(false);
    });
  });

  describe('get', () => {
    it('reads the reservation strongly consistently', async () => {
      ddb
        .on(GetCommand)
        .resolves({ Item: toReservationItem({ ...reservation, status: 'RELEASED', releasedAt: '2025-03-01T10:05:00.000Z' }, 'c') });
      await expect(repository.get(ORDER_1)).resolves.toEqual({
        ...reservation,
        status: 'RELEASED',
        releasedAt: '2025-03-01T10:05:00.000Z',
      });
    });
  });
});
