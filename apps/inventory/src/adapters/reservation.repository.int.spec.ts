import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '@shop/dynamodb';
import { OutOfStockError } from '@shop/inventory-contracts';
import { useTestTable } from '@shop/testing';
import { randomUUID } from 'node:crypto';
import { releaseStock } from '../domain/release-stock.use-case';
import { reserveStock } from '../domain/reserve-stock.use-case';
import { setStock } from '../domain/set-stock.use-case';
import { systemClock } from '../domain/ports';
import { reservationKey, stockKey } from './inventory-items';
import { DynamoReservationRepository } from './reservation.repository';
import { DynamoStockRepository } from './stock.repository';

// The reservation and stock repositories, through the use cases, against DynamoDB Local
// (endpoint from AWS_ENDPOINT_URL_DYNAMODB, exported by the global setup).
const docClient = createDocumentClient();
const table = useTestTable();

afterAll(() => docClient.destroy());

const deps = () => ({
  stock: new DynamoStockRepository(docClient, table.tableName),
  reservations: new DynamoReservationRepository(docClient, table.tableName),
  clock: systemClock,
});
const stockOf = async (sku: string) =>
  (await docClient.send(new GetCommand({ TableName: table.tableName, Key: stockKey(sku), ConsistentRead: true }))).Item;
const reservationOf = async (orderId: string) =>
  (await docClient.send(new GetCommand({ TableName: table.tableName, Key: reservationKey(orderId), ConsistentRead: true }))).Item;
const stock = (sku: string, available: number) =>
  setStock(deps(), { sku, available, precondition: { kind: 'create' } }, { correlationId: 'corr-admin' });
const reserve = (orderId: string, lines: { sku: string; quantity: number }[], correlationId = 'corr-reserve') =>
  reserveStock(deps(), { orderId, correlationId, lines });
const release = (orderId: string) => releaseStock(deps(), { orderId, correlationId: 'corr-release' });

describe('reserving and releasing stock on DynamoDB Local', () => {
  it('reserves every line in one transaction, storing the reservation with the correlation id', async () => {
    await stock('INT-A-1', 5);
    await stock('INT-A-2', 2);
    const orderId = randomUUID();

    const result = await reserve(
      orderId,
      [
        { sku: 'INT-A-2', quantity: 2 },
        { sku: 'INT-A-1', quantity: 3 },
      ],
      'corr-a',
    );

    expect(result).toEqual({
      orderId,
      lines: [
        { sku: 'INT-A-1', quantity: 3 },
        { sku: 'INT-A-2', quantity: 2 },
      ],
      reservedAt: expect.any(String),
    });
    await expect(stockOf('INT-A-1')).resolves.toMatchObject({ available: 2, reserved: 3, version: 2, correlationId: 'corr-a' });
    await expect(stockOf('INT-A-2')).resolves.toMatchObject({ available: 0, reserved: 2, version: 2 });
    await expect(reservationOf(orderId)).resolves.toMatchObject({ status: 'RESERVED', correlationId: 'corr-a', lines: result.lines });
  });

  it('reserves nothing when one line is short or has no stock at all, naming those skus', async () => {
    await stock('INT-B-1', 5);
    await stock('INT-B-2', 1);
    const orderId = randomUUID();

    const error = await reserve(orderId, [
      { sku: 'INT-B-1', quantity: 5 },
      { sku: 'INT-B-2', quantity: 2 },
      { sku: 'INT-B-3', quantity: 1 },
    ]).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(OutOfStockError);
    expect((error as OutOfStockError).skus).toEqual(expect.arrayContaining(['INT-B-2']));
    expect((error as OutOfStockError).skus).not.toContain('INT-B-1');
    await expect(stockOf('INT-B-1')).resolves.toMatchObject({ available: 5, reserved: 0, version: 1 });
    await expect(stockOf('INT-B-3')).resolves.toBeUndefined();
    await expect(reservationOf(orderId)).resolves.toBeUndefined();
  });

  it('reserves once per order: a repeated reserve returns the first result and takes nothing more', async () => {
    await stock('INT-C-1', 5);
    const orderId = randomUUID();
    const first = await reserve(orderId, [{ sku: 'INT-C-1', quantity: 2 }]);

    const again = await reserve(orderId, [{ sku: 'INT-C-1', quantity: 2 }], 'corr-again');

    expect(again).toEqual(first);
    await expect(stockOf('INT-C-1')).resolves.toMatchObject({ available: 3, reserved: 2 });
    await expect(reservationOf(orderId)).resolves.toMatchObject({ correlationId: 'corr-reserve' });
  });

  it('recognises a repeated reserve even when the stock has run out since', async () => {
    await stock('INT-D-1', 2);
    const orderId = randomUUID();
    const first = await reserve(orderId, [{ sku: 'INT-D-1', quantity: 2 }]);

    await expect(reserve(orderId, [{ sku: 'INT-D-1', quantity: 2 }])).resolves.toEqual(first);
    await expect(stockOf('INT-D-1')).resolves.toMatchObject({ available: 0, reserved: 2 });
  });

  it('gives back exactly what was reserved, once', async () => {
    await stock('INT-E-1', 4);
    await stock('INT-E-2', 4);
    const orderId = randomUUID();
    await reserve(orderId, [
      { sku: 'INT-E-1', quantity: 1 },
      { sku: 'INT-E-2', quantity: 4 },
    ]);

    const [first, second] = await Promise.all([release(orderId), release(orderId)]);
    const third = await release(orderId);

    expect(first).toEqual({
      orderId,
      released: true,
      lines: [
        { sku: 'INT-E-1', quantity: 1 },
        { sku: 'INT-E-2', quantity: 4 },
      ],
      releasedAt: expect.any(String),
    });
    expect(second).toEqual(first);
    expect(third).toEqual(first);
    await expect(stockOf('INT-E-1')).resolves.toMatchObject({ available: 4, reserved: 0, version: 3 });
    await expect(stockOf('INT-E-2')).resolves.toMatchObject({ available: 4, reserved: 0, version: 3 });
    await expect(reservationOf(orderId)).resolves.toMatchObject({ status: 'RELEASED', correlationId: 'corr-release' });
  });

  it('releases an unknown order as a no-op, after which a late reserve for it takes nothing', async () => {
    await stock('INT-F-1', 3);
    const orderId = randomUUID();

    await expect(release(orderId)).resolves.toEqual({ orderId, released: false, lines: [], releasedAt: expect.any(String) });
    await expect(reserve(orderId, [{ sku: 'INT-F-1', quantity: 1 }])).resolves.toMatchObject({ orderId, lines: [] });
    await expect(stockOf('INT-F-1')).resolves.toMatchObject({ available: 3, reserved: 0 });
  });

  it('keeps what is reserved when an administrator sets the available units meanwhile', async () => {
    await stock('INT-G-1', 5);
    const orderId = randomUUID();
    await reserve(orderId, [{ sku: 'INT-G-1', quantity: 2 }]);

    // At the version the administrator read after the reservation (1 created + 1 reserved).
    await setStock(
      deps(),
      { sku: 'INT-G-1', available: 10, precondition: { kind: 'update', expectedVersion: 2 } },
      { correlationId: 'corr-admin' },
    );
    await release(orderId);

    await expect(stockOf('INT-G-1')).resolves.toMatchObject({ available: 12, reserved: 0 });
  });
});
