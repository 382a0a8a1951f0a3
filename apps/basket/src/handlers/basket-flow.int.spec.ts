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
import { DynamoPriceCatalog } from '../adapters/price-catalog.repository';
import { BASKET_TABLE } from '../adapters/testing/basket-table';
import { checkoutInput, orderConfirmed, productChanged } from '../domain/testing/fixtures';
import { RecordingOrderSender } from '../domain/testing/in-memory';
import { createOrderConfirmedConsumer } from './order-confirmed.handler';
import { createProductChangedConsumer } from './product-changed.handler';
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

const setup = () => {
  const orders = new RecordingOrderSender();
  const baskets = new DynamoBasketRepository(docClient, table.tableName);
  const catalog = new DynamoPriceCatalog(docClient, table.tableName);
  const api = createBasketApi({
    baskets,
    catalog,
    checkouts: new DynamoCheckoutRepository(docClient, table.tableName),
    orders,
    clock: { now: () => new Date() },
    ids: { newId },
    logger: logger(),
    metrics,
  });
  const productChanges = createProductChangedConsumer({ catalog, logger: logger(), metrics });
  const confirmations = createOrderConfirmedConsumer({ baskets, clock: { now: () => new Date() }, logger: logger(), metrics });
  const call = (customer: string, request: ApiRequest) =>
    api(apiGatewayProxyEvent({ basePath: '/basket', claims: customerClaims({ sub: customer }), ...request }), fakeLambdaContext());
  return {
    orders,
    call,
    publish: (...events: unknown[]) => productChanges(sqsEventFromSns(events), fakeLambdaContext()),
    confirm: (...events: unknown[]) => confirmations(sqsEventFromSns(events), fakeLambdaContext()),
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
    const { call, publish, confirm, orders } = setup();
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
        { sku: 'FLOW-MUG', name: 'Mug', quantity: 2, unitPrice: { amount: 1199, currency: 'EUR' }, lineTotal: { amount: 2398, currency: 'EUR' } },
        { sku: 'FLOW-TEA', name: 'Tea', quantity: 3, unitPrice: { amount: 450, currency: 'EUR' }, lineTotal: { amount: 1350, currency: 'EUR' } },
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
    expect(PlaceOrderSchema.parse(orders.sent[0]).data).toMatchObject({ orderId, customerId: customer, total: { amount: 3748, currency: 'EUR' } });
    expect(body(await call(customer, {})).lines).toHaveLength(2); // not emptied at checkout

    await expect(confirm(orderConfirmed(['FLOW-MUG', 'FLOW-TEA'], orderId, customer))).resolves.toEqual({ batchItemFailures: [] });
    expect(body(await call(customer, {}))).toEqual({ lines: [], total: { amount: 0, currency: 'EUR' }, unavailable: [] });

    // The key still answers with its order once the basket is emptied, and sends the same command
    // (the order service, finding the order confirmed, starts nothing).
    const replayed = await call(customer, checkout('flow-key-1'));
    expect([replayed.statusCode, replayed.headers?.['idempotent-replayed'], body(replayed)]).toEqual([202, 'true', { orderId }]);
    expect(orders.sent.map((command) => JSON.stringify(command))).toEqual([firstCommand, firstCommand, firstCommand]);

    // The customer buys a mug again; a late redelivery of the confirmation must not take it away.
    await call(customer, { method: 'PUT', path: '/items/FLOW-MUG', body: { quantity: 1 } });
    await expect(confirm(orderConfirmed(['FLOW-MUG', 'FLOW-TEA'], orderId, customer))).resolves.toEqual({ batchItemFailures: [] });
    expect(body(await call(customer, {}))).toMatchObject({ lines: [{ sku: 'FLOW-MUG', quantity: 1 }] });

    // The order is remembered in the basket item itself: no idempotency records.
    const { Items = [] } = await docClient.send(new ScanCommand({ TableName: table.tableName }));
    expect(Items.filter((item) => String(item.pk).startsWith('IDEMPOTENCY#'))).toEqual([]);
    expect(Items.find((item) => item.pk === `BASKET#${customer}`)?.confirmedOrders).toEqual({ [orderId]: expect.any(String) });
  });

  it('removes the ordered lines once when two copies of one OrderConfirmed are handled at the same time', async () => {
    const { call, publish, confirm } = setup();
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

    const results = await Promise.all([confirm(copy()), confirm(copy()), confirm(copy())]);

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
    expect(body(blocked).errors).toEqual([{ field: 'lines.FLOW-GONE', message: 'FLOW-GONE is not for sale (unknown or deleted product).' }]);
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
