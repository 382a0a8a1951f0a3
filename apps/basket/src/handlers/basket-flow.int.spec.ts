import './testing/lambda-env';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { newId } from '@shop/domain';
import { createDocumentClient } from '@shop/dynamodb';
import { PlaceOrderSchema } from '@shop/order-contracts';
import { apiGatewayProxyEvent, customerClaims, fakeLambdaContext, sqsEventFromSns, useTestTable, type ApiRequest } from '@shop/testing';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { DynamoBasketRepository } from '../adapters/basket.repository';
import { DynamoCheckoutRepository } from '../adapters/checkout.repository';
import { PENDING_ORDER_LEASE_MS } from '../domain/basket';
import { DynamoPriceCatalog } from '../adapters/price-catalog.repository';
import { BASKET_TABLE } from '../adapters/testing/basket-table';
import type { BasketRepository } from '../domain/ports';
import { checkoutInput, orderCancelled, orderConfirmed, orderNeedsAttention, productChanged } from '../domain/testing/fixtures';
import { losingFirstSave, RecordingOrderSender } from '../domain/testing/in-memory';
import { createOrderEventsConsumer } from './on-order-events.handler';
import { createProductChangedConsumer } from './on-product-changed.handler';
import { createBasketApi } from './router.handler';

// The handlers' plain functions through the real repositories, against DynamoDB Local (endpoint
// from AWS_ENDPOINT_URL_DYNAMODB, exported by the global setup). Commands go to a recording sender.
const lowLevel = new DynamoDBClient({});
const docClient = createDocumentClient({ client: lowLevel });
const table = useTestTable(BASKET_TABLE, { prefix: 'basket-flow' });

afterAll(() => {
  docClient.destroy();
  lowLevel.destroy();
});

const logger = () => ({ debug: jest.fn(), info: jest.fn(), warn: jest.fn(), error: jest.fn(), setCorrelationId: jest.fn() });
const metrics = { addMetric: jest.fn() };

// `options.baskets` wraps the API's basket repository (to stage a race); `clock.advance` moves
// the API's and the consumer's time (leases).
const setup = (options: { baskets?: (inner: BasketRepository) => BasketRepository } = {}) => {
  const orders = new RecordingOrderSender();
  const stored = new DynamoBasketRepository(docClient, table.tableName);
  const catalog = new DynamoPriceCatalog(docClient, table.tableName);
  let offsetMs = 0;
  const clock = { now: () => new Date(Date.now() + offsetMs), advance: (ms: number) => void (offsetMs += ms) };
  const api = createBasketApi({
    baskets: options.baskets?.(stored) ?? stored,
    catalog,
    checkouts: new DynamoCheckoutRepository(docClient, table.tableName),
    orders,
    clock,
    ids: { newId },
    logger: logger(),
    metrics,
  });
  const productChanges = createProductChangedConsumer({ catalog, logger: logger(), metrics });
  const orderEvents = createOrderEventsConsumer({ baskets: stored, clock, logger: logger(), metrics });
  const call = (customer: string, request: ApiRequest) =>
    api(apiGatewayProxyEvent({ basePath: '/basket', claims: customerClaims({ sub: customer }), ...request }), fakeLambdaContext());
  return {
    orders,
    call,
    clock,
    publish: (...events: unknown[]) => productChanges(sqsEventFromSns(events), fakeLambdaContext()),
    /** Delivers order events (OrderConfirmed, OrderCancelled, OrderNeedsAttention) to basket's consumer. */
    deliver: (...events: unknown[]) => orderEvents(sqsEventFromSns(events), fakeLambdaContext()),
  };
};

const body = <T = Record<string, unknown>>(result: APIGatewayProxyResult) => JSON.parse(result.body) as T;
const itemCount = async () => (await docClient.send(new ScanCommand({ TableName: table.tableName, Select: 'COUNT' }))).Count;
const checkout = (key: string, input: unknown = checkoutInput()): ApiRequest => ({
  method: 'POST',
  path: '/checkout',
  headers: { 'Idempotency-Key': key },
  body: input,
});

