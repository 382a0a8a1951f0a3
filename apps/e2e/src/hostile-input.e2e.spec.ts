/**
 * Hostile input on every route: forged and tampered tokens, another customer's ids, oversized and
 * malformed bodies, unknown fields, path tricks, bad Idempotency-Keys and If-Match games. Each is
 * answered 4xx (problem+json when a service answers; API Gateway's own shape for what its
 * authorizer refuses), and nothing is written: every test reads the data back afterwards.
 */
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { request } from 'node:http';
import { api, baseUrl, checkContract, tokenFor, type ApiResponse } from './support/http';
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
  type Problem,
} from './support/shop';

const PROBLEM = 'application/problem+json';

/** Every answer the suite saw, to print one line at the end. */
const seen: { what: string; status: number }[] = [];

/** Expects a 4xx; from a service (not API Gateway's authorizer or missing route), a problem+json body. */
function refused(what: string, response: ApiResponse<unknown>, status: number, { byService = true } = {}): void {
  seen.push({ what, status: response.status });
  expect([what, response.status]).toEqual([what, status]);
  if (byService) expect([what, response.headers.get('content-type')]).toEqual([what, expect.stringContaining(PROBLEM)]);
}

const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A GET with the path sent byte for byte (no URL normalisation), answered as {@link api} answers. */
const rawGet = (path: string, token: string): Promise<ApiResponse<unknown>> =>
  new Promise((resolve, reject) => {
    const { hostname, port } = new URL(baseUrl());
    const req = request({ host: hostname, port, path, method: 'GET', headers: { authorization: `Bearer ${token}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const headers = new Headers(
          Object.entries(res.headers).flatMap(([name, value]) => (value === undefined ? [] : [[name, String(value)] as [string, string]])),
        );
        const answer = { status: res.statusCode ?? 0, headers, body: text ? (JSON.parse(text) as unknown) : undefined, text };
        try {
          checkContract('GET', path, answer);
          resolve(answer);
        } catch (error) {
          reject(error as Error);
        }
      });
    });
    req.on('error', reject);
    req.end();
  });

/** An RS256 JWT of `claims` signed with a key of the attacker's own (a well-formed token the shop never issued). */
const signWithOwnKey = (header: Record<string, unknown>, claims: Record<string, unknown>): string => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signingInput = `${encode({ ...header, alg: 'RS256' })}.${encode(claims)}`;
  return `${signingInput}.${sign('sha256', Buffer.from(signingInput), privateKey).toString('base64url')}`;
};

describe('hostile input', () => {
  const alice = uniqueCustomer('hostile-alice') as `customer:${string}`;
  const bob = uniqueCustomer('hostile-bob');
  let sku: string;
  let aliceOrder: string;
  let valid: string;
  let claims: Record<string, unknown>;

  /** What must be unchanged after every attack. */
  const snapshot = async () => ({
    stock: await stockOf(sku),
    product: (await api('GET', `/products/${sku}`)).body,
    aliceBasket: (await api<Basket>('GET', '/basket', { as: alice })).body.lines.map(({ sku: line, quantity }) => ({
      sku: line,
      quantity,
    })),
    bobBasket: (await api<Basket>('GET', '/basket', { as: bob })).body.lines,
    aliceOrders: (await api<OrderPage>('GET', '/orders', { as: alice })).body.items.map((order) => [order.orderId, order.status]),
    bobOrders: (await api<OrderPage>('GET', '/orders', { as: bob })).body.items,
  });
  let before: Awaited<ReturnType<typeof snapshot>>;

  beforeAll(async () => {
    sku = uniqueSku('HOSTILE');
    await createProduct(sku, 1500, 20);
    await putInBasket(alice, sku, 1);
    aliceOrder = await checkout(alice, 'tok_approve');
    expect((await settledOrder(alice, aliceOrder)).status).toBe('CONFIRMED');
    await waitFor(
      'the shipment',
      () => api('GET', `/shipments/${aliceOrder}`, { as: alice }),
      (answer) => answer.status === 200,
    );
    await waitFor(
      'alice basket emptied',
      () => api<Basket>('GET', '/basket', { as: alice }),
      (answer) => answer.body.lines.length === 0,
    );
    await putInBasket(alice, sku, 2);
    valid = await tokenFor(alice);
    claims = decode(valid.split('.')[1] ?? '');
    before = await snapshot();
  });

  afterAll(async () => {
    expect(await snapshot()).toEqual(before);
    const byStatus = new Map<number, number>();
    for (const { status } of seen) byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
    process.stdout.write(
      `hostile input: ${seen.length} requests, all refused (${[...byStatus]
        .sort(([a], [b]) => a - b)
        .map(([status, count]) => `${status}×${count}`)
        .join(', ')}), nothing written\n`,
    );
  });

  describe('tokens', () => {
    it('refuses a token signed with another key, even with the right claims (401)', async () => {
      const forged = signWithOwnKey(decode(valid.split('.')[0] ?? ''), { ...claims, 'cognito:groups': ['admin'] });
      refused(
        'forged admin PUT /inventory',
        await api('PUT', `/inventory/${sku}`, { token: forged, body: { available: 999 }, headers: { 'If-Match': '"1"' } }),
        401,
        { byService: false },
      );
      refused('forged admin POST /products', await api('POST', '/products', { token: forged, body: { sku: uniqueSku('FORGED') } }), 401, {
        byService: false,
      });
      refused('forged GET /basket', await api('GET', '/basket', { token: forged }), 401, { byService: false });
    });

    it('refuses alg none and a tampered payload under the real signature (401)', async () => {
      const [header, , signature] = valid.split('.');
      const none = `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ ...claims, 'cognito:groups': ['admin'] })}.`;
      const tampered = `${header}.${encode({ ...claims, 'cognito:groups': ['admin'] })}.${signature}`;
      const otherCustomer = `${header}.${encode({ ...claims, sub: 'someone-else' })}.${signature}`;
      refused('alg none GET /payments', await api('GET', `/payments/${aliceOrder}`, { token: none }), 401, { byService: false });
      refused('alg none PUT /basket', await api('PUT', `/basket/items/${sku}`, { token: none, body: { quantity: 5 } }), 401, {
        byService: false,
      });
      refused(
        'tampered admin PUT /inventory',
        await api('PUT', `/inventory/${sku}`, { token: tampered, body: { available: 0 }, headers: { 'If-Match': '"1"' } }),
        401,
        { byService: false },
      );
      refused('tampered sub GET /orders', await api('GET', '/orders', { token: otherCustomer }), 401, { byService: false });
    });

    it('refuses an expired token and a malformed Authorization header (401)', async () => {
      const expired = await tokenFor(alice, { expired: true });
      refused('expired GET /orders', await api('GET', `/orders/${aliceOrder}`, { token: expired }), 401, { byService: false });
      refused(
        'expired checkout',
        await api('POST', '/basket/checkout', {
          token: expired,
          body: { paymentToken: 'tok_approve', shippingAddress: address },
          headers: { 'Idempotency-Key': randomUUID() },
        }),
        401,
        { byService: false },
      );
      refused('garbage bearer', await api('GET', '/basket', { token: 'not.a.jwt' }), 401, { byService: false });
      refused('two-part bearer', await api('GET', '/basket', { token: valid.split('.').slice(0, 2).join('.') }), 401, { byService: false });
    });
  });

  describe("another customer's ids", () => {
    it("answers 404 for another customer's order and shipment, 403 for a customer on payments", async () => {
      refused("bob GET alice's order", await api('GET', `/orders/${aliceOrder}`, { as: bob }), 404);
      refused("bob GET alice's shipment", await api('GET', `/shipments/${aliceOrder}`, { as: bob }), 404);
      refused('alice GET her payment (admins only)', await api('GET', `/payments/${aliceOrder}`, { as: alice }), 403);
    });

    it('takes the customer from the token only: a customerId in a body is an unknown field (400)', async () => {
      const bodyCustomer = await api<Problem>('POST', '/basket/checkout', {
        as: bob,
        headers: { 'Idempotency-Key': randomUUID() },
        body: { paymentToken: 'tok_approve', shippingAddress: address, customerId: claims.sub },
      });
      refused('checkout naming another customer', bodyCustomer, 400);
      expect((bodyCustomer.body.errors ?? []).map((error) => error.field)).toContain('customerId');
      refused(
        'basket line naming another customer',
        await api('PUT', `/basket/items/${sku}`, { as: bob, body: { quantity: 1, customerId: claims.sub } }),
        400,
      );
    });
  });

  describe('bodies', () => {
    it('refuses oversized bodies (413)', async () => {
      const big = 'x'.repeat(64 * 1024);
      refused('64 KiB basket line', await api('PUT', `/basket/items/${sku}`, { as: alice, body: { quantity: 1, note: big } }), 413);
      refused(
        '64 KiB product',
        await api('POST', '/products', {
          as: 'admin',
          body: { sku: uniqueSku('BIG'), name: 'Big', description: big, category: 'x', price: { amount: 1, currency: 'EUR' } },
        }),
        413,
      );
      refused(
        '64 KiB checkout',
        await api('POST', '/basket/checkout', {
          as: alice,
          headers: { 'Idempotency-Key': randomUUID() },
          body: { paymentToken: big, shippingAddress: address },
        }),
        413,
      );
    });

    it('refuses malformed JSON (400)', async () => {
      refused('truncated product', await api('POST', '/products', { as: 'admin', body: '{"sku":' }), 400);
      refused('array basket line', await api('PUT', `/basket/items/${sku}`, { as: alice, body: '[1,2' }), 400);
      refused(
        'bare word adjustment',
        await api('POST', `/inventory/${sku}/adjustments`, { as: 'admin', body: 'nul', headers: { 'Idempotency-Key': randomUUID() } }),
        400,
      );
    });

    it('refuses unknown fields, naming them (400)', async () => {
      const product = await api<Problem>('PUT', `/products/${sku}`, {
        as: 'admin',
        body: { price: { amount: 1, currency: 'EUR' }, version: 99 },
        headers: { 'If-Match': '"1"' },
      });
      refused('product with version', product, 400);
      const stock = await api<Problem>('PUT', `/inventory/${sku}`, {
        as: 'admin',
        body: { available: 1, reserved: 0 },
        headers: { 'If-Match': `"${before.stock.version}"` },
      });
      refused('stock with reserved', stock, 400);
      expect((stock.body.errors ?? []).map((error) => error.field)).toContain('reserved');
      refused(
        'checkout with a total',
        await api('POST', '/basket/checkout', {
          as: alice,
          headers: { 'Idempotency-Key': randomUUID() },
          body: { paymentToken: 'tok_approve', shippingAddress: address, total: { amount: 1, currency: 'EUR' } },
        }),
        400,
      );
    });
  });

  describe('paths', () => {
    it('refuses encoded slashes, dot segments and bad percent-encoding (4xx, never 5xx)', async () => {
      // The encoded slash splits the path: no route has that shape.
      refused('%2F in a sku', await api('PUT', '/basket/items/A%2FB', { as: alice, body: { quantity: 1 } }), 404);
      refused('..%2F in a sku', await api('GET', `/inventory/..%2F..%2Fpayments%2F${aliceOrder}`, { as: 'admin' }), 404);
      // fetch would resolve dot segments itself: send the raw path.
      refused('a raw ../ path', await rawGet(`/inventory/../payments/${aliceOrder}`, await tokenFor('admin')), 404);
      refused('bad percent-encoding in an order id', await api('GET', '/orders/%E0%A4%A', { as: alice }), 400);
      refused('a 1,000-character sku', await api('GET', `/products/${'A'.repeat(1000)}`), 400);
      refused('a NUL in a sku', await api('GET', '/products/A%00B'), 400);
    });
  });

  describe('Idempotency-Key', () => {
    const attempt = (key: string) =>
      api<Problem>('POST', '/basket/checkout', {
        as: alice,
        headers: { 'Idempotency-Key': key },
        body: { paymentToken: 'tok_approve', shippingAddress: address },
      });

    it('refuses an empty, overlong or control-character key (400), naming it', async () => {
      for (const [what, key] of [
        ['blank key', ' '],
        ['300-character key', 'k'.repeat(300)],
        ['key with a tab', 'a\tb'],
      ] as const) {
        const response = await attempt(key);
        refused(what, response, 400);
        expect(JSON.stringify(response.body)).toMatch(/idempotency-key/i);
      }
    });
  });

  describe('stock adjustments', () => {
    const adjust = (key: string | undefined, body: unknown) =>
      api<Problem>('POST', `/inventory/${sku}/adjustments`, {
        as: 'admin',
        body,
        headers: key === undefined ? {} : { 'Idempotency-Key': key },
      });

    it('refuses a bad key, a bad delta or reason, a reused key, and a delta below what is available', async () => {
      refused('adjustment without a key', await adjust(undefined, { delta: 1, reason: 'restock' }), 400);
      refused('adjustment with a slash in the key', await adjust('a/b', { delta: 1, reason: 'restock' }), 400);
      refused('adjustment of 0', await adjust(randomUUID(), { delta: 0, reason: 'restock' }), 400);
      refused('adjustment of 1.5', await adjust(randomUUID(), { delta: 1.5, reason: 'restock' }), 400);
      refused('adjustment with a newline reason', await adjust(randomUUID(), { delta: 1, reason: 'a\nb' }), 400);
      refused('adjustment naming the version', await adjust(randomUUID(), { delta: 1, reason: 'restock', version: 1 }), 400);
      refused(
        'adjustment below what is available',
        await adjust(randomUUID(), { delta: -(before.stock.available + 1), reason: 'shrinkage' }),
        409,
      );
      refused(
        'adjustment of an unknown sku',
        await api('POST', `/inventory/${uniqueSku('NOSTOCK')}/adjustments`, {
          as: 'admin',
          body: { delta: 1, reason: 'x' },
          headers: { 'Idempotency-Key': randomUUID() },
        }),
        404,
      );
    });
  });

  describe('If-Match', () => {
    it('refuses a write without one (428), a stale one (412), a wildcard, weak or garbage one (400)', async () => {
      const { version } = before.stock;
      refused('stock without If-Match', await api('PUT', `/inventory/${sku}`, { as: 'admin', body: { available: 1 } }), 428);
      refused(
        'stock with a stale version',
        await api('PUT', `/inventory/${sku}`, { as: 'admin', body: { available: 1 }, headers: { 'If-Match': `"${version + 7}"` } }),
        412,
      );
      refused(
        'stock with If-Match *',
        await api('PUT', `/inventory/${sku}`, { as: 'admin', body: { available: 1 }, headers: { 'If-Match': '*' } }),
        400,
      );
      refused(
        'stock with a weak tag',
        await api('PUT', `/inventory/${sku}`, { as: 'admin', body: { available: 1 }, headers: { 'If-Match': `W/"${version}"` } }),
        400,
      );
      const renamed = {
        name: 'Renamed',
        description: 'Changed by an attacker.',
        category: 'e2e-hostile',
        price: { amount: 1, currency: 'EUR' },
      };
      refused(
        'product with garbage If-Match',
        await api('PUT', `/products/${sku}`, { as: 'admin', body: renamed, headers: { 'If-Match': 'yesterday' } }),
        400,
      );
      refused(
        'product with a stale version',
        await api('PUT', `/products/${sku}`, { as: 'admin', body: renamed, headers: { 'If-Match': '"999"' } }),
        412,
      );
    });
  });
});
