/**
 * Who may see and change what, and what bad input gets, on the routes of basket, order,
 * inventory, payment and shipping (over HTTP against the local cloud).
 */
import { randomUUID } from 'node:crypto';
import { api } from './support/http';
import {
  address,
  checkout,
  createProduct,
  putInBasket,
  settledOrder,
  stockOf,
  uniqueCustomer,
  uniqueSku,
  waitFor,
  type Basket,
  type OrderPage,
  type StockAdjustmentResult,
  type Problem,
} from './support/shop';

const fieldsOf = (problem: Problem) => (problem.errors ?? []).map((error) => error.field);

describe('isolation between customers', () => {
  const alice = uniqueCustomer('alice');
  const bob = uniqueCustomer('bob');
  let sku: string;
  let orderId: string;

  beforeAll(async () => {
    sku = uniqueSku('OWN');
    await createProduct(sku, 1000, 10);
    await putInBasket(alice, sku, 1);
    orderId = await checkout(alice, 'tok_approve');
    expect((await settledOrder(alice, orderId)).status).toBe('CONFIRMED');
    await waitFor(
      'the shipment',
      () => api('GET', `/shipments/${orderId}`, { as: alice }),
      (answer) => answer.status === 200,
    );
    await putInBasket(alice, sku, 3);
  });

  it("does not show a customer another's order or shipment (404, as for an unknown id)", async () => {
    expect((await api('GET', `/orders/${orderId}`, { as: bob })).status).toBe(404);
    expect((await api('GET', `/shipments/${orderId}`, { as: bob })).status).toBe(404);
    expect((await api<OrderPage>('GET', '/orders', { as: bob })).body.items).toEqual([]);
    expect((await api('GET', `/orders/${orderId}`, { as: alice })).status).toBe(200);
  });

  it("keeps each customer's basket to themselves", async () => {
    expect((await api<Basket>('GET', '/basket', { as: bob })).body.lines).toEqual([]);
    expect((await api<Basket>('DELETE', `/basket/items/${sku}`, { as: bob })).status).toBe(200);
    const own = await api<Basket>('GET', '/basket', { as: alice });
    expect(own.body.lines.map(({ sku: line, quantity }) => ({ sku: line, quantity }))).toEqual([{ sku, quantity: 3 }]);
  });

  it('refuses admin routes to a customer (403) and to no token (401)', async () => {
    const calls = [
      ['GET', `/inventory/${sku}`, undefined],
      ['PUT', `/inventory/${sku}`, { available: 1000 }],
      ['GET', `/payments/${orderId}`, undefined],
      ['POST', '/products', { sku: uniqueSku('NOPE'), name: 'x', description: 'x', category: 'x', price: { amount: 1, currency: 'EUR' } }],
    ] as const;
    for (const [method, path, body] of calls) {
      expect([method, path, (await api(method, path, { as: alice, body })).status]).toEqual([method, path, 403]);
      expect([method, path, (await api(method, path, { body })).status]).toEqual([method, path, 401]);
    }
    expect((await stockOf(sku)).available).toBe(9);
  });

  it('refuses the customer routes without a token (401)', async () => {
    for (const [method, path] of [
      ['GET', '/basket'],
      ['PUT', `/basket/items/${sku}`],
      ['POST', '/basket/checkout'],
      ['GET', '/orders'],
      ['GET', `/orders/${orderId}`],
      ['GET', `/shipments/${orderId}`],
    ] as const) {
      expect([method, path, (await api(method, path, { body: method === 'GET' ? undefined : {} })).status]).toEqual([method, path, 401]);
    }
  });
});

