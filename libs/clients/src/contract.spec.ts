import { ContractViolation, createShopClients, contractMiddleware, shopContract, type Product } from './index';

const product: Product = {
  sku: 'MUG-001',
  name: 'Mug',
  description: 'A mug.',
  category: 'mugs',
  price: { amount: 1200, currency: 'EUR' },
  version: 3,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-02T00:00:00.000Z',
};

const json = (status: number, body: unknown, headers: Record<string, string> = {}, type = 'application/json') => ({
  status,
  headers: new Headers({ 'content-type': type, 'x-correlation-id': 'c-1', ...headers }),
  body: JSON.stringify(body),
});

const problem = (status: number, extra: Record<string, unknown> = {}) =>
  json(status, { type: 'about:blank', title: 'Not found.', status, ...extra }, {}, 'application/problem+json');

describe('the contract checks', () => {
  const contract = shopContract();
  const violation = (check: () => void): ContractViolation => {
    try {
      check();
    } catch (error) {
      if (error instanceof ContractViolation) return error;
      throw error;
    }
    throw new Error('no violation');
  };

  it('accept a documented answer: status, headers and body', () => {
    expect(() => contract.check({ method: 'GET', path: '/products/MUG-001', ...json(200, product, { etag: '"3"' }) })).not.toThrow();
    expect(() => contract.check({ method: 'GET', path: '/products/MUG-001', ...problem(404) })).not.toThrow();
    expect(() =>
      contract.check({
        method: 'DELETE',
        path: '/products/MUG-001',
        status: 204,
        headers: new Headers({ 'x-correlation-id': 'c' }),
        body: '',
      }),
    ).not.toThrow();
  });

  it('reject an undocumented status, naming route and status', () => {
    const error = violation(() => contract.check({ method: 'GET', path: '/products/MUG-001', ...problem(409) }));
    expect(error.message).toContain('GET /products/{sku} (getProduct) answered 409');
    expect(error.message).toContain('status 409 is not documented');
  });

  it('reject an extra field, naming its path in the body', () => {
    const error = violation(() =>
      contract.check({ method: 'GET', path: '/products/MUG-001', ...json(200, { ...product, secret: 'x' }, { etag: '"3"' }) }),
    );
    expect(error.problems).toEqual(['body (root): must NOT have additional properties (secret)']);
    const nested = violation(() =>
      contract.check({
        method: 'GET',
        path: '/products/MUG-001',
        ...json(200, { ...product, price: { amount: -1, currency: 'EUR' } }, { etag: '"3"' }),
      }),
    );
    expect(nested.problems).toEqual(['body /price/amount: must be >= 0']);
  });

  it('reject a missing required header, a wrong content type and a body where none is documented', () => {
    expect(violation(() => contract.check({ method: 'GET', path: '/products/MUG-001', ...json(200, product) })).problems).toEqual([
      'header ETag is required and missing',
    ]);
    expect(
      violation(() => contract.check({ method: 'GET', path: '/products/MUG-001', ...json(404, { type: 'x', title: 't', status: 404 }) }))
        .problems,
    ).toEqual(['content type "application/json" is not documented (documented: application/problem+json)']);
    expect(
      violation(() => contract.check({ method: 'DELETE', path: '/products/MUG-001', status: 204, headers: new Headers(), body: '{}' }))
        .problems,
    ).toEqual(['header x-correlation-id is required and missing', 'a body is not documented ({})']);
  });

  it("accept API Gateway's own refusals where documented, and only refusals on an undocumented route", () => {
    expect(() => contract.check({ method: 'GET', path: '/orders/', ...json(401, { message: 'Unauthorized' }) })).not.toThrow();
    expect(() => contract.check({ method: 'GET', path: '/products/a/b/c', ...problem(404) })).not.toThrow();
    // An encoded slash splits the path as the router sees it: no route has that shape, so a 404 is a refusal.
    expect(() => contract.check({ method: 'PUT', path: '/basket/items/A%2FB', ...problem(404) })).not.toThrow();
    expect(violation(() => contract.check({ method: 'GET', path: '/products/a/b/c', ...json(200, {}) })).message).toContain(
      'a request on no documented route answered 200',
    );
  });

  it('check every answer a client receives through its middleware', async () => {
    const fetchStub = jest.fn(
      async () =>
        new Response(JSON.stringify({ ...product, extra: 1 }), {
          status: 200,
          headers: { 'content-type': 'application/json', etag: '"3"', 'x-correlation-id': 'c' },
        }),
    );
    const originalFetch = globalThis.fetch;
    globalThis.fetch = fetchStub as unknown as typeof fetch;
    try {
      const clients = createShopClients({ baseUrl: 'http://127.0.0.1:1', middleware: [contractMiddleware(contract)] });
      await expect(clients.product.GET('/products/{sku}', { params: { path: { sku: 'MUG-001' } } })).rejects.toThrow(
        /must NOT have additional properties \(extra\)/,
      );
    } finally {
      globalThis.fetch = originalFetch;
    }
  });
});
