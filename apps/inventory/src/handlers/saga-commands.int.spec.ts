import './testing/lambda-env';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '@shop/dynamodb';
import { useTestTable } from '@shop/testing';
import { randomUUID } from 'node:crypto';
import { stockKey } from '../adapters/inventory-items';
import { DynamoReservationRepository } from '../adapters/reservation.repository';
import { DynamoStockRepository } from '../adapters/stock.repository';
import { systemClock } from '../domain/ports';
import { setStock } from '../domain/set-stock.use-case';
import { createReleaseStockCommand } from './release-stock.handler';
import { createReserveStockCommand } from './reserve-stock.handler';

// The saga commands' plain functions (what the Lambdas run), through the real repositories,
// against DynamoDB Local: the payloads are what the order saga sends.
const docClient = createDocumentClient();
const table = useTestTable();

afterAll(() => docClient.destroy());

// Races of dozens of transactions on a shared 2-core machine (next to other test files) take seconds.
const RACE_TIMEOUT_MS = 30_000;

const quiet = { logger: { info: () => undefined }, metrics: { addMetric: () => undefined } };
const reserve = (payload: unknown) =>
  createReserveStockCommand({ reservations: new DynamoReservationRepository(docClient, table.tableName), clock: systemClock, ...quiet })(
    payload,
  );
const release = (payload: unknown) =>
  createReleaseStockCommand({ reservations: new DynamoReservationRepository(docClient, table.tableName), clock: systemClock, ...quiet })(
    payload,
  );
const stock = (sku: string, available: number) =>
  setStock(
    { stock: new DynamoStockRepository(docClient, table.tableName), clock: systemClock },
    { sku, available, precondition: { kind: 'create' } },
    { correlationId: 'corr-admin' },
  );
const stockOf = async (sku: string) =>
  (await docClient.send(new GetCommand({ TableName: table.tableName, Key: stockKey(sku), ConsistentRead: true }))).Item;
const reservePayload = (orderId: string, lines: { sku: string; quantity: number }[]) => ({
  orderId,
  correlationId: `corr-${orderId}`,
  lines,
});

describe('inventory saga commands on DynamoDB Local', () => {
  it(
    'gives exactly 10 of 40 concurrent reservations of the last 10 units; the other 30 fail with OutOfStockError',
    async () => {
      await stock('RACE-1', 10);
      const orders = Array.from({ length: 40 }, () => randomUUID());

      const outcomes = await Promise.allSettled(
        orders.map((orderId) => reserve(reservePayload(orderId, [{ sku: 'RACE-1', quantity: 1 }]))),
      );

      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(10);
      const errors = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [(outcome.reason as Error).name] : []));
      expect(errors).toEqual(Array(30).fill('OutOfStockError'));
      await expect(stockOf('RACE-1')).resolves.toMatchObject({ available: 0, reserved: 10, version: 11 });
    },
    RACE_TIMEOUT_MS,
  );

  it(
    'stays exact when every reservation is sent twice at once and the winners are released concurrently',
    async () => {
      await stock('RACE-2', 10);
      const orders = Array.from({ length: 20 }, () => randomUUID());
      const lines = [{ sku: 'RACE-2', quantity: 2 }];

      const outcomes = await Promise.allSettled(
        orders.flatMap((orderId) => [reserve(reservePayload(orderId, lines)), reserve(reservePayload(orderId, lines))]),
      );
      const winners = orders.filter((_orderId, index) => outcomes[2 * index]?.status === 'fulfilled');

      // A duplicate delivery never gets a different answer from its twin.
      orders.forEach((_orderId, index) => expect(outcomes[2 * index]?.status).toBe(outcomes[2 * index + 1]?.status));
      expect(winners).toHaveLength(5);
      await expect(stockOf('RACE-2')).resolves.toMatchObject({ available: 0, reserved: 10 });

      await Promise.all(winners.flatMap((orderId) => [release({ orderId, correlationId: 'c' }), release({ orderId, correlationId: 'c' })]));

      await expect(stockOf('RACE-2')).resolves.toMatchObject({ available: 10, reserved: 0 });
    },
    RACE_TIMEOUT_MS,
  );

  it(
    'reserves a multi-line order all or nothing under the same race',
    async () => {
      await stock('RACE-3', 10);
      await stock('RACE-4', 5);
      const orders = Array.from({ length: 20 }, () => randomUUID());

      const outcomes = await Promise.allSettled(
        orders.map((orderId) =>
          reserve(
            reservePayload(orderId, [
              { sku: 'RACE-3', quantity: 1 },
              { sku: 'RACE-4', quantity: 1 },
            ]),
          ),
        ),
      );

      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(5);
      await expect(stockOf('RACE-3')).resolves.toMatchObject({ available: 5, reserved: 5 });
      await expect(stockOf('RACE-4')).resolves.toMatchObject({ available: 0, reserved: 5 });
    },
    RACE_TIMEOUT_MS,
  );
});