describe('basket on DynamoDB Local', () => {
  it('fills a basket at read-model prices, checks out once per key, and empties on OrderConfirmed', async () => {
    const { call, publish, deliver, orders } = setup();
    const customer = 'flow-customer-1';
    await expect(
      publish(
        productChanged('created', { sku: 'FLOW-MUG', name: 'Mug', price: { amount: 1299, currency: 'EUR' } }),
        productChanged('created', { sku: 'FLOW-TEA', name: 'Tea', price: { amount: 450, currency: 'EUR' } }),
        productChanged('updated', { sku: 'FLOW-MUG', name: 'Mug', version: 2, price: { amount: 1199, currency: 'EUR' } }),
      ),
    ).resolves.toEqual({ batchItemFailures: [] });

    expect((await call(customer, { method: 'PUT', path: '/items/FLOW-MUG', body: { quantity: 2 } })).statusCode).toBe(200);
    expect((await call(customer, { method: 'PUT', path: '/items/FLOW-TEA', body: { quantity: 3 } })).statusCode).toBe(200);
    const basket = await call(customer, {});
    expect(body(basket)).toEqual({
      lines: [
        {
          sku: 'FLOW-MUG',
          name: 'Mug',
          quantity: 2,
          unitPrice: { amount: 1199, currency: 'EUR' },
          lineTotal: { amount: 2398, currency: 'EUR' },
        },
        {
          sku: 'FLOW-TEA',
          name: 'Tea',
          quantity: 3,
          unitPrice: { amount: 450, currency: 'EUR' },
          lineTotal: { amount: 1350, currency: 'EUR' },
        },
      ],
      total: { amount: 3748, currency: 'EUR' },
      unavailable: [],
    });

    const first = await call(customer, checkout('flow-key-1'));
    const again = await call(customer, checkout('flow-key-1'));

    expect([first.statusCode, again.statusCode]).toEqual([202, 202]);
    const { orderId } = body<{ orderId: string }>(first);
    expect(body(again)).toEqual({ orderId });
    // The replay sent the command stored by the first request, read back from the table: same bytes.
    const firstCommand = JSON.stringify(orders.sent[0]);
    expect(orders.sent.map((command) => JSON.stringify(command))).toEqual([firstCommand, firstCommand]);
    expect(PlaceOrderSchema.parse(orders.sent[0]).data).toMatchObject({
      orderId,
      customerId: customer,
      total: { amount: 3748, currency: 'EUR' },
    });
    expect(body(await call(customer, {})).lines).toHaveLength(2); // not emptied at checkout

    await expect(deliver(orderConfirmed(['FLOW-MUG', 'FLOW-TEA'], orderId, customer))).resolves.toEqual({ batchItemFailures: [] });
    expect(body(await call(customer, {}))).toEqual({ lines: [], total: { amount: 0, currency: 'EUR' }, unavailable: [] });

    // The key still answers with its order once the basket is emptied; the order ended (its
    // confirmation freed the basket), so nothing is sent again.
    const replayed = await call(customer, checkout('flow-key-1'));
    expect([replayed.statusCode, replayed.headers?.['idempotent-replayed'], body(replayed)]).toEqual([202, 'true', { orderId }]);
    expect(orders.sent.map((command) => JSON.stringify(command))).toEqual([firstCommand, firstCommand]);

    // The customer buys a mug again; a late redelivery of the confirmation must not take it away.
    await call(customer, { method: 'PUT', path: '/items/FLOW-MUG', body: { quantity: 1 } });
    await expect(deliver(orderConfirmed(['FLOW-MUG', 'FLOW-TEA'], orderId, customer))).resolves.toEqual({ batchItemFailures: [] });
    expect(body(await call(customer, {}))).toMatchObject({ lines: [{ sku: 'FLOW-MUG', quantity: 1 }] });

    // The order is remembered in the basket item itself: no idempotency records.
    const { Items = [] } = await docClient.send(new ScanCommand({ TableName: table.tableName }));
    expect(Items.filter((item) => String(item.pk).startsWith('IDEMPOTENCY#'))).toEqual([]);
    expect(Items.find((item) => item.pk === `BASKET#${customer}`)?.confirmedOrders).toEqual({ [orderId]: expect.any(String) });
  });

  it('removes the ordered lines once when two copies of one OrderConfirmed are handled at the same time', async () => {
    const { call, publish, deliver } = setup();
    const customer = 'flow-customer-race';
    await publish(
      productChanged('created', { sku: 'FLOW-TWIN-A' }),
      productChanged('created', { sku: 'FLOW-TWIN-B' }),
      productChanged('created', { sku: 'FLOW-KEEP' }),
    );
    for (const sku of ['FLOW-TWIN-A', 'FLOW-TWIN-B', 'FLOW-KEEP']) {
      await call(customer, { method: 'PUT', path: `/items/${sku}`, body: { quantity: 1 } });
    }
    const copy = () => orderConfirmed(['FLOW-TWIN-A', 'FLOW-TWIN-B'], '00000000-0000-4000-8000-0000000000f1', customer);

    const results = await Promise.all([deliver(copy()), deliver(copy()), deliver(copy())]);

    expect(results).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }, { batchItemFailures: [] }]);
    const basket = await docClient.send(new GetCommand({ TableName: table.tableName, Key: { pk: `BASKET#${customer}`, sk: 'BASKET' } }));
    // three lines put, then exactly one write by the copies (the others lost the race, read again and stopped)
    expect(basket.Item).toMatchObject({ lines: { 'FLOW-KEEP': { quantity: 1 } }, version: 4 });
    expect(Object.keys(basket.Item?.lines ?? {})).toEqual(['FLOW-KEEP']);
  });

  it('answers concurrent checkouts with one key with one order id', async () => {
    const { call, publish, orders } = setup();
    const customer = 'flow-customer-2';
    await publish(productChanged('created', { sku: 'FLOW-RACE' }));
    await call(customer, { method: 'PUT', path: '/items/FLOW-RACE', body: { quantity: 1 } });

    const results = await Promise.all(Array.from({ length: 5 }, () => call(customer, checkout('race-key'))));

    expect(results.map((result) => result.statusCode)).toEqual([202, 202, 202, 202, 202]);
    const orderIds = new Set(results.map((result) => body<{ orderId: string }>(result).orderId));
    expect(orderIds.size).toBe(1);
    // Each request sent the one stored command once: the winner, a replay, or the loser of the claim.
    expect(orders.sent).toHaveLength(5);
    expect(new Set(orders.sent.map((command) => JSON.stringify(command))).size).toBe(1);
    expect(new Set(orders.sent.map((command) => command.data.orderId))).toEqual(orderIds);
  });

  it('answers 422 to an unknown, then a deleted, sku and to an empty basket', async () => {
    const { call, publish } = setup();
    const customer = 'flow-customer-3';
    await publish(productChanged('created', { sku: 'FLOW-GONE' }, '2025-01-01T00:00:00.000Z'));
    expect((await call(customer, { method: 'PUT', path: '/items/FLOW-GONE', body: { quantity: 1 } })).statusCode).toBe(200);
    await publish(productChanged('deleted', { sku: 'FLOW-GONE' }, '2025-01-01T00:00:01.000Z'));

    const unknown = await call(customer, { method: 'PUT', path: '/items/FLOW-NEVER', body: { quantity: 1 } });
    const deleted = await call(customer, { method: 'PUT', path: '/items/FLOW-GONE', body: { quantity: 2 } });
    const blocked = await call(customer, checkout('flow-key-3'));
    await call(customer, { method: 'DELETE', path: '/items/FLOW-GONE' });
    const empty = await call(customer, checkout('flow-key-4'));

    expect([unknown.statusCode, deleted.statusCode, blocked.statusCode, empty.statusCode]).toEqual([422, 422, 422, 422]);
    expect(body(unknown).errors).toEqual([{ field: 'sku', message: 'FLOW-NEVER is not for sale (unknown or deleted product).' }]);
    expect(body(blocked).errors).toEqual([
      { field: 'lines.FLOW-GONE', message: 'FLOW-GONE is not for sale (unknown or deleted product).' },
    ]);
  });

  it("keeps customers' baskets apart", async () => {
    const { call, publish } = setup();
    await publish(productChanged('created', { sku: 'FLOW-OWN' }));
    await call('flow-alice', { method: 'PUT', path: '/items/FLOW-OWN', body: { quantity: 4 } });

    expect(body(await call('flow-bob', {})).lines).toEqual([]);
    await call('flow-bob', { method: 'DELETE', path: '/items/FLOW-OWN' });
    expect(body(await call('flow-alice', {})).lines).toMatchObject([{ sku: 'FLOW-OWN', quantity: 4 }]);
  });

  it('answers 400 to bad input and writes nothing', async () => {
    const { call, orders } = setup();
    const before = await itemCount();

    const results = await Promise.all([
      call('flow-bad', { method: 'PUT', path: '/items/FLOW-MUG', body: { quantity: 100 } }),
      call('flow-bad', { method: 'PUT', path: '/items/bad sku', body: { quantity: 1 } }),
      call('flow-bad', { method: 'PUT', path: '/items/FLOW-MUG', body: '{"quantity":' }),
      call('flow-bad', { ...checkout('k'), headers: {} }),
      call('flow-bad', checkout('k', { ...checkoutInput(), paymentToken: 'no spaces allowed' })),
    ]);

    expect(results.map((result) => result.statusCode)).toEqual([400, 400, 400, 400, 400]);
    await expect(itemCount()).resolves.toBe(before);
    expect(orders.sent).toEqual([]);
  });
});

