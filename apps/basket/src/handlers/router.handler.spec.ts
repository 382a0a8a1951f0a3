import './testing/lambda-env';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  PutCommand,
  TransactWriteCommand,
  type BatchGetCommandInput,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { basketKey, toBasketItem } from '../adapters/basket.repository';
import { checkoutKey } from '../adapters/checkout.repository';
import { toPriceItem } from '../adapters/price-catalog.repository';
import { apiGatewayProxyEvent, customerClaims, fakeLambdaContext, withoutEnv, type ApiRequest } from '@shop/testing';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { pendingOrderFor, withoutPendingOrder, withPendingOrder } from '../domain/basket';
import { basketOf, checkoutInput, CUSTOMER, entry, OTHER_CUSTOMER } from '../domain/testing/fixtures';
import {
  fixedClock,
  InMemoryBasketRepository,
  InMemoryCheckoutRepository,
  InMemoryPriceCatalog,
  RecordingOrderSender,
  sequentialIds,
} from '../domain/testing/in-memory';
import { createBasketApi, handler } from './router.handler';

const ORDER_1 = '00000000-0000-4000-8000-000000000001';
const ORDER_2 = '00000000-0000-4000-8000-000000000002';

const setup = (lines: Record<string, number> = {}) => {
  const baskets = new InMemoryBasketRepository(Object.keys(lines).length > 0 ? [basketOf(lines)] : []);
  const catalog = new InMemoryPriceCatalog([
    entry(),
    entry({ sku: 'TEA-001', name: 'Tea', price: { amount: 450, currency: 'EUR' } }),
    entry({ sku: 'GONE-1', deleted: true }),
  ]);
  const checkouts = new InMemoryCheckoutRepository(baskets);
  const orders = new RecordingOrderSender();
  const metrics: string[] = [];
  const logger = { debug: jest.fn(), error: jest.fn() };
  const api = createBasketApi({
    baskets,
    catalog,
    checkouts,
    orders,
    clock: fixedClock('2025-03-01T12:00:00.000Z'),
    ids: sequentialIds(),
    logger,
    metrics: { addMetric: (name: string) => void metrics.push(name) },
  });
  const call = (request: ApiRequest) =>
    api(apiGatewayProxyEvent({ basePath: '/basket', claims: customerClaims(), ...request }), fakeLambdaContext());
  return { baskets, checkouts, orders, metrics, logger, call };
};

const json = (result: APIGatewayProxyResult) => JSON.parse(result.body) as Record<string, unknown>;
const fields = (result: APIGatewayProxyResult) => (json(result).errors as { field: string }[]).map((issue) => issue.field);
const checkoutRequest = (overrides: Partial<ApiRequest> = {}): ApiRequest => ({
  method: 'POST',
  path: '/checkout',
  headers: { 'Idempotency-Key': 'key-1', 'x-correlation-id': 'corr-checkout' },
  body: checkoutInput(),
  ...overrides,
});

