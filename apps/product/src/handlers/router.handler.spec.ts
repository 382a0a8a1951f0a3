import './testing/lambda-env';
import { adminClaims, apiGatewayProxyEvent, customerClaims, fakeLambdaContext, withoutEnv, type ApiRequest } from '@shop/testing';
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { Product } from '../domain/product';
import { fixedClock, InMemoryProductRepository } from '../domain/testing/in-memory-product.repository';
import { mugInput, mugProduct } from '../domain/testing/product-fixtures';
import { createProductApi, handler } from './router.handler';

const NOW = '2025-03-01T10:00:00.000Z';

const setup = (seed: Product[] = []) => {
  const products = new InMemoryProductRepository(seed);
  const metrics: string[] = [];
  const logger = { debug: jest.fn(), error: jest.fn() };
  const api = createProductApi({
    products,
    clock: fixedClock(NOW),
    logger,
    metrics: { addMetric: (name: string) => void metrics.push(name) },
  });
  const call = (request: ApiRequest) => api(apiGatewayProxyEvent(request), fakeLambdaContext());
  return { products, metrics, logger, call };
};

const json = (result: APIGatewayProxyResult) => JSON.parse(result.body) as unknown;
const fields = (result: APIGatewayProxyResult) => (json(result) as { errors: { field: string }[] }).errors.map((issue) => issue.field);

const admin = { claims: adminClaims(), headers: { 'x-correlation-id': 'corr-admin-1' } };

