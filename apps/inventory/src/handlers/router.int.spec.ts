import './testing/lambda-env';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '@shop/dynamodb';
import { adminClaims, apiGatewayProxyEvent, fakeLambdaContext, useTestTable, type ApiRequest } from '@shop/testing';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { stockKey } from '../adapters/inventory-items';
import { DynamoStockRepository } from '../adapters/stock.repository';
import { createInventoryApi } from './router.handler';

// The router's plain function, through the real repository, against DynamoDB Local.
const docClient = createDocumentClient();
const table = useTestTable();

afterAll(() => docClient.destroy());

const call = (request: ApiRequest, correlationId = 'corr-int') =>
  createInventoryApi({
    stock: new DynamoStockRepository(docClient, table.tableName),
    clock: { now: () => new Date() },
    logger: { debug: jest.fn(), error: jest.fn() },
    metrics: { addMetric: jest.fn() },
  })(
    apiGatewayProxyEvent({ basePath: '/inventory', claims: adminClaims(), ...request, headers: { 'x-correlation-id': correlationId, ...request.headers } }),
    fakeLambdaContext(),
  );
const body = (result: APIGatewayProxyResult) => JSON.parse(result.body) as Record<string, unknown>;
const storedItem = async (sku: string) =>
  (await docClient.send(new GetCommand({ TableName: table.tableName, Key: stockKey(sku), ConsistentRead: true }))).Item;

describe('inventory router on DynamoDB Local', () => {
  it('sets stock (200, version 1), serves it, and stores the correlation id of the write', async () => {
    const put = await call({ method: 'PUT', path: '/RT-SET-1', body: { available: 10 } }, 'corr-set-1');

    expect(put.statusCode).toBe(200);
    expect(body(put)).toMatchObject({ sku: 'RT-SET-1', available: 10, reserved: 0, version: 1 });
    const get = await call({ path: '/RT-SET-1' });
    expect(get.statusCode).toBe(200);
    expect(get.headers?.etag).toBe('"1"');
    expect(body(get)).toEqual(body(put));
    await expect(storedItem('RT-SET-1')).resolves.toMatchObject({ correlationId: 'corr-set-1' });
  });

  it('updates with If-Match, then answers 412 to the stale version and keeps the update', async () => {
    await call({ method: 'PUT', path: '/RT-IFM-1', body: { available: 1 } });

    const updated = await call({ method: 'PUT', path: '/RT-IFM-1', body: { available: 2 }, headers: { 'if-match': '"1"' } });
    const stale = await call({ method: 'PUT', path: '/RT-IFM-1', body: { available: 3 }, headers: { 'if-match': '"1"' } });
    const unknown = await call({ method: 'PUT', path: '/RT-IFM-2', body: { available: 3 }, headers: { 'if-match': '"1"' } });

    expect([updated.statusCode, stale.statusCode, unknown.statusCode]).toEqual([200, 412, 404]);
    await expect(storedItem('RT-IFM-1')).resolves.toMatchObject({ available: 2, version: 2 });
    await expect(storedItem('RT-IFM-2')).resolves.toBeUndefined();
  });

  it('answers 404 for a sku without stock and 400 to bad input, writing nothing', async () => {
    const results = await Promise.all([
      call({ path: '/RT-NONE-1' }),
      call({ method: 'PUT', path: '/RT-BAD-1', body: { available: -1 } }),
      call({ method: 'PUT', path: '/RT-BAD-2', body: '{' }),
    ]);

    expect(results.map((result) => result.statusCode)).toEqual([404, 400, 400]);
    await expect(storedItem('RT-BAD-1')).resolves.toBeUndefined();
  });
});
