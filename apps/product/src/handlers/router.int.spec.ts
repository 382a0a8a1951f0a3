import './testing/lambda-env';
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '@shop/dynamodb';
import { adminClaims, apiGatewayProxyEvent, fakeLambdaContext, useTestTable, type ApiRequest } from '@shop/testing';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { DynamoProductRepository, productKey } from '../adapters/product.repository';
import type { Product } from '../domain/product';
import { mugInput } from '../domain/testing/product-fixtures';
import { createProductApi } from './router.handler';

// The router's plain function, through the real repository, against DynamoDB Local
// (endpoint from AWS_ENDPOINT_URL_DYNAMODB, exported by the global setup).
const docClient = createDocumentClient();
const table = useTestTable();

afterAll(() => docClient.destroy());

const api = () =>
  createProductApi({
    products: new DynamoProductRepository(docClient, table.tableName),
    clock: { now: () => new Date() },
    logger: { debug: jest.fn(), error: jest.fn() },
    metrics: { addMetric: jest.fn() },
  });
const call = (request: ApiRequest) => api()(apiGatewayProxyEvent(request), fakeLambdaContext());
const asAdmin = (request: ApiRequest, correlationId = 'corr-int'): ApiRequest => ({
  ...request,
  claims: adminClaims(),
  headers: { 'x-correlation-id': correlationId, ...request.headers },
});
const body = <T>(result: APIGatewayProxyResult) => JSON.parse(result.body) as T;
const storedItem = async (sku: string) =>
  (await docClient.send(new GetCommand({ TableName: table.tableName, Key: productKey(sku), ConsistentRead: true }))).Item;
const itemCount = async () => (await docClient.send(new ScanCommand({ TableName: table.tableName, Select: 'COUNT' }))).Count;