describe('product API', () => {
  describe('GET / (list a category)', () => {
    const mugs = ['MUG-003', 'MUG-001', 'MUG-002'].map((sku) => mugProduct({ sku }));
    const tea = mugProduct({ sku: 'TEA-001', category: 'tea' });

    it('returns a page of the category in sku order and a cursor that reaches the rest', async () => {
      const { call } = setup([...mugs, tea]);

      const first = await call({ query: { category: 'mugs', limit: '2' } });
      expect(first.statusCode).toBe(200);
      const page = json(first) as { items: Product[]; nextCursor: string };
      expect(page.items.map((product) => product.sku)).toEqual(['MUG-001', 'MUG-002']);

      const second = await call({ query: { category: 'mugs', limit: '2', cursor: page.nextCursor } });
      expect(json(second)).toEqual({ items: [mugProduct({ sku: 'MUG-003' })] });
    });

    it('returns 20 items by default', async () => {
      const many = Array.from({ length: 25 }, (_, i) => mugProduct({ sku: `MUG-${String(i).padStart(3, '0')}` }));
      const { call } = setup(many);

      const page = json(await call({ query: { category: 'mugs' } })) as { items: Product[]; nextCursor?: string };
      expect(page.items).toHaveLength(20);
      expect(page.nextCursor).toEqual(expect.any(String));
    });

    it('requires the category (a Query on the category index, never a Scan)', async () => {
      const { call } = setup(mugs);
      const result = await call({});
      expect(result.statusCode).toBe(400);
      expect(json(result)).toEqual({
        type: 'urn:shop:problem:validation-error',
        title: 'The request is not valid.',
        status: 400,
        detail: 'The query parameters are not valid.',
        instance: '/products',
        correlationId: 'req-0001',
        errors: [{ field: 'category', message: 'Required.' }],
      });
    });

    it.each(['0', '101', '1.5', 'many'])('rejects limit=%s naming the field', async (limit) => {
      const { call } = setup(mugs);
      const result = await call({ query: { category: 'mugs', limit } });
      expect(result.statusCode).toBe(400);
      expect(fields(result)).toEqual(['limit']);
    });

    it('rejects a cursor it did not issue', async () => {
      const { call } = setup(mugs);
      const result = await call({ query: { category: 'mugs', cursor: 'forged' } });
      expect(result.statusCode).toBe(400);
      expect(fields(result)).toEqual(['cursor']);
    });
  });

  describe('GET /{sku}', () => {
    it('returns the product with its version as ETag', async () => {
      const { call } = setup([mugProduct({ version: 4 })]);
      const result = await call({ path: '/MUG-001' });
      expect(result.statusCode).toBe(200);
      expect(result.headers?.etag).toBe('"4"');
      expect(json(result)).toEqual(mugProduct({ version: 4 }));
    });

    it('answers 404 for an unknown sku', async () => {
      const { call } = setup();
      const result = await call({ path: '/NOPE-001' });
      expect(result.statusCode).toBe(404);
      expect(json(result)).toEqual({
        type: 'urn:shop:problem:not-found',
        title: 'Not found.',
        status: 404,
        detail: 'Product NOPE-001 does not exist.',
        instance: '/products/NOPE-001',
        correlationId: 'req-0001',
      });
    });

    it('answers 400 for a malformed sku', async () => {
      const { call } = setup();
      const result = await call({ path: '/not_a_sku' });
      expect(result.statusCode).toBe(400);
      expect(fields(result)).toEqual(['sku']);
    });

    it('works on the raw execute-api URL too (no base path)', async () => {
      const { call } = setup([mugProduct()]);
      expect((await call({ path: '/MUG-001', basePath: undefined })).statusCode).toBe(200);
    });
  });

  describe('POST / (create)', () => {
    it('creates the product at version 1: 201 with Location, ETag and the product', async () => {
      const { call, products, metrics } = setup();

      const result = await call({ method: 'POST', body: mugInput(), ...admin });

      const created = { ...mugInput(), version: 1, createdAt: NOW, updatedAt: NOW };
      expect(result.statusCode).toBe(201);
      expect(result.headers?.location).toBe('/products/MUG-001');
      expect(result.headers?.etag).toBe('"1"');
      expect(result.headers?.['x-correlation-id']).toBe('corr-admin-1');
      expect(json(result)).toEqual(created);
      expect(products.items.get('MUG-001')).toEqual({ product: created, correlationId: 'corr-admin-1' });
      expect(metrics).toEqual(['ProductCreated']);
    });

    it('gives a Location on the raw execute-api URL under the stage', async () => {
      const { call } = setup();
      const result = await call({ method: 'POST', body: mugInput(), basePath: undefined, ...admin });
      expect(result.headers?.location).toBe('/dev/MUG-001');
    });

    it('names every bad field and writes nothing', async () => {
      const { call, products } = setup();

      const result = await call({
        method: 'POST',
        body: {
          sku: 'bad sku',
          name: 'x'.repeat(121),
          description: 'd'.repeat(2001),
          category: 'Not A Slug',
          price: { amount: -1, currency: 'XXX' },
          colour: 'red',
        },
        ...admin,
      });

      expect(result.statusCode).toBe(400);
      expect(json(result)).toEqual({
        type: 'urn:shop:problem:validation-error',
        title: 'The request is not valid.',
        status: 400,
        detail: 'The request body is not valid.',
        instance: '/products',
        correlationId: 'corr-admin-1',
        errors: [
          { field: 'sku', message: 'SKU must be 3 to 40 characters of A-Z, 0-9 or "-".' },
          { field: 'name', message: 'Name must be at most 120 characters.' },
          { field: 'description', message: 'Description must be at most 2000 characters.' },
          { field: 'category', message: 'Category must be a lower-case slug (a-z, 0-9, "-").' },
          { field: 'price.amount', message: 'Amount must not be negative.' },
          { field: 'price.currency', message: 'Currency must be one of EUR, USD, GBP.' },
          { field: 'colour', message: 'Unknown field.' },
        ],
      });
      expect(products.items.size).toBe(0);
    });

    it('rejects a fractional amount', async () => {
      const { call } = setup();
      const result = await call({ method: 'POST', body: mugInput({ price: { amount: 12.5, currency: 'EUR' } }), ...admin });
      expect(result.statusCode).toBe(400);
      expect(fields(result)).toEqual(['price.amount']);
    });

    it('names each missing field', async () => {
      const { call } = setup();
      const result = await call({ method: 'POST', body: { sku: 'MUG-001' }, ...admin });
      expect((json(result) as { errors: unknown }).errors).toEqual([
        { field: 'name', message: 'Required.' },
        { field: 'description', message: 'Required.' },
        { field: 'category', message: 'Required.' },
        { field: 'price', message: 'Required.' },
      ]);
    });

    it('answers 400 to malformed JSON and writes nothing', async () => {
      const { call, products } = setup();
      const result = await call({ method: 'POST', body: '{"sku": "MUG-001",', ...admin });
      expect(result.statusCode).toBe(400);
      expect((json(result) as { errors: unknown }).errors).toEqual([{ field: 'body', message: 'The body must be valid JSON.' }]);
      expect(products.items.size).toBe(0);
    });

    it('answers 409 to a duplicate sku and keeps the original', async () => {
      const original = mugProduct({ name: 'Original' });
      const { call, products } = setup([original]);
      const result = await call({ method: 'POST', body: mugInput(), ...admin });
      expect(result.statusCode).toBe(409);
      expect((json(result) as { detail: string }).detail).toBe('Product MUG-001 already exists.');
      expect(products.items.get('MUG-001')?.product).toEqual(original);
    });

    it('answers 401 without a caller and 403 to a non-admin, writing nothing', async () => {
      const { call, products } = setup();
      expect((await call({ method: 'POST', body: mugInput() })).statusCode).toBe(401);
      expect((await call({ method: 'POST', body: mugInput(), claims: customerClaims() })).statusCode).toBe(403);
      expect(products.items.size).toBe(0);
    });
  });

  describe('PUT /{sku} (update)', () => {
    const changes = { name: 'Big mug', description: 'Bigger.', category: 'mugs', price: { amount: 1599, currency: 'EUR' } };

    it('replaces the product when If-Match is its version: 200, version bumped, new ETag', async () => {
      const { call, products, metrics } = setup([mugProduct()]);

      const result = await call({
        method: 'PUT',
        path: '/MUG-001',
        body: changes,
        claims: adminClaims(),
        headers: { 'If-Match': '"1"', 'x-correlation-id': 'corr-put' },
      });

      const updated = { ...mugProduct(), ...changes, version: 2, updatedAt: NOW };
      expect(result.statusCode).toBe(200);
      expect(result.headers?.etag).toBe('"2"');
      expect(json(result)).toEqual(updated);
      expect(products.items.get('MUG-001')).toEqual({ product: updated, correlationId: 'corr-put' });
      expect(metrics).toEqual(['ProductUpdated']);
    });

    it('answers 412 to a stale If-Match and changes nothing', async () => {
      const current = mugProduct({ version: 2 });
      const { call, products } = setup([current]);
      const result = await call({ method: 'PUT', path: '/MUG-001', body: changes, claims: adminClaims(), headers: { 'If-Match': '"1"' } });
      expect(result.statusCode).toBe(412);
      expect(products.items.get('MUG-001')?.product).toEqual(current);
    });

    it('answers 428 without If-Match', async () => {
      const { call } = setup([mugProduct()]);
      const result = await call({ method: 'PUT', path: '/MUG-001', body: changes, claims: adminClaims() });
      expect(result.statusCode).toBe(428);
      expect((json(result) as { type: string }).type).toBe('urn:shop:problem:precondition-required');
    });

    it('names a malformed If-Match together with every bad body field', async () => {
      const { call } = setup([mugProduct()]);
      const result = await call({
        method: 'PUT',
        path: '/MUG-001',
        body: { ...changes, price: { amount: -5, currency: 'EUR' }, sku: 'MUG-002' },
        claims: adminClaims(),
        headers: { 'If-Match': '*' },
      });
      expect(result.statusCode).toBe(400);
      expect(fields(result)).toEqual(['If-Match', 'price.amount', 'sku']);
    });

    it('answers 404 for an unknown sku', async () => {
      const { call } = setup();
      const result = await call({ method: 'PUT', path: '/NOPE-001', body: changes, claims: adminClaims(), headers: { 'If-Match': '1' } });
      expect(result.statusCode).toBe(404);
    });

    it('answers 403 to a non-admin', async () => {
      const { call } = setup([mugProduct()]);
      const result = await call({ method: 'PUT', path: '/MUG-001', body: changes, claims: customerClaims(), headers: { 'If-Match': '1' } });
      expect(result.statusCode).toBe(403);
    });
  });

  describe('DELETE /{sku}', () => {
    it('deletes the product: 204 with no body', async () => {
      const { call, products, metrics } = setup([mugProduct()]);
      const result = await call({ method: 'DELETE', path: '/MUG-001', claims: adminClaims() });
      expect(result.statusCode).toBe(204);
      expect(result.body).toBe('');
      expect(products.items.has('MUG-001')).toBe(false);
      expect(metrics).toEqual(['ProductDeleted']);
    });

    it('answers 404 for an unknown sku', async () => {
      const { call } = setup();
      expect((await call({ method: 'DELETE', path: '/NOPE-001', claims: adminClaims() })).statusCode).toBe(404);
    });

    it('answers 401 without a caller and keeps the product', async () => {
      const { call, products } = setup([mugProduct()]);
      expect((await call({ method: 'DELETE', path: '/MUG-001' })).statusCode).toBe(401);
      expect(products.items.has('MUG-001')).toBe(true);
    });
  });

  it('answers an unexpected failure with a generic 500 and logs the cause', async () => {
    const { call, products, logger } = setup();
    const failure = new Error('ProvisionedThroughputExceededException: table product-dev');
    products.get = async () => {
      throw failure;
    };

    const result = await call({ path: '/MUG-001' });

    expect(result.statusCode).toBe(500);
    expect(json(result)).toEqual({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      detail: 'An unexpected error occurred.',
      instance: '/products/MUG-001',
      correlationId: 'req-0001',
    });
    expect(logger.error).toHaveBeenCalledWith('Request failed unexpectedly', failure);
  });

  it('answers 404 to a route that does not exist', async () => {
    const { call } = setup();
    expect((await call({ path: '/MUG-001/reviews' })).statusCode).toBe(404);
  });
});

describe('handler', () => {
  it('is the product API wrapped with observability, echoing the correlation id', async () => {
    const result = await handler(
      apiGatewayProxyEvent({ headers: { 'x-correlation-id': 'corr-h-1' } }),
      fakeLambdaContext({ functionName: 'product-router' }),
    );
    expect(result.statusCode).toBe(400);
    expect(result.headers?.['x-correlation-id']).toBe('corr-h-1');
    expect(fields(result)).toEqual(['category']);
  });

  it('fails at cold start, with a named error, when TABLE_NAME is missing', () => {
    withoutEnv('TABLE_NAME', () =>
      jest.isolateModules(() => {
        expect(() => require('./router.handler')).toThrow('Environment variable TABLE_NAME is required but not set.');
      }),
    );
  });
});
