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
    const create = { 'If-None-Match': '*' };

    it('creates the stock of a new sku with If-None-Match: *: 201 with the stock at version 1', async () => {
      const { call, inventory, metrics } = setup();

      const result = await call({
        method: 'PUT',
        path: '/MUG-001',
        body: { available: 10 },
        claims: adminClaims(),
        headers: { ...create, 'x-correlation-id': 'corr-admin-1' },
      });

      expect(result.statusCode).toBe(201);
      expect(result.headers?.etag).toBe('"1"');
      expect(json(result)).toEqual({ sku: 'MUG-001', available: 10, reserved: 0, version: 1, updatedAt: NOW });
      expect(inventory.writtenBy.get('STOCK#MUG-001')).toBe('corr-admin-1');
      expect(metrics).toEqual(['StockCreated']);
    });

    it('answers 412 to a create when the sku has stock, and keeps it', async () => {
      const { call, inventory } = setup([stockLevel({ available: 4, version: 3 })]);

      const result = await call({ method: 'PUT', path: '/MUG-001', body: { available: 10 }, claims: adminClaims(), headers: create });

      expect(result.statusCode).toBe(412);
      expect(result.headers?.['content-type']).toBe('application/problem+json');
      expect(inventory.stock.get('MUG-001')).toEqual(stockLevel({ available: 4, version: 3 }));
    });

    it('updates with If-Match at the current version: 200, what is reserved kept, the next ETag', async () => {
      const { call, metrics } = setup([stockLevel({ available: 1, reserved: 3, version: 2 })]);

      const result = await call({
        method: 'PUT',
        path: '/MUG-001',
        body: { available: 0 },
        claims: adminClaims(),
        headers: { 'If-Match': '"2"' },
      });

      expect(result.statusCode).toBe(200);
      expect(result.headers?.etag).toBe('"3"');
      expect(json(result)).toMatchObject({ available: 0, reserved: 3, version: 3 });
      expect(metrics).toEqual(['StockSet']);
    });

    it('answers 412 to a stale If-Match and 404 to one for a sku without stock, writing nothing', async () => {
      const { call, inventory } = setup([stockLevel({ version: 2 })]);

      const stale = await call({
        method: 'PUT',
        path: '/MUG-001',
        body: { available: 1 },
        claims: adminClaims(),
        headers: { 'If-Match': '"1"' },
      });
      const unknown = await call({
        method: 'PUT',
        path: '/TEA-001',
        body: { available: 1 },
        claims: adminClaims(),
        headers: { 'If-Match': '"1"' },
      });

      expect([stale.statusCode, unknown.statusCode]).toEqual([412, 404]);
      expect([...inventory.stock.values()]).toEqual([stockLevel({ version: 2 })]);
    });

    it('answers 428 problem+json to a write without If-Match or If-None-Match, writing nothing', async () => {
      const { call, inventory } = setup([stockLevel({ version: 2 })]);

      const update = await call({ method: 'PUT', path: '/MUG-001', body: { available: 1 }, ...admin });
      const creation = await call({ method: 'PUT', path: '/TEA-001', body: { available: 1 }, ...admin });

      expect([update.statusCode, creation.statusCode]).toEqual([428, 428]);
      expect(update.headers?.['content-type']).toBe('application/problem+json');
      expect(json(update)).toMatchObject({ type: 'urn:shop:problem:precondition-required', detail: expect.stringContaining('If-Match') });
      expect([...inventory.stock.values()]).toEqual([stockLevel({ version: 2 })]);
    });

    it.each([
      [{ 'If-None-Match': '"3"' }, ['If-None-Match']],
      [{ 'If-None-Match': 'W/"1"' }, ['If-None-Match']],
      [{ 'If-Match': '*' }, ['If-Match']],
      [{ 'If-Match': '"1", "2"' }, ['If-Match']],
      [{ 'If-Match': '"0"' }, ['If-Match']],
      [{ 'If-Match': '"1"', 'If-None-Match': '*' }, ['If-None-Match']],
    ])('answers 400 to the preconditions %j naming them, writing nothing', async (headers, expected) => {
      const { call, inventory } = setup([stockLevel()]);
      const result = await call({ method: 'PUT', path: '/MUG-001', body: { available: 1 }, claims: adminClaims(), headers });
      expect(result.statusCode).toBe(400);
      expect(fields(result)).toEqual(expected);
      expect(inventory.stock.get('MUG-001')).toEqual(stockLevel());
    });

    it.each([
      [{ available: -1 }, ['available']],
      [{ available: 1.5 }, ['available']],
      [{ available: '5' }, ['available']],
      [{}, ['available']],
      [{ available: 5, reserved: 0 }, ['reserved']],
    ])('answers 400 to %j naming the fields, writing nothing', async (body, expected) => {
      const { call, inventory } = setup();
      const result = await call({ method: 'PUT', path: '/MUG-001', body, claims: adminClaims(), headers: create });
      expect(result.statusCode).toBe(400);
      expect(fields(result)).toEqual(expected);
      expect(inventory.stock.size).toBe(0);
    });

    it('names a bad sku, a bad If-Match and a bad body at once', async () => {
      const { call } = setup();
      const result = await call({
        method: 'PUT',
        path: '/bad_sku',
        body: { available: -1 },
        claims: adminClaims(),
        headers: { 'If-Match': 'W/"x"' },
      });
      expect(fields(result)).toEqual(['sku', 'If-Match', 'available']);
    });

    it('answers 400 to malformed JSON', async () => {
      const { call } = setup();
      const result = await call({ method: 'PUT', path: '/MUG-001', body: '{"available": ', claims: adminClaims(), headers: create });
      expect(result.statusCode).toBe(400);
      expect(fields(result)).toEqual(['body']);
    });

    it('is for administrators only', async () => {
      const { call, inventory } = setup();
      expect((await call({ method: 'PUT', path: '/MUG-001', body: { available: 1 }, headers: create })).statusCode).toBe(401);
      expect(
        (await call({ method: 'PUT', path: '/MUG-001', body: { available: 1 }, claims: customerClaims(), headers: create })).statusCode,
      ).toBe(403);
      expect(inventory.stock.size).toBe(0);
    });
  });

  describe('POST /{sku}/adjustments', () => {
    // `null`: no Idempotency-Key header at all.
    const adjust = (body: unknown, idempotencyKey: string | null = 'po-1234', extra: Partial<ApiRequest> = {}) => ({
      method: 'POST',
      path: '/MUG-001/adjustments',
      body,
      claims: adminClaims(),
      headers: { 'x-correlation-id': 'corr-adj-1', ...(idempotencyKey === null ? {} : { 'Idempotency-Key': idempotencyKey }) },
      ...extra,
    });
    const received = { delta: 5, reason: 'received PO-1234' };

    it('applies the delta: 201 with the stock (ETag) and the adjustment', async () => {
      const { call, inventory, metrics } = setup([stockLevel({ available: 3, reserved: 2, version: 4 })]);

      const result = await call(adjust(received));

      expect(result.statusCode).toBe(201);
      expect(result.headers?.etag).toBe('"5"');
      expect(result.headers?.['idempotent-replayed']).toBeUndefined();
      expect(json(result)).toEqual({
        stock: { sku: 'MUG-001', available: 8, reserved: 2, version: 5, updatedAt: NOW },
        adjustment: { sku: 'MUG-001', idempotencyKey: 'po-1234', delta: 5, reason: 'received PO-1234', adjustedAt: NOW },
      });
      expect(inventory.writtenBy.get('STOCK#MUG-001')).toBe('corr-adj-1');
      expect(metrics).toEqual(['StockAdjusted']);
    });

    it('answers the same key and body again with 200, Idempotent-Replayed and the first adjustment, applying nothing', async () => {
      const { call, inventory, metrics } = setup([stockLevel({ available: 3 })]);
      const first = await call(adjust(received));

      const again = await call(adjust(received));

      expect(again.statusCode).toBe(200);
      expect(again.headers?.['idempotent-replayed']).toBe('true');
      expect(json(again)).toEqual(json(first));
      expect(inventory.stock.get('MUG-001')?.available).toBe(8);
      expect(metrics).toEqual(['StockAdjusted', 'StockAdjustmentReplayed']);
    });

    it('answers the same key with another body with 422 naming the key, applying nothing', async () => {
      const { call, inventory } = setup([stockLevel({ available: 3 })]);
      await call(adjust(received));

      const reused = await call(adjust({ delta: 50, reason: 'received PO-1234' }));

      expect(reused.statusCode).toBe(422);
      expect(fields(reused)).toEqual(['Idempotency-Key']);
      expect(inventory.stock.get('MUG-001')?.available).toBe(8);
    });

    it('answers 409 problem+json when available would go below 0, writing nothing', async () => {
      const { call, inventory } = setup([stockLevel({ available: 2, reserved: 5, version: 7 })]);

      const result = await call(adjust({ delta: -3, reason: 'write-off' }));

      expect(result.statusCode).toBe(409);
      expect(json(result)).toMatchObject({ type: 'urn:shop:problem:conflict', detail: expect.stringContaining('only 2 are available') });
      expect(inventory.stock.get('MUG-001')).toEqual(stockLevel({ available: 2, reserved: 5, version: 7 }));
      expect(inventory.adjustments.size).toBe(0);
    });

    it('answers 404 for a sku without stock', async () => {
      const { call, inventory } = setup();
      expect((await call(adjust(received))).statusCode).toBe(404);
      expect(inventory.adjustments.size).toBe(0);
    });

    it.each([
      ['no Idempotency-Key', received, null, ['Idempotency-Key']],
      ['a malformed Idempotency-Key', received, 'not a key!', ['Idempotency-Key']],
      ['a too long Idempotency-Key', received, 'k'.repeat(129), ['Idempotency-Key']],
      ['a delta of 0', { delta: 0, reason: 'nothing' }, 'k1', ['delta']],
      ['a fractional delta', { delta: 0.5, reason: 'half' }, 'k1', ['delta']],
      ['a delta as text', { delta: '5', reason: 'text' }, 'k1', ['delta']],
      ['no reason', { delta: 1 }, 'k1', ['reason']],
      ['an unknown field', { ...received, available: 10 }, 'k1', ['available']],
      ['everything wrong at once', { delta: 0, reason: '' }, '', ['Idempotency-Key', 'delta', 'reason']],
    ])('answers 400 to %s naming the fields, writing nothing', async (_label, body, key, expected) => {
      const { call, inventory } = setup([stockLevel()]);
      const result = await call(adjust(body, key));
      expect(result.statusCode).toBe(400);
      expect(fields(result)).toEqual(expected);
      expect(inventory.stock.get('MUG-001')).toEqual(stockLevel());
    });

    it('answers 400 to malformed JSON and to a bad sku', async () => {
      const { call } = setup([stockLevel()]);
      expect(fields(await call(adjust('{"delta": 1,')))).toEqual(['body']);
      expect(fields(await call(adjust(received, 'k1', { path: '/bad_sku/adjustments' })))).toEqual(['sku']);
    });

    it('is for administrators only', async () => {
      const { call, inventory } = setup([stockLevel()]);
      expect((await call(adjust(received, 'k1', { claims: undefined }))).statusCode).toBe(401);
      expect((await call(adjust(received, 'k1', { claims: customerClaims() }))).statusCode).toBe(403);
      expect(inventory.stock.get('MUG-001')).toEqual(stockLevel());
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
    expect((await call({ method: 'GET', path: '/MUG-001/adjustments', ...admin })).statusCode).toBe(404);
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
