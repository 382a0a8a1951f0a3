/**
 * The product catalog journey, over HTTP against the local cloud (API Gateway, the Cognito
 * authorizer, the router Lambda and DynamoDB Local, as the product assembly declares them).
 */
import { api, runId, tokenFor } from './support/http';

interface Product {
  sku: string;
  name: string;
  description: string;
  category: string;
  price: { amount: number; currency: string };
  version: number;
}

interface Page {
  items: Product[];
  nextCursor?: string;
}

interface Problem {
  status: number;
  title: string;
  errors?: { field: string; message: string }[];
}

const category = `e2e-${runId.toLowerCase()}`;
const sku = (n: number) => `E2E-${runId}-${n}`;
const newProduct = (n: number, overrides: Partial<Product> = {}) => ({
  sku: sku(n),
  name: `Journey mug ${n}`,
  description: 'Made for the end-to-end journey.',
  category,
  price: { amount: 1000 + n, currency: 'EUR' },
  ...overrides,
});

describe('product catalog journey', () => {
  describe('an admin manages the catalog', () => {
    it('creates products (201 with Location and ETag)', async () => {
      for (const n of [1, 2, 3]) {
        const created = await api<Product>('POST', '/products', { as: 'admin', body: newProduct(n) });
        expect(created.status).toBe(201);
        expect(created.body).toEqual(expect.objectContaining({ ...newProduct(n), version: 1 }));
        expect(created.headers.get('etag')).toBe('"1"');
        expect(created.headers.get('location')).toBe(`/products/${sku(n)}`);
      }
    });

    it('refuses a second product with the same sku (409)', async () => {
      const duplicate = await api<Problem>('POST', '/products', { as: 'admin', body: newProduct(1) });
      expect(duplicate.status).toBe(409);
    });

    it('lists a category page by page', async () => {
      const first = await api<Page>('GET', `/products?category=${category}&limit=2`);
      expect(first.status).toBe(200);
      expect(first.body.items.map((product) => product.sku)).toEqual([sku(1), sku(2)]);
      expect(first.body.nextCursor).toEqual(expect.any(String));

      const second = await api<Page>(
        'GET',
        `/products?category=${category}&limit=2&cursor=${encodeURIComponent(first.body.nextCursor ?? '')}`,
      );
      expect(second.status).toBe(200);
      expect(second.body.items.map((product) => product.sku)).toEqual([sku(3)]);
      expect(second.body.nextCursor).toBeUndefined();
    });

    it('reads one product, publicly, with its version as ETag', async () => {
      const read = await api<Product>('GET', `/products/${sku(2)}`);
      expect(read.status).toBe(200);
      expect(read.body).toEqual(expect.objectContaining({ ...newProduct(2), version: 1 }));
      expect(read.headers.get('etag')).toBe('"1"');
    });

    it('updates with If-Match, and refuses a stale version (412)', async () => {
      const changes = {
        name: 'Journey mug 2, renamed',
        description: 'Made for the end-to-end journey.',
        category,
        price: { amount: 2500, currency: 'EUR' },
      };
      const updated = await api<Product>('PUT', `/products/${sku(2)}`, { as: 'admin', body: changes, headers: { 'If-Match': '"1"' } });
      expect(updated.status).toBe(200);
      expect(updated.body).toEqual(
        expect.objectContaining({ sku: sku(2), name: 'Journey mug 2, renamed', price: { amount: 2500, currency: 'EUR' }, version: 2 }),
      );

      const stale = await api<Problem>('PUT', `/products/${sku(2)}`, { as: 'admin', body: changes, headers: { 'If-Match': '"1"' } });
      expect(stale.status).toBe(412);
      expect((await api<Product>('GET', `/products/${sku(2)}`)).body.version).toBe(2);
    });

    it('deletes a product (204), which is then gone (404)', async () => {
      expect((await api('DELETE', `/products/${sku(3)}`, { as: 'admin' })).status).toBe(204);
      expect((await api('GET', `/products/${sku(3)}`)).status).toBe(404);
      const page = await api<Page>('GET', `/products?category=${category}`);
      expect(page.body.items.map((product) => product.sku)).toEqual([sku(1), sku(2)]);
    });
  });

  describe('what is refused', () => {
    it('answers 401 to a write without a token, as API Gateway does', async () => {
      const response = await api('POST', '/products', { body: newProduct(9) });
      expect([response.status, response.body]).toEqual([401, { message: 'Unauthorized' }]);
    });

    it('answers 401 to an expired token', async () => {
      const response = await api('POST', '/products', { body: newProduct(9), token: await tokenFor('admin', { expired: true }) });
      expect([response.status, response.body]).toEqual([401, { message: 'Unauthorized' }]);
    });

    it('answers 403 to a customer who writes', async () => {
      for (const [method, path, body] of [
        ['POST', '/products', newProduct(9)],
        ['PUT', `/products/${sku(1)}`, newProduct(1)],
        ['DELETE', `/products/${sku(1)}`, undefined],
      ] as const) {
        const response = await api<Problem>(method, path, { as: 'customer:alice', body, headers: { 'If-Match': '"1"' } });
        expect([method, response.status]).toEqual([method, 403]);
      }
      expect((await api('GET', `/products/${sku(1)}`)).status).toBe(200);
    });

    it('answers 400 naming every bad field, and writes nothing', async () => {
      const response = await api<Problem>('POST', '/products', {
        as: 'admin',
        body: { sku: 'bad sku', name: '', category, price: { amount: -5, currency: 'XXX' }, colour: 'red' },
      });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      const fields = (response.body.errors ?? []).map((error) => error.field);
      expect(fields).toEqual(expect.arrayContaining(['sku', 'name', 'description', 'price.amount', 'price.currency']));
      expect((await api<Page>('GET', `/products?category=${category}`)).body.items).toHaveLength(2);
    });

    it('answers 400 to malformed JSON', async () => {
      const response = await api<Problem>('POST', '/products', { as: 'admin', body: '{"sku": ' });
      expect(response.status).toBe(400);
    });

    it('answers 404 for an unknown product', async () => {
      const response = await api<Problem>('GET', `/products/NOPE-${runId}`);
      expect(response.status).toBe(404);
      expect(response.body.status).toBe(404);
    });
  });
});