describe('product router on DynamoDB Local', () => {
  it('creates a product (201) and serves it (200 with ETag), storing the correlation id of the request', async () => {
    const created = await call(asAdmin({ method: 'POST', body: mugInput({ sku: 'RT-CREATE-1' }) }, 'corr-create-1'));

    expect(created.statusCode).toBe(201);
    expect(body<Product>(created)).toMatchObject({ ...mugInput({ sku: 'RT-CREATE-1' }), version: 1 });

    const fetched = await call({ path: '/RT-CREATE-1' });
    expect(fetched.statusCode).toBe(200);
    expect(fetched.headers?.['etag']).toBe('"1"');
    expect(body(fetched)).toEqual(body(created));
    await expect(storedItem('RT-CREATE-1')).resolves.toMatchObject({ correlationId: 'corr-create-1', gsi1pk: 'CATEGORY#mugs' });
  });

  it('answers 409 to a duplicate create and keeps the original', async () => {
    await call(asAdmin({ method: 'POST', body: mugInput({ sku: 'RT-DUP-1', name: 'Original' }) }));

    const duplicate = await call(asAdmin({ method: 'POST', body: mugInput({ sku: 'RT-DUP-1', name: 'Copy' }) }));

    expect(duplicate.statusCode).toBe(409);
    await expect(storedItem('RT-DUP-1')).resolves.toMatchObject({ name: 'Original', version: 1 });
  });

  it('answers 400 to bad input and writes nothing', async () => {
    const before = await itemCount();

    const results = await Promise.all([
      call(asAdmin({ method: 'POST', body: { ...mugInput({ sku: 'RT-BAD-1' }), price: { amount: -1, currency: 'EUR' } } })),
      call(asAdmin({ method: 'POST', body: { ...mugInput({ sku: 'RT-BAD-2' }), extra: true } })),
      call(asAdmin({ method: 'POST', body: '{"sku": "RT-BAD-3",' })),
      call(asAdmin({ method: 'POST', body: mugInput({ sku: 'bad sku' }) })),
    ]);

    expect(results.map((result) => result.statusCode)).toEqual([400, 400, 400, 400]);
    await expect(itemCount()).resolves.toBe(before);
  });

  it('updates with If-Match (200, version 2), then answers 412 to the stale version and keeps the update', async () => {
    await call(asAdmin({ method: 'POST', body: mugInput({ sku: 'RT-UPD-1' }) }));
    const changes = { name: 'Renamed', description: 'New text.', category: 'mugs', price: { amount: 1500, currency: 'EUR' } };

    const updated = await call(asAdmin({ method: 'PUT', path: '/RT-UPD-1', headers: { 'if-match': '"1"' }, body: changes }, 'corr-upd'));
    expect(updated.statusCode).toBe(200);
    expect(body<Product>(updated)).toMatchObject({ ...changes, sku: 'RT-UPD-1', version: 2 });
    expect(updated.headers?.['etag']).toBe('"2"');

    const stale = await call(
      asAdmin({ method: 'PUT', path: '/RT-UPD-1', headers: { 'if-match': '"1"' }, body: { ...changes, name: 'Lost' } }),
    );
    expect(stale.statusCode).toBe(412);
    await expect(storedItem('RT-UPD-1')).resolves.toMatchObject({ name: 'Renamed', version: 2, correlationId: 'corr-upd' });
  });

  it('answers 404 to an update, a read and a delete of an unknown sku', async () => {
    const changes = { name: 'X', description: '', category: 'mugs', price: { amount: 1, currency: 'EUR' } };

    const update = await call(asAdmin({ method: 'PUT', path: '/RT-NONE-1', headers: { 'if-match': '"1"' }, body: changes }));
    const read = await call({ path: '/RT-NONE-1' });
    const remove = await call(asAdmin({ method: 'DELETE', path: '/RT-NONE-1' }));

    expect([update.statusCode, read.statusCode, remove.statusCode]).toEqual([404, 404, 404]);
    await expect(storedItem('RT-NONE-1')).resolves.toBeUndefined();
  });

  it('deletes a product (204), after which it is 404', async () => {
    await call(asAdmin({ method: 'POST', body: mugInput({ sku: 'RT-DEL-1' }) }));

    const deleted = await call(asAdmin({ method: 'DELETE', path: '/RT-DEL-1' }));

    expect(deleted.statusCode).toBe(204);
    expect((await call({ path: '/RT-DEL-1' })).statusCode).toBe(404);
    await expect(storedItem('RT-DEL-1')).resolves.toBeUndefined();
  });

  describe('GET / (list a category)', () => {
    const skus = ['RT-LIST-5', 'RT-LIST-2', 'RT-LIST-4', 'RT-LIST-1', 'RT-LIST-3'];

    beforeAll(async () => {
      for (const sku of skus) {
        const result = await call(asAdmin({ method: 'POST', body: mugInput({ sku, category: 'router-paging' }) }));
        expect(result.statusCode).toBe(201);
      }
    });

    it('pages through the category in sku order with the opaque cursor; the last page has none', async () => {
      const pages: string[][] = [];
      let cursor: string | undefined;
      do {
        const result = await call({ query: { category: 'router-paging', limit: '2', ...(cursor && { cursor }) } });
        expect(result.statusCode).toBe(200);
        const page = body<{ items: Product[]; nextCursor?: string }>(result);
        pages.push(page.items.map((product) => product.sku));
        cursor = page.nextCursor;
      } while (cursor !== undefined && pages.length < 10);

      expect(pages).toEqual([['RT-LIST-1', 'RT-LIST-2'], ['RT-LIST-3', 'RT-LIST-4'], ['RT-LIST-5']]);
    });

    it('answers 400 to a tampered cursor', async () => {
      const first = body<{ nextCursor: string }>(await call({ query: { category: 'router-paging', limit: '2' } }));
      const otherCategory = await call({ query: { category: 'other', limit: '2', cursor: first.nextCursor } });
      const garbage = await call({ query: { category: 'router-paging', cursor: 'eyJwayI6MX0' } });

      expect(otherCategory.statusCode).toBe(400);
      expect(garbage.statusCode).toBe(400);
    });
  });
});
