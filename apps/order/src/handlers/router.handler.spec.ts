import './testing/lambda-env';
import { apiGatewayProxyEvent, customerClaims, fakeLambdaContext, withoutEnv, type ApiRequest } from '@shop/testing';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { transitionOrder, type Order } from '../domain/order';
import type { OrderView } from '../domain/order-view';
import { InMemoryOrderRepository } from '../domain/testing/in-memory-order.repository';
import { CUSTOMER_ID, ORDER_ID, OTHER_CUSTOMER_ID, pendingOrder } from '../domain/testing/order-fixtures';
import { createOrderApi, handler } from './router.handler';

const setup = (seed: Order[] = []) => {
  const logger = { debug: jest.fn(), error: jest.fn() };
  const api = createOrderApi({ orders: new InMemoryOrderRepository(seed), logger });
  const call = (request: ApiRequest) => api(apiGatewayProxyEvent({ basePath: '/orders', ...request }), fakeLambdaContext());
  return { call, logger };
};

const json = (result: APIGatewayProxyResult) => JSON.parse(result.body) as unknown;
const fields = (result: APIGatewayProxyResult) => (json(result) as { errors: { field: string }[] }).errors.map((issue) => issue.field);

const customer = { claims: customerClaims() };
const otherCustomer = { claims: customerClaims({ sub: OTHER_CUSTOMER_ID, 'cognito:username': 'other' }) };

const orderAt = (minute: number, customerId = CUSTOMER_ID) =>
  pendingOrder({
    orderId: `00000000-0000-4000-8000-0000000000${String(minute).padStart(2, '0')}`,
    placedAt: `2025-03-01T10:${String(minute).padStart(2, '0')}:00.000Z`,
    customerId,
  });

describe('order API', () => {
  describe('GET / (my orders)', () => {
    const mine = [orderAt(1), orderAt(3), orderAt(2)];
    const theirs = orderAt(4, OTHER_CUSTOMER_ID);

    it("pages through the caller's orders newest first, with status, lines, total and history", async () => {
      const { call } = setup([...mine, theirs]);

      const first = await call({ ...customer, query: { limit: '2' } });
      expect(first.statusCode).toBe(200);
      expect(first.headers?.['cache-control']).toBe('no-store');
      const page = json(first) as { items: OrderView[]; nextCursor: string };
      expect(page.items.map((order) => order.orderId)).toEqual([orderAt(3).orderId, orderAt(2).orderId]);
      expect(page.items[0]).toEqual({
        orderId: orderAt(3).orderId,
        status: 'PENDING',
        lines: orderAt(3).lines,
        total: { amount: 3048, currency: 'EUR' },
        shippingAddress: orderAt(3).shippingAddress,
        statusHistory: [{ status: 'PENDING', at: orderAt(3).createdAt }],
        placedAt: orderAt(3).placedAt,
        updatedAt: orderAt(3).updatedAt,
      });

      const second = await call({ ...customer, query: { limit: '2', cursor: page.nextCursor } });
      expect((json(second) as { items: OrderView[] }).items.map((order) => order.orderId)).toEqual([orderAt(1).orderId]);
      expect(json(second)).not.toHaveProperty('nextCursor');
    });

    it('returns an empty page to a customer without orders', async () => {
      const { call } = setup(mine);
      expect(json(await call(otherCustomer))).toEqual({ items: [] });
    });

    it('answers 401 without an authenticated caller', async () => {
      const { call } = setup(mine);
      const result = await call({});
      expect(result.statusCode).toBe(401);
      expect(json(result)).toMatchObject({ type: 'urn:shop:problem:unauthorized', status: 401 });
    });

    it.each(['0', '51', 'x'])('rejects limit=%s naming the field', async (limit) => {
      const { call } = setup(mine);
      const result = await call({ ...customer, query: { limit } });
      expect(result.statusCode).toBe(400);
      expect(fields(result)).toEqual(['limit']);
    });

    it("rejects a cursor it did not issue, and another customer's cursor", async () => {
      const { call } = setup([...mine, orderAt(5, OTHER_CUSTOMER_ID), orderAt(6, OTHER_CUSTOMER_ID)]);
      const theirPage = json(await call({ ...otherCustomer, query: { limit: '1' } })) as { nextCursor: string };

      for (const cursor of ['not-a-cursor', theirPage.nextCursor]) {
        const result = await call({ ...customer, query: { cursor } });
        expect(result.statusCode).toBe(400);
        expect(fields(result)).toEqual(['cursor']);
      }
    });
  });

  describe('GET /{orderId}', () => {
    const cancelled = transitionOrder(
      pendingOrder(),
      { status: 'CANCELLED', reason: 'PAYMENT_DECLINED' },
      new Date('2025-03-01T10:00:04.000Z'),
    ).order;

    it("returns the caller's order with its status history and cancellation reason", async () => {
      const { call } = setup([cancelled]);

      const result = await call({ ...customer, path: `/${ORDER_ID}` });

      expect(result.statusCode).toBe(200);
      expect(json(result)).toMatchObject({
        orderId: ORDER_ID,
        status: 'CANCELLED',
        cancellationReason: 'PAYMENT_DECLINED',
        statusHistory: [
          { status: 'PENDING', at: cancelled.createdAt },
          { status: 'CANCELLED', at: '2025-03-01T10:00:04.000Z', reason: 'PAYMENT_DECLINED' },
        ],
      });
      expect(json(result)).not.toHaveProperty('customerId');
    });

    it("answers 404 for another customer's order, exactly as for an unknown one", async () => {
      const { call } = setup([cancelled]);

      const theirs = await call({ ...otherCustomer, path: `/${ORDER_ID}` });
      const unknown = await call({ ...otherCustomer, path: '/00000000-0000-4000-8000-000000000099' });

      expect([theirs.statusCode, unknown.statusCode]).toEqual([404, 404]);
      const withoutInstance = (result: APIGatewayProxyResult) => ({ ...(json(result) as object), instance: undefined, detail: undefined });
      expect(withoutInstance(theirs)).toEqual(withoutInstance(unknown));
    });

    it('answers 401 without an authenticated caller', async () => {
      const { call } = setup([cancelled]);
      expect((await call({ path: `/${ORDER_ID}` })).statusCode).toBe(401);
    });

    it('rejects an id that is not a UUID, naming the parameter', async () => {
      const { call } = setup([cancelled]);
      const result = await call({ ...customer, path: '/not-an-id' });
      expect(result.statusCode).toBe(400);
      expect(fields(result)).toEqual(['orderId']);
    });

    it('answers 404 for paths and methods it does not serve (it has no write routes)', async () => {
      const { call } = setup([cancelled]);
      expect((await call({ ...customer, path: `/${ORDER_ID}/items` })).statusCode).toBe(404);
      expect((await call({ ...customer, method: 'DELETE', path: `/${ORDER_ID}` })).statusCode).toBe(404);
    });
  });
});

describe('handler', () => {
  it('is the order API wrapped with observability, echoing the correlation id', async () => {
    const result = await handler(
      apiGatewayProxyEvent({ basePath: '/orders', headers: { 'x-correlation-id': 'corr-h-1' } }),
      fakeLambdaContext({ functionName: 'order-router' }),
    );
    expect(result.statusCode).toBe(401);
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