describe('basket API', () => {
  describe('every route', () => {
    it.each([
      { method: 'GET', path: '/' },
      { method: 'PUT', path: '/items/MUG-001', body: { quantity: 1 } },
      { method: 'DELETE', path: '/items/MUG-001' },
      checkoutRequest(),
    ])('answers 401 to $method $path without a signed-in caller, writing nothing', async (request) => {
      const { baskets, orders, call } = setup();
      const result = await call({ ...request, claims: undefined });
      expect(result.statusCode).toBe(401);
      expect(baskets.items.size).toBe(0);
      expect(orders.sent).toEqual([]);
    });
  });

  describe('GET /', () => {
    it("answers the caller's basket with current prices and the total", async () => {
      const { call } = setup({ 'MUG-001': 2, 'TEA-001': 1 });

      const result = await call({});

      expect(result.statusCode).toBe(200);
      expect(json(result)).toEqual({
        lines: [
          {
            sku: 'MUG-001',
            name: 'Mug',
            quantity: 2,
            unitPrice: { amount: 1299, currency: 'EUR' },
            lineTotal: { amount: 2598, currency: 'EUR' },
          },
          {
            sku: 'TEA-001',
            name: 'Tea',
            quantity: 1,
            unitPrice: { amount: 450, currency: 'EUR' },
            lineTotal: { amount: 450, currency: 'EUR' },
          },
        ],
        total: { amount: 3048, currency: 'EUR' },
        unavailable: [],
      });
    });

    it('names the order in flight from the basket, for the client to follow', async () => {
      const { baskets, call } = setup({ 'MUG-001': 1 });
      const basket = await baskets.get(CUSTOMER);
      baskets.items.set(CUSTOMER, withPendingOrder(basket, pendingOrderFor(ORDER_1, 'key-0', new Date('2025-03-01T11:30:00.000Z'))));

      const result = await call({});

      expect(result.statusCode).toBe(200);
      expect(json(result)).toMatchObject({ lines: [{ sku: 'MUG-001' }], pendingOrderId: ORDER_1 });
    });

    it('answers 200 with no lines to a customer without a basket', async () => {
      const { call } = setup({ 'MUG-001': 2 });
      const result = await call({ claims: customerClaims({ sub: OTHER_CUSTOMER }) });
      expect(result.statusCode).toBe(200);
      expect(json(result)).toEqual({ lines: [], total: { amount: 0, currency: 'EUR' }, unavailable: [] });
    });

    it('works on the raw execute-api URL too (no base path)', async () => {
      const { call } = setup({ 'MUG-001': 1 });
      const result = await call({ basePath: undefined });
      expect(result.statusCode).toBe(200);
      expect(json(result).total).toEqual({ amount: 1299, currency: 'EUR' });
    });
  });

  describe('PUT /items/{sku}', () => {
    it("sets the quantity in the caller's own basket and answers the basket", async () => {
      const { baskets, metrics, call } = setup();

      const result = await call({ method: 'PUT', path: '/items/MUG-001', body: { quantity: 3 } });

      expect(result.statusCode).toBe(200);
      expect(json(result)).toMatchObject({ lines: [{ sku: 'MUG-001', quantity: 3 }], total: { amount: 3897, currency: 'EUR' } });
      expect(baskets.items.get(CUSTOMER)?.lines).toEqual([
        { sku: 'MUG-001', quantity: 3, addedAt: '2025-03-01T12:00:00.000Z', changedAt: '2025-03-01T12:00:00.000Z' },
      ]);
      expect(metrics).toEqual(['BasketItemSet']);
    });

    it('removes the line at quantity 0', async () => {
      const { call } = setup({ 'MUG-001': 2, 'TEA-001': 1 });
      const result = await call({ method: 'PUT', path: '/items/MUG-001', body: { quantity: 0 } });
      expect(result.statusCode).toBe(200);
      expect(json(result)).toMatchObject({ lines: [{ sku: 'TEA-001' }] });
    });

    it.each(['NEVER-1', 'GONE-1'])('answers 422 problem+json naming %s (unknown or deleted)', async (sku) => {
      const { baskets, call } = setup();

      const result = await call({ method: 'PUT', path: `/items/${sku}`, body: { quantity: 1 } });

      expect(result.statusCode).toBe(422);
      expect(result.headers?.['content-type']).toBe('application/problem+json');
      expect(json(result)).toEqual({
        type: 'urn:shop:problem:unprocessable',
        title: 'The request cannot be carried out in the current state.',
        status: 422,
        detail: `Product ${sku} is not for sale.`,
        instance: `/basket/items/${sku}`,
        correlationId: 'req-0001',
        errors: [{ field: 'sku', message: `${sku} is not for sale (unknown or deleted product).` }],
      });
      expect(baskets.items.size).toBe(0);
    });

    it('answers 400 naming every bad field (path and body) and writes nothing', async () => {
      const { baskets, call } = setup();

      const result = await call({ method: 'PUT', path: '/items/bad sku', body: { quantity: 100, price: { amount: 1, currency: 'EUR' } } });

      expect(result.statusCode).toBe(400);
      expect(fields(result)).toEqual(['sku', 'quantity', 'price']);
      expect(baskets.items.size).toBe(0);
    });

    it.each([
      ['no body', undefined, ['body']],
      ['malformed JSON', '{"quantity": ', ['body']],
      ['a fractional quantity', { quantity: 1.5 }, ['quantity']],
      ['a negative quantity', { quantity: -1 }, ['quantity']],
      ['a quantity as text', { quantity: '2' }, ['quantity']],
      ['a customer id in the body', { quantity: 1, customerId: OTHER_CUSTOMER }, ['customerId']],
    ])('answers 400 to %s', async (_case, body, expected) => {
      const { baskets, call } = setup();
      const result = await call({ method: 'PUT', path: '/items/MUG-001', body });
      expect(result.statusCode).toBe(400);
      expect(fields(result)).toEqual(expected);
      expect(baskets.items.size).toBe(0);
    });
  });

  describe('DELETE /items/{sku}', () => {
    it('removes the line and answers the basket', async () => {
      const { baskets, call } = setup({ 'MUG-001': 2, 'TEA-001': 1 });

      const result = await call({ method: 'DELETE', path: '/items/TEA-001' });

      expect(result.statusCode).toBe(200);
      expect(json(result)).toMatchObject({ lines: [{ sku: 'MUG-001' }], total: { amount: 2598 } });
      expect(baskets.items.get(CUSTOMER)?.lines.map((line) => line.sku)).toEqual(['MUG-001']);
    });

    it('answers 400 to a malformed sku', async () => {
      const { call } = setup();
      const result = await call({ method: 'DELETE', path: '/items/x' });
      expect(result.statusCode).toBe(400);
      expect(fields(result)).toEqual(['sku']);
    });
  });

  describe('POST /checkout', () => {
    it('answers 202 with the order id and sends one PlaceOrder carrying the request correlation id', async () => {
      const { orders, metrics, call } = setup({ 'MUG-001': 2 });

      const result = await call(checkoutRequest());

      expect(result.statusCode).toBe(202);
      expect(json(result)).toEqual({ orderId: ORDER_1 });
      expect(result.headers?.['idempotent-replayed']).toBeUndefined();
      expect(orders.sent).toHaveLength(1);
      expect(orders.sent[0]).toMatchObject({
        type: 'PlaceOrder',
        correlationId: 'corr-checkout',
        data: { orderId: ORDER_1, customerId: CUSTOMER, total: { amount: 2598, currency: 'EUR' } },
      });
      expect(metrics).toEqual(['CheckoutAccepted']);
    });

    it('answers the same key again with the same order id and sends the same stored command again', async () => {
      const { orders, metrics, call } = setup({ 'MUG-001': 2 });
      await call(checkoutRequest());

      const again = await call(checkoutRequest({ headers: { 'Idempotency-Key': 'key-1' } }));

      expect(again.statusCode).toBe(202);
      expect(json(again)).toEqual({ orderId: ORDER_1 });
      expect(again.headers?.['idempotent-replayed']).toBe('true');
      expect(orders.sent).toHaveLength(2);
      expect(orders.sent[1]).toEqual(orders.sent[0]);
      expect(metrics).toEqual(['CheckoutAccepted', 'CheckoutReplayed']);
    });

    it('answers 409 problem+json naming the order in flight to another key, writing and sending nothing; the first key still answers 202', async () => {
      const { baskets, checkouts, orders, metrics, call } = setup({ 'MUG-001': 2 });
      await call(checkoutRequest());
      const locked = await baskets.get(CUSTOMER);

      const result = await call(checkoutRequest({ headers: { 'Idempotency-Key': 'key-2', 'x-correlation-id': 'corr-second' } }));

      expect(result.statusCode).toBe(409);
      expect(result.headers?.['content-type']).toBe('application/problem+json');
      expect(json(result)).toEqual({
        type: 'urn:shop:problem:order-pending',
        title: 'An order from this basket is still being processed.',
        status: 409,
        detail: `Order ${ORDER_1} from this basket is still being processed: follow it, and check out again once it is confirmed or cancelled.`,
        instance: '/basket/checkout',
        correlationId: 'corr-second',
        orderId: ORDER_1,
      });
      expect(orders.sent).toHaveLength(1);
      expect(checkouts.records.size).toBe(1);
      expect(await baskets.get(CUSTOMER)).toEqual(locked);
      expect(metrics).toEqual(['CheckoutAccepted', 'CheckoutRefusedOrderPending']);

      const again = await call(checkoutRequest());
      expect([again.statusCode, json(again)]).toEqual([202, { orderId: ORDER_1 }]);
    });

    it('checks out again with a new key once the order freed the basket', async () => {
      const { baskets, call } = setup({ 'MUG-001': 2 });
      await call(checkoutRequest());
      const locked = await baskets.get(CUSTOMER);
      await baskets.save(withoutPendingOrder(locked, ORDER_1, new Date('2025-03-01T12:05:00.000Z')), locked.version);

      const result = await call(checkoutRequest({ headers: { 'Idempotency-Key': 'key-2' } }));

      expect([result.statusCode, json(result)]).toEqual([202, { orderId: ORDER_2 }]);
    });

    it('answers 400 naming the missing Idempotency-Key and every bad body field, sending nothing', async () => {
      const { orders, checkouts, call } = setup({ 'MUG-001': 2 });

      const result = await call(
        checkoutRequest({ headers: {}, body: { paymentToken: '', shippingAddress: { ...checkoutInput().shippingAddress, city: '' } } }),
      );

      expect(result.statusCode).toBe(400);
      expect(fields(result)).toEqual(['Idempotency-Key', 'paymentToken', 'shippingAddress.city']);
      expect((json(result).errors as { message: string }[])[0]?.message).toBe('Required.');
      expect(orders.sent).toEqual([]);
      expect(checkouts.records.size).toBe(0);
    });

    it('answers 400 to a malformed Idempotency-Key', async () => {
      const { call } = setup({ 'MUG-001': 2 });
      const result = await call(checkoutRequest({ headers: { 'Idempotency-Key': 'not a key' } }));
      expect(result.statusCode).toBe(400);
      expect(fields(result)).toEqual(['Idempotency-Key']);
    });

    it('answers 400 to client-side prices or lines', async () => {
      const { call } = setup({ 'MUG-001': 2 });
      const result = await call(checkoutRequest({ body: { ...checkoutInput(), total: { amount: 1, currency: 'EUR' }, lines: [] } }));
      expect(result.statusCode).toBe(400);
      expect(fields(result)).toEqual(['total', 'lines']);
    });

    it('answers 422 to an empty basket, sending nothing', async () => {
      const { orders, call } = setup();
      const result = await call(checkoutRequest());
      expect(result.statusCode).toBe(422);
      expect(json(result).detail).toBe('The basket is empty: add items before checking out.');
      expect(orders.sent).toEqual([]);
    });

    it('answers 422 naming a line whose product was deleted', async () => {
      const { orders, call } = setup({ 'MUG-001': 1, 'GONE-1': 2 });
      const result = await call(checkoutRequest());
      expect(result.statusCode).toBe(422);
      expect(fields(result)).toEqual(['lines.GONE-1']);
      expect(orders.sent).toEqual([]);
    });

    it('answers 422 to a key reused with another body', async () => {
      const { orders, call } = setup({ 'MUG-001': 2 });
      await call(checkoutRequest());
      const result = await call(checkoutRequest({ body: { ...checkoutInput(), paymentToken: 'tok_decline' } }));
      expect(result.statusCode).toBe(422);
      expect(fields(result)).toEqual(['Idempotency-Key']);
      expect(orders.sent).toHaveLength(1);
    });
  });

  it('answers 404 to a route that does not exist', async () => {
    const { call } = setup();
    expect((await call({ path: '/items' })).statusCode).toBe(404);
  });

  it('answers a generic 500 when the queue fails, logging the cause', async () => {
    const logger = { debug: jest.fn(), error: jest.fn() };
    const baskets = new InMemoryBasketRepository([basketOf({ 'MUG-001': 1 })]);
    const failing = createBasketApi({
      baskets,
      catalog: new InMemoryPriceCatalog([entry()]),
      checkouts: new InMemoryCheckoutRepository(baskets),
      orders: new RecordingOrderSender(1),
      clock: fixedClock('2025-03-01T12:00:00.000Z'),
      ids: sequentialIds(),
      logger,
      metrics: { addMetric: jest.fn() },
    });
    const result = await failing(
      apiGatewayProxyEvent({ basePath: '/basket', claims: customerClaims(), ...checkoutRequest() }),
      fakeLambdaContext(),
    );
    expect(result.statusCode).toBe(500);
    expect(json(result).detail).toBe('An unexpected error occurred.');
    expect(logger.error).toHaveBeenCalledWith('Request failed unexpectedly', expect.any(Error));
  });
});

