import './testing/lambda-env';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '@shop/dynamodb';
import { adminClaims, apiGatewayProxyEvent, fakeLambdaContext, useTestTable, type ApiRequest } from '@shop/testing';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { ADJUSTMENT_KEY_TTL_SECONDS, adjustmentKey, stockKey } from '../adapters/inventory-items';
import { DynamoReservationRepository } from '../adapters/reservation.repository';
import { DynamoStockRepository } from '../adapters/stock.repository';
import { reserveStock } from '../domain/reserve-stock.use-case';
import { systemClock } from '../domain/ports';
import { createInventoryApi } from './router.handler';

// The router's plain function, through the real repository, against DynamoDB Local.
const docClient = createDocumentClient();
const table = useTestTable();

afterAll(() => docClient.destroy());

// Races of dozens of transactions on a shared 2-core machine (next to other test files) take seconds.
const RACE_TIMEOUT_MS = 30_000;

const call = (request: ApiRequest, correlationId = 'corr-int') =>
  createInventoryApi({
    stock: new DynamoStockRepository(docClient, table.tableName),
    clock: systemClock,
    logger: { debug: jest.fn(), error: jest.fn() },
    metrics: { addMetric: jest.fn() },
  })(
    apiGatewayProxyEvent({
      basePath: '/inventory',
      claims: adminClaims(),
      ...request,
      headers: { 'x-correlation-id': correlationId, ...request.headers },
    }),
    fakeLambdaContext(),
  );
const body = (result: APIGatewayProxyResult) => JSON.parse(result.body) as Record<string, unknown>;
const storedItem = async (sku: string) =>
  (await docClient.send(new GetCommand({ TableName: table.tableName, Key: stockKey(sku), ConsistentRead: true }))).Item;
const itemsOfSku = async (sku: string) =>
  (
    await docClient.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': stockKey(sku).pk },
        ConsistentRead: true,
      }),
    )
  ).Items ?? [];

const create = (sku: string, available: number) =>
  call({ method: 'PUT', path: `/${sku}`, body: { available }, headers: { 'if-none-match': '*' } });
const adjust = (sku: string, idempotencyKey: string, delta: number, reason = 'received') =>
  call({ method: 'POST', path: `/${sku}/adjustments`, body: { delta, reason }, headers: { 'idempotency-key': idempotencyKey } });

