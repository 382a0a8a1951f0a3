import './testing/lambda-env';
import { adminClaims, apiGatewayProxyEvent, customerClaims, fakeLambdaContext, withoutEnv, type ApiRequest } from '@shop/testing';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { fixedClock, InMemoryInventory } from '../domain/testing/in-memory-inventory';
import { stockLevel } from '../domain/testing/inventory-fixtures';
import type { StockLevel } from '../domain/stock';
import { createInventoryApi, handler } from './router.handler';

const NOW = '2025-03-01T10:00:00.000Z';

const setup = (seed: StockLevel[] = []) => {
  const inventory = new InMemoryInventory(seed);
  const metrics: string[] = [];
  const logger = { debug: jest.fn(), error: jest.fn() };
  const api = createInventoryApi({
    stock: inventory.stockRepository,
    clock: fixedClock(NOW),
    logger,
    metrics: { addMetric: (name: string) => void metrics.push(name) },
  });
  const call = (request: ApiRequest) => api(apiGatewayProxyEvent({ basePath: '/inventory', ...request }), fakeLambdaContext());
  return { inventory, metrics, logger, call };
};

const json = (result: APIGatewayProxyResult) => JSON.parse(result.body) as Record<string, unknown>;
const fields = (result: APIGatewayProxyResult) => (json(result).errors as { field: string }[]).map((issue) => issue.field);
const admin = { claims: adminClaims(), headers: { 'x-correlation-id': 'corr-admin-1' } };