describe('handler', () => {
  it('is the basket API wrapped with observability, echoing the correlation id', async () => {
    const result = await handler(
      apiGatewayProxyEvent({
        basePath: '/basket',
        method: 'PUT',
        path: '/items/MUG-001',
        body: { quantity: 'x' },
        claims: customerClaims(),
        headers: { 'x-correlation-id': 'corr-h-1' },
      }),
      fakeLambdaContext({ functionName: 'basket-router' }),
    );
    expect(result.statusCode).toBe(400);
    expect(result.headers?.['x-correlation-id']).toBe('corr-h-1');
    expect(fields(result)).toEqual(['quantity']);
  });

  it("reads the basket and the sku's price in one call for a PUT into a basket without other skus, then writes; the other lines' prices in a second read", async () => {
    const ddb = mockClient(DynamoDBDocumentClient);
    try {
      const stored: Record<string, unknown>[] = [
        toPriceItem(entry()),
        toPriceItem(entry({ sku: 'TEA-001', name: 'Tea', price: { amount: 450, currency: 'EUR' } })),
      ];
      ddb.on(BatchGetCommand).callsFake((input: BatchGetCommandInput) => {
        const keys = input.RequestItems?.['basket-unit-test']?.Keys ?? [];
        return { Responses: { 'basket-unit-test': stored.filter((item) => keys.some((key) => key.pk === item.pk && key.sk === item.sk)) } };
      });
      ddb.on(PutCommand).callsFake((input: { Item: Record<string, unknown> }) => {
        stored.push({ ...input.Item, version: 1 });
        return {};
      });
      const put = (sku: string) =>
        handler(
          apiGatewayProxyEvent({
            basePath: '/basket',
            method: 'PUT',
            path: `/items/${sku}`,
            body: { quantity: 2 },
            claims: customerClaims(),
          }),
          fakeLambdaContext(),
        );

      const first = await put('MUG-001');

      expect(first.statusCode).toBe(200);
      expect(json(first)).toMatchObject({ lines: [{ sku: 'MUG-001', quantity: 2 }], total: { amount: 2598, currency: 'EUR' } });
      expect(ddb.calls().map((call) => call.args[0].constructor.name)).toEqual(['BatchGetCommand', 'PutCommand']);
      expect(ddb.commandCalls(BatchGetCommand)[0]?.args[0].input.RequestItems).toEqual({
        'basket-unit-test': { Keys: [basketKey(CUSTOMER), { pk: 'PRODUCT#MUG-001', sk: 'PRICE' }], ConsistentRead: true },
      });

      ddb.resetHistory();
      const second = await put('TEA-001');

      expect(json(second)).toMatchObject({
        lines: [{ sku: 'MUG-001' }, { sku: 'TEA-001' }],
        total: { amount: 2598 + 900, currency: 'EUR' },
      });
      expect(ddb.calls().map((call) => call.args[0].constructor.name)).toEqual(['BatchGetCommand', 'BatchGetCommand', 'PutCommand']);
      expect(ddb.commandCalls(BatchGetCommand)[1]?.args[0].input.RequestItems).toEqual({
        'basket-unit-test': { Keys: [{ pk: 'PRODUCT#MUG-001', sk: 'PRICE' }], ConsistentRead: true },
      });
    } finally {
      ddb.restore();
    }
  });

  it('sends the PlaceOrder of a checkout to the intake queue of its environment, with the type and correlation id, and sends it again on a replay', async () => {
    const ddb = mockClient(DynamoDBDocumentClient);
    const sqs = mockClient(SQSClient);
    try {
      const stored: Record<string, unknown>[] = [{ ...toBasketItem(basketOf({ 'MUG-001': 1 })), version: 1 }, toPriceItem(entry())];
      ddb.on(BatchGetCommand).callsFake((input: BatchGetCommandInput) => {
        const keys = input.RequestItems?.['basket-unit-test']?.Keys ?? [];
        return { Responses: { 'basket-unit-test': stored.filter((item) => keys.some((key) => key.pk === item.pk && key.sk === item.sk)) } };
      });
      // The claim's transaction: both puts land (the record, and the basket with its pending order).
      ddb.on(TransactWriteCommand).callsFake((input: TransactWriteCommandInput) => {
        for (const item of input.TransactItems ?? []) {
          const written = item.Put?.Item ?? {};
          const at = stored.findIndex((other) => other.pk === written.pk && other.sk === written.sk);
          stored.splice(at < 0 ? stored.length : at, 1, written);
        }
        return {};
      });
      sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
      const request = (correlationId: string) =>
        apiGatewayProxyEvent({
          basePath: '/basket',
          claims: customerClaims(),
          ...checkoutRequest({ headers: { 'Idempotency-Key': 'k-1', 'x-correlation-id': correlationId } }),
        });

      const result = await handler(request('corr-h-2'), fakeLambdaContext());

      expect(result.statusCode).toBe(202);
      expect(sqs).toHaveReceivedCommandTimes(SendMessageCommand, 1);
      const sent = sqs.commandCalls(SendMessageCommand)[0]?.args[0].input;
      expect(sent?.QueueUrl).toBe(process.env.ORDER_INTAKE_QUEUE_URL);
      expect(sent?.MessageAttributes).toEqual({
        type: { DataType: 'String', StringValue: 'PlaceOrder' },
        correlationId: { DataType: 'String', StringValue: 'corr-h-2' },
      });
      expect(JSON.parse(sent?.MessageBody ?? '{}')).toMatchObject({
        type: 'PlaceOrder',
        data: { orderId: json(result).orderId, customerId: CUSTOMER },
      });
      // Three DynamoDB calls: the key's record with the basket, the prices, the claim with the
      // basket's lock (one transaction); then the send.
      expect(ddb.calls().map((call) => call.args[0].constructor.name)).toEqual([
        'BatchGetCommand',
        'BatchGetCommand',
        'TransactWriteCommand',
      ]);
      expect(ddb.commandCalls(BatchGetCommand)[0]?.args[0].input.RequestItems).toEqual({
        'basket-unit-test': { Keys: [checkoutKey(CUSTOMER, 'k-1'), basketKey(CUSTOMER)], ConsistentRead: true },
      });
      const [claim] = ddb.commandCalls(TransactWriteCommand);
      const [send] = sqs.commandCalls(SendMessageCommand);
      expect(claim && send && claim.calledBefore(send)).toBe(true);

      // The same key again: one DynamoDB call finds the record (and the basket, still held by its
      // order), and the stored command is sent again byte for byte (its own correlation id, not the replay's).
      ddb.resetHistory();
      const replay = await handler(request('corr-h-3'), fakeLambdaContext());

      expect([replay.statusCode, replay.headers?.['idempotent-replayed'], json(replay)]).toEqual([202, 'true', json(result)]);
      expect(ddb.calls().map((call) => call.args[0].constructor.name)).toEqual(['BatchGetCommand']);
      expect(sqs).toHaveReceivedCommandTimes(SendMessageCommand, 2);
      expect(sqs.commandCalls(SendMessageCommand)[1]?.args[0].input).toEqual(sent);
    } finally {
      ddb.restore();
      sqs.restore();
    }
  });

  it.each(['TABLE_NAME', 'ORDER_INTAKE_QUEUE_URL'])('fails at cold start, with a named error, when %s is missing', (name) => {
    withoutEnv(name, () =>
      jest.isolateModules(() => {
        expect(() => require('./router.handler')).toThrow(`Environment variable ${name} is required but not set.`);
      }),
    );
  });
});