describe('inventory router on DynamoDB Local', () => {
  describe('PUT /{sku}', () => {
    it('creates stock with If-None-Match: * (201, version 1), serves it, and stores the correlation id of the write', async () => {
      const put = await call(
        { method: 'PUT', path: '/RT-SET-1', body: { available: 10 }, headers: { 'if-none-match': '*' } },
        'corr-set-1',
      );

      expect(put.statusCode).toBe(201);
      expect(body(put)).toMatchObject({ sku: 'RT-SET-1', available: 10, reserved: 0, version: 1 });
      const get = await call({ path: '/RT-SET-1' });
      expect(get.statusCode).toBe(200);
      expect(get.headers?.etag).toBe('"1"');
      expect(body(get)).toEqual(body(put));
      await expect(storedItem('RT-SET-1')).resolves.toMatchObject({ correlationId: 'corr-set-1' });
    });

    it('answers 428 to a PUT without If-Match or If-None-Match and writes nothing, for a new sku or an existing one', async () => {
      expect((await call({ method: 'PUT', path: '/RT-428-1', body: { available: 5 } })).statusCode).toBe(428);
      await expect(storedItem('RT-428-1')).resolves.toBeUndefined();

      await create('RT-428-2', 3);
      expect((await call({ method: 'PUT', path: '/RT-428-2', body: { available: 99 } })).statusCode).toBe(428);
      await expect(storedItem('RT-428-2')).resolves.toMatchObject({ available: 3, version: 1 });
    });

    it('updates with If-Match, then answers 412 to the stale version and 404 to a sku without stock, keeping the update', async () => {
      await create('RT-IFM-1', 1);

      const updated = await call({ method: 'PUT', path: '/RT-IFM-1', body: { available: 2 }, headers: { 'if-match': '"1"' } });
      const stale = await call({ method: 'PUT', path: '/RT-IFM-1', body: { available: 3 }, headers: { 'if-match': '"1"' } });
      const unknown = await call({ method: 'PUT', path: '/RT-IFM-2', body: { available: 3 }, headers: { 'if-match': '"1"' } });

      expect([updated.statusCode, stale.statusCode, unknown.statusCode]).toEqual([200, 412, 404]);
      await expect(storedItem('RT-IFM-1')).resolves.toMatchObject({ available: 2, version: 2 });
      await expect(storedItem('RT-IFM-2')).resolves.toBeUndefined();
    });

    it('lets exactly one of two PUTs at the same version win (200), the other 412, and keeps the winner', async () => {
      await create('RT-RACE-1', 1);

      const results = await Promise.all(
        [7, 8].map((available) => call({ method: 'PUT', path: '/RT-RACE-1', body: { available }, headers: { 'if-match': '"1"' } })),
      );

      expect(results.map((result) => result.statusCode).sort()).toEqual([200, 412]);
      const winner = body(results.find((result) => result.statusCode === 200) as APIGatewayProxyResult);
      await expect(storedItem('RT-RACE-1')).resolves.toMatchObject({ available: winner.available, version: 2 });
    });

    it('lets exactly one of two creates of the same sku win (201), the other 412', async () => {
      const results = await Promise.all([create('RT-RACE-2', 4), create('RT-RACE-2', 9)]);

      expect(results.map((result) => result.statusCode).sort()).toEqual([201, 412]);
      const winner = body(results.find((result) => result.statusCode === 201) as APIGatewayProxyResult);
      await expect(storedItem('RT-RACE-2')).resolves.toMatchObject({ available: winner.available, version: 1 });
    });
  });

  describe('POST /{sku}/adjustments', () => {
    it(
      'applies 20 parallel adjustments of +1 with distinct keys: +20, version +20, every one 201',
      async () => {
        await create('RT-ADJ-1', 5);

        const results = await Promise.all(Array.from({ length: 20 }, () => adjust('RT-ADJ-1', randomUUID(), 1)));

        expect(results.map((result) => result.statusCode)).toEqual(Array(20).fill(201));
        await expect(storedItem('RT-ADJ-1')).resolves.toMatchObject({ available: 25, reserved: 0, version: 21 });
        expect((await itemsOfSku('RT-ADJ-1')).filter((item) => String(item.sk).startsWith('ADJUSTMENT#'))).toHaveLength(20);
      },
      RACE_TIMEOUT_MS,
    );

    it(
      'applies the same key sent 5 times in parallel once: one 201, four 200 replays, all with the same adjustment',
      async () => {
        await create('RT-ADJ-2', 5);
        const key = randomUUID();

        const results = await Promise.all(Array.from({ length: 5 }, () => adjust('RT-ADJ-2', key, 1, 'received PO-7')));

        expect(results.map((result) => result.statusCode).sort()).toEqual([200, 200, 200, 200, 201]);
        expect(new Set(results.map((result) => JSON.stringify(body(result).adjustment))).size).toBe(1);
        expect(results.filter((result) => result.headers?.['idempotent-replayed'] === 'true')).toHaveLength(4);
        await expect(storedItem('RT-ADJ-2')).resolves.toMatchObject({ available: 6, version: 2 });
      },
      RACE_TIMEOUT_MS,
    );

    it('records the adjustment under its key with a TTL, and refuses the key with another body (422), changing nothing', async () => {
      await create('RT-ADJ-3', 5);
      const before = Math.floor(Date.now() / 1000);

      const first = await adjust('RT-ADJ-3', 'po-1234', 3, 'received PO-1234');
      const reused = await adjust('RT-ADJ-3', 'po-1234', 30, 'received PO-1234');

      expect([first.statusCode, reused.statusCode]).toEqual([201, 422]);
      await expect(storedItem('RT-ADJ-3')).resolves.toMatchObject({ available: 8, version: 2 });
      const record = (
        await docClient.send(
          new GetCommand({ TableName: table.tableName, Key: adjustmentKey('RT-ADJ-3', 'po-1234'), ConsistentRead: true }),
        )
      ).Item;
      expect(record).toMatchObject({
        sku: 'RT-ADJ-3',
        idempotencyKey: 'po-1234',
        delta: 3,
        reason: 'received PO-1234',
        correlationId: 'corr-int',
      });
      expect(record?.expiresAt).toBeGreaterThanOrEqual(before + ADJUSTMENT_KEY_TTL_SECONDS);
      expect(record?.expiresAt).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + ADJUSTMENT_KEY_TTL_SECONDS);
    });

    it('answers 409 to a delta that would take available below 0 with units reserved, and leaves stock and reservation as they were', async () => {
      await create('RT-ADJ-4', 5);
      const reservations = new DynamoReservationRepository(docClient, table.tableName);
      await reserveStock(
        { reservations, clock: systemClock },
        { orderId: randomUUID(), correlationId: 'corr-saga', lines: [{ sku: 'RT-ADJ-4', quantity: 3 }] },
      );
      const before = await storedItem('RT-ADJ-4');
      expect(before).toMatchObject({ available: 2, reserved: 3, version: 2 });

      const tooMany = await adjust('RT-ADJ-4', 'write-off-1', -3, 'broken');
      const exact = await adjust('RT-ADJ-4', 'write-off-2', -2, 'broken');

      expect(tooMany.statusCode).toBe(409);
      expect(body(tooMany)).toMatchObject({ status: 409, detail: expect.stringContaining('only 2 are available') });
      expect(exact.statusCode).toBe(201);
      await expect(storedItem('RT-ADJ-4')).resolves.toMatchObject({ available: 0, reserved: 3, version: 3 });
      const keys = (await itemsOfSku('RT-ADJ-4')).map((item) => item.sk).sort();
      expect(keys).toEqual(['ADJUSTMENT#write-off-2', 'STOCK']);
    });

    it('answers 404 to an adjustment of a sku without stock, writing nothing', async () => {
      const result = await adjust('RT-ADJ-NONE', 'k-1', 5);

      expect(result.statusCode).toBe(404);
      expect(await itemsOfSku('RT-ADJ-NONE')).toEqual([]);
    });

    it('answers 400 without an Idempotency-Key, writing nothing', async () => {
      await create('RT-ADJ-5', 5);
      const result = await call({ method: 'POST', path: '/RT-ADJ-5/adjustments', body: { delta: 1, reason: 'received' } });

      expect(result.statusCode).toBe(400);
      expect((await itemsOfSku('RT-ADJ-5')).map((item) => item.sk)).toEqual(['STOCK']);
    });
  });
});