describe('inventory API', () => {
  describe('GET /{sku}', () => {
    it('returns the stock with its version as ETag', async () => {
      const { call } = setup([stockLevel({ available: 4, reserved: 6, version: 7 })]);

      const result = await call({ path: '/MUG-001', ...admin });

      expect(result.statusCode).toBe(200);
      expect(result.headers?.etag).toBe('"7"');
      expect(json(result)).toEqual({ sku: 'MUG-001', available: 4, reserved: 6, version: 7, updatedAt: '2025-01-01T00:00:00.000Z' });
    });

    it('answers 404 for a sku without stock', async () => {
      const { call } = setup();
      const result = await call({ path: '/NOPE-001', ...admin });
      expect(result.statusCode).toBe(404);
      expect(json(result)).toMatchObject({ detail: 'No stock is recorded for NOPE-001.', instance: '/inventory/NOPE-001' });
    });

    it('answers 400 naming the sku when it is malformed', async () => {
      const { call } = setup();
      const result = await call({ path: '/not_a_sku', ...admin });
      expect(result.statusCode).toBe(400);
      expect(fields(result)).toEqual(['sku']);
    });

    it('is for administrators only: 401 without a caller, 403 for a customer', async () => {
      const { call } = setup([stockLevel()]);
      expect((await call({ path: '/MUG-001' })).statusCode).toBe(401);
      expect((await call({ path: '/MUG-001', claims: customerClaims() })).statusCode).toBe(403);
    });
  });

  describe('PUT /{sku}', () => {
    it('records the stock of a new sku: 200 with the stock at version 1', async () => {
      const { call, inventory, metrics } = setup();

      const result = await call({ method: 'PUT', path: '/MUG-001', body: { available: 10 }, ...admin });

      expect(result.statusCode).toBe(200);
      expect(result.headers?.etag).toBe('"1"');
      expect(json(result)).toEqual({ sku: 'MUG-001', available: 10, reserved: 0, version: 1, updatedAt: NOW });
      expect(inventory.writtenBy.get('STOCK#MUG-001')).toBe('corr-admin-1');
      expect(metrics).toEqual(['StockSet']);
    });

    it('replaces the available units and keeps what is reserved', async () => {
      const { call } = setup([stockLevel({ available: 1, reserved: 3, version: 2 })]);

      const result = await call({ method: 'PUT', path: '/MUG-001', body: { available: 0 }, ...admin });

      expect(json(result)).toMatchObject({ available: 0, reserved: 3, version: 3 });
    });

    it('honours If-Match: 200 at the current version, 412 when stale', async () => {
      const { call, inventory } = setup([stockLevel({ version: 2 })]);

      const stale = await call({ method: 'PUT', path: '/MUG-001', body: { available: 1 }, claims: adminClaims(), headers: { 'If-Match': '"1"' } });
      expect(stale.statusCode).toBe(412);
      expect(inventory.stock.get('MUG-001')).toEqual(stockLevel({ version: 2 }));

      const fresh = await call({ method: 'PUT', path: '/MUG-001', body: { available: 1 }, claims: adminClaims(), headers: { 'If-Match': '"2"' } });
      expect(fresh.statusCode).toBe(200);
      expect(fresh.headers?.etag).toBe('"3"');
    });

    it.each([
      [{ available: -1 }, ['available']],
      [{ available: 1.5 }, ['available']],
      [{ available: '5' }, ['available']],
      [{}, ['available']],
      [{ available: 5, reserved: 0 }, ['reserved']],
    ])('answers 400 to %j naming the fields, writing nothing', async (body, expected) => {
      const { call, inventory } = setup();
      const result = await call({ method: 'PUT', path: '/MUG-001', body, ...admin });
      expect(result.statusCode).toBe(400);
      expect(fields(result)).toEqual(expected);
      expect(inventory.stock.size).toBe(0);
    });

    it('names a bad sku, a bad If-Match and a bad body at once', async () => {
      const { call } = setup();
      const result = await call({ method: 'PUT', path: '/bad_sku', body: { available: -1 }, claims: adminClaims(), headers: { 'If-Match': 'W/"x"' } });
      expect(fields(result)).toEqual(['sku', 'If-Match', 'available']);
    });

    it('answers 400 to malformed JSON', async () => {
      const { call } = setup();
      const result = await call({ method: 'PUT', path: '/MUG-001', body: '{"available": ', ...admin });
      expect(result.statusCode).toBe(400);
      expect(fields(result)).toEqual(['body']);
    });

    it('is for administrators only', async () => {
      const { call, inventory } = setup();
      expect((await call({ method: 'PUT', path: '/MUG-001', body: { available: 1 } })).statusCode).toBe(401);
      expect((await call({ method: 'PUT', path: '/MUG-001', body: { available: 1 }, claims: customerClaims() })).statusCode).toBe(403);
      expect(inventory.stock.size).toBe(0);
    });
  });

  it('answers an unexpected failure with a generic 500 and logs the cause', async () => {
    const { call, inventory, logger } = setup();
    const failure = new Error('ProvisionedThroughputExceededException');
    inventory.stockRepository.get = async () => {
      throw failure;
    };

    const result = await call({ path: '/MUG-001', ...admin });

    expect(result.statusCode).toBe(500);
    expect(json(result)).toMatchObject({ detail: 'An unexpected error occurred.' });
    expect(logger.error).toHaveBeenCalledWith('Request failed unexpectedly', failure);
  });

  it('answers 404 to a route that does not exist', async () => {
    const { call } = setup();
    expect((await call({ path: '/', ...admin })).statusCode).toBe(404);
    expect((await call({ path: '/MUG-001/history', ...admin })).statusCode).toBe(404);
  });
});

describe('handler', () => {
  it('is the inventory API wrapped with observability, echoing the correlation id', async () => {
    const result = await handler(
      apiGatewayProxyEvent({ path: '/bad_sku', claims: adminClaims(), headers: { 'x-correlation-id': 'corr-h-1' } }),
      fakeLambdaContext({ functionName: 'inventory-router' }),
    );
    expect(result.statusCode).toBe(400);
    expect(result.headers?.['x-correlation-id']).toBe('corr-h-1');
  });

  it('fails at cold start, with a named error, when TABLE_NAME is missing', () => {
    withoutEnv('TABLE_NAME', () =>
      jest.isolateModules(() => {
        expect(() => require('./router.handler')).toThrow('Environment variable TABLE_NAME is required but not set.');
      }),
    );
  });
});