describe('bad input on the shop routes', () => {
  const carol = uniqueCustomer('carol');
  let sku: string;

  beforeAll(async () => {
    sku = uniqueSku('INPUT');
    await createProduct(sku, 800, 4);
    await putInBasket(carol, sku, 2);
  });

  const basketOf = async () =>
    (await api<Basket>('GET', '/basket', { as: carol })).body.lines.map(({ sku: line, quantity }) => ({ sku: line, quantity }));

  it('refuses a bad basket line with 400 naming the field, and keeps the basket', async () => {
    for (const body of [
      { quantity: 100 },
      { quantity: -1 },
      { quantity: 1.5 },
      { quantity: '2' },
      {},
      { quantity: 1, price: { amount: 1, currency: 'EUR' } },
    ]) {
      const response = await api<Problem>('PUT', `/basket/items/${sku}`, { as: carol, body });
      expect([JSON.stringify(body), response.status]).toEqual([JSON.stringify(body), 400]);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(fieldsOf(response.body).length).toBeGreaterThan(0);
    }
    const quantity = await api<Problem>('PUT', `/basket/items/${sku}`, { as: carol, body: { quantity: 100 } });
    expect(fieldsOf(quantity.body)).toContain('quantity');
    const badSku = await api<Problem>('PUT', '/basket/items/bad%20sku', { as: carol, body: { quantity: 1 } });
    expect(badSku.status).toBe(400);
    expect(fieldsOf(badSku.body)).toContain('sku');
    const unknown = await api<Problem>('PUT', `/basket/items/${uniqueSku('UNKNOWN')}`, { as: carol, body: { quantity: 1 } });
    expect(unknown.status).toBe(422);
    expect(await basketOf()).toEqual([{ sku, quantity: 2 }]);
  });

  it('refuses a bad checkout with 400/422 naming the fields, and places no order', async () => {
    const noKey = await api<Problem>('POST', '/basket/checkout', {
      as: carol,
      body: { paymentToken: 'tok_approve', shippingAddress: address },
    });
    expect(noKey.status).toBe(400);
    expect(JSON.stringify(noKey.body)).toMatch(/idempotency-key/i);

    const bad = await api<Problem>('POST', '/basket/checkout', {
      as: carol,
      headers: { 'Idempotency-Key': randomUUID() },
      body: { paymentToken: '', shippingAddress: { ...address, city: '', country: undefined }, total: { amount: 1, currency: 'EUR' } },
    });
    expect(bad.status).toBe(400);
    expect(fieldsOf(bad.body)).toEqual(expect.arrayContaining(['paymentToken', 'shippingAddress.city', 'shippingAddress.country']));

    const malformed = await api<Problem>('POST', '/basket/checkout', {
      as: carol,
      headers: { 'Idempotency-Key': randomUUID() },
      body: '{"paymentToken":',
    });
    expect(malformed.status).toBe(400);

    const empty = uniqueCustomer('empty');
    const nothing = await api<Problem>('POST', '/basket/checkout', {
      as: empty,
      headers: { 'Idempotency-Key': randomUUID() },
      body: { paymentToken: 'tok_approve', shippingAddress: address },
    });
    expect(nothing.status).toBe(422);

    expect((await api<OrderPage>('GET', '/orders', { as: carol })).body.items).toEqual([]);
    expect((await api<OrderPage>('GET', '/orders', { as: empty })).body.items).toEqual([]);
    expect(await basketOf()).toEqual([{ sku, quantity: 2 }]);
  });

  it('refuses bad stock with 400 naming the field, and writes nothing', async () => {
    for (const body of [{ available: -1 }, { available: 1.5 }, { available: 'ten' }, {}, { available: 3, reserved: 0 }]) {
      const response = await api<Problem>('PUT', `/inventory/${sku}`, { as: 'admin', body, headers: { 'If-Match': '"1"' } });
      expect([JSON.stringify(body), response.status]).toEqual([JSON.stringify(body), 400]);
      expect(fieldsOf(response.body).length).toBeGreaterThan(0);
    }
    expect(
      fieldsOf(
        (await api<Problem>('PUT', `/inventory/${sku}`, { as: 'admin', body: { available: -1 }, headers: { 'If-Match': '"1"' } })).body,
      ),
    ).toContain('available');
    const badSku = await api<Problem>('PUT', '/inventory/bad%20sku', {
      as: 'admin',
      body: { available: 1 },
      headers: { 'If-None-Match': '*' },
    });
    expect(badSku.status).toBe(400);
    expect(fieldsOf(badSku.body)).toContain('sku');
    expect(await stockOf(sku)).toEqual(expect.objectContaining({ available: 4, reserved: 0, version: 1 }));
  });

  it('refuses a malformed order id or page with 400 naming it', async () => {
    for (const [path, as, field] of [
      ['/orders/not-a-uuid', carol, 'orderId'],
      ['/orders?limit=0', carol, 'limit'],
      ['/orders?cursor=nope', carol, 'cursor'],
      ['/shipments/not-a-uuid', carol, 'orderId'],
      ['/payments/not-a-uuid', 'admin', 'orderId'],
      ['/inventory/bad%20sku', 'admin', 'sku'],
    ] as const) {
      const response = await api<Problem>('GET', path, { as });
      expect([path, response.status]).toEqual([path, 400]);
      expect([path, fieldsOf(response.body)]).toEqual([path, expect.arrayContaining([field])]);
    }
  });
});

describe('stock writes over HTTP', () => {
  let sku: string;

  beforeAll(async () => {
    sku = uniqueSku('STOCKW');
    await createProduct(sku, 500, 5);
  });

  const put = (available: number, headers: Record<string, string> = {}) =>
    api<Problem>('PUT', `/inventory/${sku}`, { as: 'admin', body: { available }, headers });
  const adjust = (delta: number, key: string, reason = 'received') =>
    api<StockAdjustmentResult>('POST', `/inventory/${sku}/adjustments`, {
      as: 'admin',
      body: { delta, reason },
      headers: { 'Idempotency-Key': key },
    });

  it('refuses a blind PUT (428), a stale If-Match (412) and a second create (412), changing nothing', async () => {
    const blind = await put(99);
    expect(blind.status).toBe(428);
    expect(blind.headers.get('content-type')).toContain('application/problem+json');
    expect((await put(99, { 'If-Match': '"7"' })).status).toBe(412);
    expect((await put(99, { 'If-None-Match': '*' })).status).toBe(412);
    expect(await stockOf(sku)).toEqual(expect.objectContaining({ available: 5, version: 1 }));

    const updated = await put(6, { 'If-Match': '"1"' });
    expect([updated.status, updated.headers.get('etag')]).toEqual([200, '"2"']);
  });

  it('applies an adjustment once per Idempotency-Key, and never below 0 (409)', async () => {
    const key = randomUUID();
    const first = await adjust(3, key);
    const again = await adjust(3, key);
    expect([first.status, again.status, again.headers.get('idempotent-replayed')]).toEqual([201, 200, 'true']);
    expect(again.body.adjustment).toEqual(first.body.adjustment);
    expect((await adjust(4, key)).status).toBe(422);
    expect((await adjust(-10, randomUUID(), 'write-off')).status).toBe(409);
    expect((await adjust(1, 'not a key')).status).toBe(400);
    expect(await stockOf(sku)).toEqual(expect.objectContaining({ available: 9, reserved: 0, version: 3 }));
  });
});