describe('one basket, one order at a time, on DynamoDB Local', () => {
  const checkoutItems = async (customer: string) => {
    const { Items = [] } = await docClient.send(
      new ScanCommand({
        TableName: table.tableName,
        FilterExpression: 'begins_with(pk, :prefix)',
        ExpressionAttributeValues: { ':prefix': `CHECKOUT#${customer}#` },
      }),
    );
    return Items;
  };
  const storedBasket = async (customer: string) =>
    (
      await docClient.send(
        new GetCommand({ TableName: table.tableName, Key: { pk: `BASKET#${customer}`, sk: 'BASKET' }, ConsistentRead: true }),
      )
    ).Item;
  const withLine = async (sku: string, customer: string) => {
    const flow = setup();
    await flow.publish(productChanged('created', { sku }));
    expect((await flow.call(customer, { method: 'PUT', path: `/items/${sku}`, body: { quantity: 1 } })).statusCode).toBe(200);
    return flow;
  };

  it('gives exactly one 202 to ten parallel checkouts with ten keys; the nine others get 409 naming its order', async () => {
    const customer = 'flow-one-order-ten-keys';
    const { call, orders } = await withLine('FLOW-TEN', customer);

    const results = await Promise.all(Array.from({ length: 10 }, (_, n) => call(customer, checkout(`ten-key-${n}`))));

    const statuses = results.map((result) => result.statusCode).sort();
    expect(statuses).toEqual([202, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
    const winner = results.find((result) => result.statusCode === 202);
    const { orderId } = body<{ orderId: string }>(winner ?? results[0]);
    for (const refused of results.filter((result) => result.statusCode === 409)) {
      expect(refused.headers?.['content-type']).toBe('application/problem+json');
      expect(body(refused)).toMatchObject({ type: 'urn:shop:problem:order-pending', status: 409, orderId });
    }
    // One checkout record, one PlaceOrder sent, one lock: the winner's.
    expect((await checkoutItems(customer)).map((item) => item.orderId)).toEqual([orderId]);
    expect(orders.sent.map((command) => command.data.orderId)).toEqual([orderId]);
    expect((await storedBasket(customer))?.pendingOrder).toMatchObject({ orderId });
    expect(body(await call(customer, {}))).toMatchObject({ pendingOrderId: orderId });

    // The winner's key still answers 202 with its order, and sends its command again.
    const winnerKey = (await checkoutItems(customer))[0]?.idempotencyKey as string;
    const again = await call(customer, checkout(winnerKey));
    expect([again.statusCode, body(again)]).toEqual([202, { orderId }]);
    expect(orders.sent.map((command) => command.data.orderId)).toEqual([orderId, orderId]);
  });

  it.each([
    ['OrderCancelled', orderCancelled],
    ['OrderNeedsAttention', orderNeedsAttention],
  ])('lets a new key check out again once %s freed the basket', async (_type, ended) => {
    const customer = `flow-one-order-after-${_type}`;
    const { call, deliver, orders } = await withLine('FLOW-AGAIN', customer);
    const first = body<{ orderId: string }>(await call(customer, checkout('again-key-1'))).orderId;
    expect((await call(customer, checkout('again-key-2'))).statusCode).toBe(409);

    await expect(deliver(ended(first, customer))).resolves.toEqual({ batchItemFailures: [] });

    const next = await call(customer, checkout('again-key-2'));
    expect(next.statusCode).toBe(202);
    const second = body<{ orderId: string }>(next).orderId;
    expect(second).not.toBe(first);
    expect(orders.sent.map((command) => command.data.orderId)).toEqual([first, second]);
    expect((await storedBasket(customer))?.pendingOrder).toMatchObject({ orderId: second, idempotencyKey: 'again-key-2' });
    expect(body(await call(customer, {}))).toMatchObject({ lines: [{ sku: 'FLOW-AGAIN' }], pendingOrderId: second });
  });

  it('lets a new key check out again once OrderConfirmed emptied and freed the basket', async () => {
    const customer = 'flow-one-order-after-confirmed';
    const { call, deliver } = await withLine('FLOW-CONF', customer);
    const first = body<{ orderId: string }>(await call(customer, checkout('conf-key-1'))).orderId;

    await deliver(orderConfirmed(['FLOW-CONF'], first, customer));
    expect(await storedBasket(customer)).not.toHaveProperty('pendingOrder');
    expect((await call(customer, { method: 'PUT', path: '/items/FLOW-CONF', body: { quantity: 2 } })).statusCode).toBe(200);

    expect((await call(customer, checkout('conf-key-2'))).statusCode).toBe(202);
  });

  it("keeps a newer order's lock when a late OrderCancelled of an older order arrives", async () => {
    const customer = 'flow-one-order-late-event';
    const { call, deliver } = await withLine('FLOW-LATE', customer);
    const older = body<{ orderId: string }>(await call(customer, checkout('late-key-1'))).orderId;
    await deliver(orderCancelled(older, customer));
    const newer = body<{ orderId: string }>(await call(customer, checkout('late-key-2'))).orderId;
    const lockedVersion = (await storedBasket(customer))?.version;

    // A copy of the older order's cancellation, delivered again late.
    await expect(deliver(orderCancelled(older, customer), orderNeedsAttention(older, customer))).resolves.toEqual({
      batchItemFailures: [],
    });

    expect(await storedBasket(customer)).toMatchObject({ pendingOrder: { orderId: newer }, version: lockedVersion });
    const refused = await call(customer, checkout('late-key-3'));
    expect([refused.statusCode, body(refused).orderId]).toEqual([409, newer]);
  });

  it('lets a new key through once the lease of an order that never ended ran out, and sends nothing for the old key', async () => {
    const customer = 'flow-one-order-lease';
    const { call, clock, orders } = await withLine('FLOW-LEASE', customer);
    const first = body<{ orderId: string }>(await call(customer, checkout('lease-key-1'))).orderId;

    clock.advance(PENDING_ORDER_LEASE_MS - 60_000);
    expect((await call(customer, checkout('lease-key-2'))).statusCode).toBe(409);
    clock.advance(60_000);
    const next = await call(customer, checkout('lease-key-2'));

    expect(next.statusCode).toBe(202);
    const second = body<{ orderId: string }>(next).orderId;
    expect((await storedBasket(customer))?.pendingOrder).toMatchObject({ orderId: second });
    // The first key answers with its order, but its command is not sent again: it does not hold the basket.
    const old = await call(customer, checkout('lease-key-1'));
    expect([old.statusCode, body(old)]).toEqual([202, { orderId: first }]);
    expect(orders.sent.map((command) => command.data.orderId)).toEqual([first, second]);
  });

  it("keeps the lock when a checkout locks the basket between a PUT's read and its write: the PUT writes again from the locked basket", async () => {
    const customer = 'flow-one-order-put-race';
    const flow = await withLine('FLOW-RACE-A', customer);
    await flow.publish(productChanged('created', { sku: 'FLOW-RACE-B' }));
    let orderId = '';
    const racing = setup({
      baskets: (inner) =>
        losingFirstSave(inner, async () => {
          const result = await flow.call(customer, checkout('put-race-key'));
          expect(result.statusCode).toBe(202);
          orderId = body<{ orderId: string }>(result).orderId;
        }),
    });

    const put = await racing.call(customer, { method: 'PUT', path: '/items/FLOW-RACE-B', body: { quantity: 2 } });

    expect(put.statusCode).toBe(200);
    expect(body(put)).toMatchObject({ lines: [{ sku: 'FLOW-RACE-A' }, { sku: 'FLOW-RACE-B', quantity: 2 }], pendingOrderId: orderId });
    // the first PUT, the checkout's lock, the racing PUT written again
    expect(await storedBasket(customer)).toMatchObject({ pendingOrder: { orderId }, version: 3 });
  });

  // Two PUTs and a checkout at once: each write loses at most two races, so each succeeds within
  // its three attempts, whatever the interleaving, and none may drop another's change.
  it('keeps the lock and every line under PUTs racing a checkout', async () => {
    const customer = 'flow-one-order-put-storm';
    const { call, publish } = await withLine('FLOW-STORM-0', customer);
    const skus = ['FLOW-STORM-1', 'FLOW-STORM-2'];
    await publish(...skus.map((sku) => productChanged('created', { sku })));

    const [checkedOut, ...puts] = await Promise.all([
      call(customer, checkout('storm-key')),
      ...skus.map((sku) => call(customer, { method: 'PUT', path: `/items/${sku}`, body: { quantity: 1 } })),
    ]);

    expect([checkedOut.statusCode, ...puts.map((put) => put.statusCode)]).toEqual([202, 200, 200]);
    const stored = await storedBasket(customer);
    expect(stored?.pendingOrder).toMatchObject({ orderId: body<{ orderId: string }>(checkedOut).orderId });
    expect(Object.keys(stored?.lines ?? {}).sort()).toEqual(['FLOW-STORM-0', ...skus]);
    expect(stored?.version).toBe(4);
  });
});
